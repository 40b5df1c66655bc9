"""Who is behind a case: the people of its handling body, and its supervisors (for notifications)."""

from __future__ import annotations

from accounts.models import RoleAssignment
from core.roles import Role
from incidents.models import Incident, Level


def handler_users(incident: Incident) -> list[int]:
    """Ids of the people of the body the case is with (village cadres, township officials, department members)."""
    if incident.level == Level.COUNTY:
        if incident.handler_department_id is None:
            return []
        return list(incident.handler_department.members.filter(is_active=True).values_list("pk", flat=True))
    if incident.level == Level.TOWNSHIP:
        return _holders(Role.TOWNSHIP_OFFICIAL, incident.township_id)
    return _holders(Role.VILLAGE_CADRE, incident.village_id)


def supervisor_users(incident: Incident) -> list[int]:
    """Ids of the township officials over the case (they dispatch, summon and supervise)."""
    return _holders(Role.TOWNSHIP_OFFICIAL, incident.township_id)


def _holders(role: str, region_id: int | None) -> list[int]:
    if region_id is None:
        return []
    return list(
        RoleAssignment.objects.filter(role=role, region_id=region_id, grid__isnull=True, household__isnull=True)
        .filter(user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
