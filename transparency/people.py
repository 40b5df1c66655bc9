"""Who is behind a notice or a question (for in-app notifications): the village's cadres and reviewers, and the
township's officials."""

from __future__ import annotations

from accounts.models import RoleAssignment
from core.roles import Role


def _holders(role: str, region_id: int | None) -> list[int]:
    if region_id is None:
        return []
    return list(
        RoleAssignment.objects.filter(role=role, region_id=region_id, grid__isnull=True, household__isnull=True)
        .filter(user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def cadre_users(village_id: int | None) -> list[int]:
    return _holders(Role.VILLAGE_CADRE, village_id)


def reviewer_users(village_id: int | None) -> list[int]:
    """The village's reviewers: the 民主理财小组 who check financial notices."""
    return _holders(Role.REVIEWER, village_id)


def supervisor_users(township_id: int | None) -> list[int]:
    return _holders(Role.TOWNSHIP_OFFICIAL, township_id)
