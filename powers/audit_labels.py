"""The audit event types this app records, with their readable names (registered with core.plugins by
powers.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    POWER_CREATE = "powers.power.create", _("Small-power list: power added")
    POWER_UPDATE = "powers.power.update", _("Small-power list: power changed")
    LIST_INSTALL = "powers.list.install", _("Small-power list: default list installed")
    CASE_APPLY = "powers.case.apply", _("Small-power matter opened")
    OBJECTION_RAISE = "powers.objection.raise", _("Objection raised during a posting")
    OBJECTION_ANSWER = "powers.objection.answer", _("Objection answered")


ACTION_LABELS: dict = dict(AuditAction.choices)
