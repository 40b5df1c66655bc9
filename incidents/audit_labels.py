"""The audit event types this app records, with their readable names (registered with core.plugins by
incidents.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    DEPARTMENT_SAVE = "incidents.department.save", _("Department saved")
    MATTER_ADMIT = "incidents.matter.admit", _("Grid matter admitted to the catalogue")
    MATTER_UPDATE = "incidents.matter.update", _("Grid matter changed")
    MATTER_RETIRE = "incidents.matter.retire", _("Grid matter retired from the catalogue")
    MATTER_READMIT = "incidents.matter.readmit", _("Grid matter admitted again")
    RULE_SAVE = "incidents.rule.save", _("Triage rule saved")
    RULE_DELETE = "incidents.rule.delete", _("Triage rule removed")
    REMINDER = "incidents.reminder", _("Deadline reminder sent")


ACTION_LABELS: dict = dict(AuditAction.choices)
