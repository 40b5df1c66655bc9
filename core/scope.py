"""Scope is data: role assignments carry a region (or a grid, or a household) and every selector
filters by them. ``user_can`` answers "may this actor do this action on this row",
``scope_filter`` turns the same answer into a queryset filter for a model that declares
``SCOPE_PATHS`` (level → field path).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Model, Q, QuerySet

from core.errors import NotFound, PermissionDenied
from core.roles import ROLE_ACTIONS


@dataclass(frozen=True)
class Grant:
    role: str
    level: str  # county / township / village / group / grid / household
    target_id: int
    county_id: int | None
    township_id: int | None
    village_id: int | None


# Read on every signed-in request: one hand-written statement, plain tuples (the ORM took several times longer
# to build the join and make model instances than the database took to answer; bench/README.md). A region row
# carries its own county/township/village ids (itself at its own level: Region.ancestor_ids).
_GRANTS_SQL = """
    SELECT a.role, a.household_id, a.grid_id, r.id, r.level, r.county_id, r.township_id, r.village_id
    FROM accounts_roleassignment a
    JOIN regions_region r ON r.id = a.region_id
    WHERE a.user_id = %s
    ORDER BY a.id
"""


def grants(user) -> list[Grant]:
    """The actor's role assignments as scope grants, cached on the user object for one request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_scope_grants", None)
    if cached is not None:
        return cached
    result = []
    with connection.cursor() as cursor:
        cursor.execute(_GRANTS_SQL, [user.pk])
        rows = cursor.fetchall()
    for role, household_id, grid_id, region_id, level, county_id, township_id, village_id in rows:
        if household_id:
            level, target = "household", household_id
        elif grid_id:
            level, target = "grid", grid_id
        else:
            target = region_id
        result.append(Grant(role, level, target, county_id, township_id, village_id))
    user._scope_grants = result
    return result


def forget_grants(user) -> None:
    """Drop what ``grants`` and ``allowed_actions`` cached on the user object (after a change of its roles)."""
    user.__dict__.pop("_scope_grants", None)
    user.__dict__.pop("_scope_actions", None)


def allowed_actions(user) -> frozenset[str]:
    """Every action some role of the actor allows somewhere (cached with the grants for the request)."""
    cached = getattr(user, "_scope_actions", None)
    if cached is None:
        cached = frozenset(a for g in grants(user) for a in ROLE_ACTIONS.get(g.role, ()))
        if getattr(user, "is_authenticated", False):
            user._scope_actions = cached
    return cached


def roles_of(user) -> set[str]:
    return {g.role for g in grants(user)}


def can(user, action: str) -> bool:
    """Does any of the actor's roles allow the action somewhere?"""
    return action in allowed_actions(user)


def grants_for(user, action: str) -> list[Grant]:
    """The actor's grants whose role allows ``action``."""
    return [g for g in grants(user) if action in ROLE_ACTIONS.get(g.role, ())]


def scope_q(user, action: str, model: type[Model]) -> Q:
    """A filter selecting the rows of ``model`` inside the actor's scope for ``action``."""
    paths = model.SCOPE_PATHS
    q = Q(pk__in=[])
    for g in grants_for(user, action):
        path = paths.get(g.level)
        if path is None:
            # The model has no finer field (e.g. grid grant on a village-level row): a grid
            # worker does not see village-wide rows through the grid grant.
            continue
        q |= Q(**{path: g.target_id})
    return q


def scope_filter(user, action: str, qs: QuerySet) -> QuerySet:
    return qs.filter(scope_q(user, action, qs.model))


def in_scope(user, action: str, obj: Model) -> bool:
    """Same rule as ``scope_q`` for one loaded row, without a query where the row carries the ids."""
    paths = obj.SCOPE_PATHS
    for g in grants_for(user, action):
        path = paths.get(g.level)
        if path is None:
            continue
        value = obj
        for part in path.split("__"):
            value = getattr(value, part, None)
            if value is None:
                break
        if value == g.target_id:
            return True
    return False


def require(user, action: str, obj: Model | None = None) -> None:
    """Raise NotFound when ``obj`` is outside the actor's scope, PermissionDenied when no role allows it."""
    if obj is not None and not in_scope(user, action, obj):
        raise NotFound()
    if obj is None and not can(user, action):
        raise PermissionDenied()


def region_in_scope(user, action: str, region) -> bool:
    """May the actor act on (something placed in) this region?"""
    ids = region.ancestor_ids()
    for g in grants_for(user, action):
        if g.level in ("county", "township", "village") and ids.get(g.level) == g.target_id:
            return True
    return False
