"""The audit event types this app records, with their readable names (registered with core.plugins by
targets.plug; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    LIST_ISSUE = "targets.list.issue", _("Target list issued")
    ITEM_ADD = "targets.item.add", _("Item added to a target list")
