"""The audit event types this app records, with their readable names (registered with core.plugins by
mutualaid.plug; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    CONTRIBUTION_RECORD = "mutualaid.contribution.record", _("Mutual-aid fund: contribution recorded")
    ENTRY_REVERSE = "mutualaid.entry.reverse", _("Mutual-aid fund: entry reversed")
    BAND_ADD = "mutualaid.band.add", _("Mutual-aid band set")
    BAND_REMOVE = "mutualaid.band.remove", _("Mutual-aid band removed")
    APPLICATION_MAKE = "mutualaid.application.make", _("Mutual-aid application made")
    PAYOUTS_PUBLISH = "mutualaid.payouts.publish", _("Mutual-aid payouts published")
