"""Who an event's people are (the parties of its procedure): the household's own accounts, whoever declared it on
the household's behalf, and the village's 红白理事会."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from committees.models import CommitteeKind
from committees.parties import member_of
from core.roles import Role
from core.workflow import Party


def _household_ids(case) -> list[int]:
    from accounts.models import RoleAssignment

    return list(
        RoleAssignment.objects.filter(household_id=case.household_id, role=Role.VILLAGER)
        .values_list("user_id", flat=True)
        .distinct()
    )


def _is_household(actor, case) -> bool:
    from core import scope

    return case.household_id in scope.targets(actor, "household", role=Role.VILLAGER)


HOUSEHOLD = Party(_("the household"), _is_household, people=_household_ids)
RECORDER = Party(
    _("whoever declared it on the household's behalf"),
    lambda actor, case: case.on_behalf and case.declared_by_id == actor.pk,
    people=lambda case: [case.declared_by_id] if case.on_behalf else [],
)
COUNCIL = member_of(CommitteeKind.CUSTOMS_COUNCIL, _("the village's wedding and funeral council"))
