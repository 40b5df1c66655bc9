"""The audit event types this app records, with their readable names (registered with core.plugins by
inspections.plug; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    SHEET_CREATE = "inspections.sheet.create", _("Seven goods: scoring sheet version written")
    SHEET_RETIRE = "inspections.sheet.retire", _("Seven goods: scoring sheet retired")
    POLICY_SET = "inspections.policy.set", _("Seven goods: board shares set")
    ROUND_OPEN = "inspections.round.open", _("Seven goods: quarterly round opened")
    INSPECTION_SAVE = "inspections.inspection.save", _("Seven goods: household inspected")
    ROUND_PUBLISH = "inspections.round.publish", _("Seven goods: boards published")
    RECHECK_SAVE = "inspections.recheck.save", _("Seven goods: household reinspected after rectification")
