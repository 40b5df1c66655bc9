"""Readable names of this app's audit actions (merged by core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "deliberation.list.create": _("Deliberation list kept from the default template"),
    "deliberation.list.settings": _("Co-signing households for joint proposals changed"),
    "deliberation.list.entry_add": _("Kind of matter added to the deliberation list"),
    "deliberation.list.entry_update": _("Kind of matter on the deliberation list changed"),
    "deliberation.topic.propose": _("Topic proposed"),
    "deliberation.topic.cosign": _("Joint proposal co-signed"),
    "deliberation.topic.agenda": _("Topic put on a meeting's agenda"),
    "deliberation.comment.add": _("Consultation comment posted"),
    "deliberation.poll.open": _("Consultation poll opened"),
    "deliberation.poll.close": _("Consultation poll closed"),
    "deliberation.poll.answer": _("Consultation poll answered"),
    "deliberation.decision.record": _("Decision recorded"),
    "deliberation.decision.publish": _("Decision published"),
    "deliberation.decision.result": _("Result of a decision published"),
    "deliberation.task.create": _("Task set for a decision"),
    "deliberation.rules.create": _("Village rules version started"),
    "deliberation.rules.update": _("Village rules draft changed"),
    "deliberation.rules.agenda": _("Village rules put on the villagers' assembly's agenda"),
    "deliberation.rules.sign": _("Household's signature of the village rules recorded"),
}
