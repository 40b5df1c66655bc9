"""The audit event types this app records, with their readable names (registered with core.plugins by
registry.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    HOUSEHOLD_CREATE = "registry.household.create", _("Household registered")
    HOUSEHOLD_UPDATE = "registry.household.update", _("Household changed")
    HOUSEHOLD_IMPORT = "registry.household.import", _("Households imported")
    HOUSEHOLD_EXPORT = "registry.household.export", _("Households exported")
    PERSON_CREATE = "registry.person.create", _("Resident added")
    PERSON_UPDATE = "registry.person.update", _("Resident changed")
    PERSON_REVEAL_ID_NUMBER = "registry.person.reveal_id_number", _("Full ID number viewed")
    PERSON_REVEAL_PHONE = "registry.person.reveal_phone", _("Full phone number viewed")
    ORGANIZATION_CREATE = "registry.organization.create", _("Organization registered")
    ORGANIZATION_UPDATE = "registry.organization.update", _("Organization changed")
    PARTY_BRANCH_CREATE = "registry.party_branch.create", _("Party branch created")
    PARTY_BRANCH_UPDATE = "registry.party_branch.update", _("Party branch changed")
    PARTY_MEMBER_ADD = "registry.party_member.add", _("Party member added")
    PARTY_MEMBER_UPDATE = "registry.party_member.update", _("Party member changed")


ACTION_LABELS: dict = dict(AuditAction.choices)
