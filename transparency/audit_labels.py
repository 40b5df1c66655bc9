"""The audit event types this app records, with their readable names (registered with core.plugins by
transparency.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    NOTICE_CREATE = "transparency.notice.create", _("Notice drafted")
    NOTICE_UPDATE = "transparency.notice.update", _("Notice draft changed")
    NOTICE_ATTACH = "transparency.notice.attach", _("File attached to a notice")
    NOTICE_DETACH = "transparency.notice.detach", _("File removed from a notice draft")
    NOTICE_SUPERSEDE = "transparency.notice.supersede", _("Withdrawn notice marked as superseded by a correction")
    QUESTION_ASK = "transparency.question.ask", _("Question asked on a notice")
    POLICY_SAVE = "transparency.policy.save", _("Disclosure rules changed")


ACTION_LABELS: dict = dict(AuditAction.choices)
