"""The audit event types this app records, with their readable names (registered with core.plugins by
visits.plug; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    FREQUENCY_SET = "visits.frequency.set", _("Visit frequency set for a tag")
    VISIT_RECORD = "visits.visit.record", _("Household visit recorded")
    VISIT_FOLLOW_UP = "visits.visit.follow_up", _("Case opened from a visit linked to it")
