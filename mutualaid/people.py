"""Who an application's people are (the parties of its procedure): the villager it is for (their account),
whoever filed it on their behalf, the leader of the applicant's village group, and the village cadres standing in
for a group that has no leader."""

from __future__ import annotations

from committees import selectors as committees
from committees.models import CommitteeKind
from core import scope
from core.roles import Action, Role


def is_applicant(actor, case) -> bool:
    return case.applicant_id is not None and case.applicant_id == actor.pk


def applicant_ids(case) -> list[int]:
    return [case.applicant_id] if case.applicant_id else []


def is_recorder(actor, case) -> bool:
    return case.on_behalf and case.recorded_by_id == actor.pk


def recorder_ids(case) -> list[int]:
    return [case.recorded_by_id] if case.on_behalf and case.recorded_by_id else []


def group_of(case):
    return case.group_id


def has_leader(case) -> bool:
    if case.group_id is None:
        return False
    return bool(committees.member_user_ids(case.village_id, CommitteeKind.GROUP_LEADERS, group_id=case.group_id))


def stands_in(actor, case) -> bool:
    """A village cadre handling mutual aid in the case's village, when the applicant's group has no leader."""
    return scope.in_scope(actor, Action.AID_HANDLE, case) and not has_leader(case)


def stand_in_ids(case) -> list[int]:
    if has_leader(case):
        return []
    from accounts.models import RoleAssignment

    rows = RoleAssignment.objects.filter(role=Role.VILLAGE_CADRE, region_id=case.village_id)
    return list(rows.values_list("user_id", flat=True).distinct())


def is_member(actor, village_id) -> bool:
    """The actor sits on the village's mutual-aid association now."""
    return committees.is_member(actor, village_id, CommitteeKind.MUTUAL_AID)
