"""The audit event types this app records, with their readable names (registered with core.plugins by
mediation.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    BODY_CREATE = "mediation.body.create", _("Mediation body added")
    BODY_UPDATE = "mediation.body.update", _("Mediation body changed")
    MEDIATOR_CREATE = "mediation.mediator.create", _("Mediator or expert added to the pool")
    MEDIATOR_UPDATE = "mediation.mediator.update", _("Mediator or expert changed")
    DISPUTE_RECORD = "mediation.dispute.record", _("Dispute recorded for mediation")
    DISPUTE_READ = "mediation.dispute.read", _("Dispute read by a supervisor")
    LOCAL_KIND = "mediation.kind.set", _("Type of dispute added or changed by the county")
    SUBSIDY_RATE = "mediation.subsidy.rate", _("Per-case subsidy rate set")
    CONFIRMATION_REMIND = "mediation.confirmation.remind", _("Parties reminded of the judicial confirmation window")
