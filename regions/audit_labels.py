"""The audit event types this app records, with their readable names (registered with core.plugins by
regions.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    REGION_CREATE = "regions.region.create", _("Region added")
    REGION_RENAME = "regions.region.rename", _("Region renamed")
    GRID_CREATE = "regions.grid.create", _("Grid created")
    GRID_UPDATE = "regions.grid.update", _("Grid changed")
    GRID_STAFF_ADD = "regions.grid_staff.add", _("Grid staff added")
    GRID_STAFF_REMOVE = "regions.grid_staff.remove", _("Grid staff removed")


ACTION_LABELS: dict = dict(AuditAction.choices)
