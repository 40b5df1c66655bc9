"""The audit event types this app records, with their readable names (registered with core.plugins by
committees.plug; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    COMMITTEE_SET = "committees.committee.set", _("Village committee set up or changed")
    MEMBER_ADD = "committees.member.add", _("Committee member added")
    MEMBER_END = "committees.member.end", _("Committee member's seat ended")
    SECTOR_SET = "committees.sector.set", _("Sector (红色片区) set up or changed")
