"""The audit event types this app records, with their readable names (registered with core.plugins by
deliberation.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    LIST_CREATE = "deliberation.list.create", _("Deliberation list kept from the default template")
    LIST_SETTINGS = "deliberation.list.settings", _("Co-signing households for joint proposals changed")
    LIST_ENTRY_ADD = "deliberation.list.entry_add", _("Kind of matter added to the deliberation list")
    LIST_ENTRY_UPDATE = "deliberation.list.entry_update", _("Kind of matter on the deliberation list changed")
    TOPIC_PROPOSE = "deliberation.topic.propose", _("Topic proposed")
    TOPIC_COSIGN = "deliberation.topic.cosign", _("Joint proposal co-signed")
    TOPIC_AGENDA = "deliberation.topic.agenda", _("Topic put on a meeting's agenda")
    COMMENT_ADD = "deliberation.comment.add", _("Consultation comment posted")
    POLL_OPEN = "deliberation.poll.open", _("Consultation poll opened")
    POLL_CLOSE = "deliberation.poll.close", _("Consultation poll closed")
    POLL_ANSWER = "deliberation.poll.answer", _("Consultation poll answered")
    DECISION_RECORD = "deliberation.decision.record", _("Decision recorded")
    DECISION_PUBLISH = "deliberation.decision.publish", _("Decision published")
    DECISION_RESULT = "deliberation.decision.result", _("Result of a decision published")
    TASK_CREATE = "deliberation.task.create", _("Task set for a decision")
    RULES_CREATE = "deliberation.rules.create", _("Village rules version started")
    RULES_UPDATE = "deliberation.rules.update", _("Village rules draft changed")
    RULES_AGENDA = "deliberation.rules.agenda", _("Village rules put on the villagers' assembly's agenda")
    RULES_SIGN = "deliberation.rules.sign", _("Household's signature of the village rules recorded")


ACTION_LABELS: dict = dict(AuditAction.choices)
