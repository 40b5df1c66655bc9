"""The audit event types this app records, with their readable names (registered with core.plugins by
customs.plug; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    LIMITS_SET = "customs.limits.set", _("Limits for weddings and funerals set")
    EVENT_DECLARE = "customs.event.declare", _("Wedding or funeral declared to the council")
