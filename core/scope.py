"""The permission vocabulary. Scope is data: role assignments carry a region (or a grid, or a household) and
every selector filters by them; a role allows named ``Action``s (core.roles), never the other way round.

Two questions, one answer each, for every app and for the case engine:

- "which rows may this actor act on for this action": ``scope_q``/``scope_filter`` for a model that declares
  ``SCOPE_PATHS`` (level → field path), ``place_q`` for rows placed by ``county_id``/``township_id``/``village_id``
  (a household or grid grant reaching its whole village; ``regions.selectors.villages`` for the villages
  themselves, with the same reach);
- "fetch this row for this action, or not found": ``fetch`` (the same ``NotFound`` for a row that is missing and
  a row out of scope), ``in_scope``/``require`` for a row already loaded.

``targets`` and ``county_ids`` answer the smaller questions apps used to answer with their own loops over the
grants ("the actor's own households", "the counties the actor works in").
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
    by_path: dict[str, list[int]] = {}
    for g in grants_for(user, action):
        path = paths.get(g.level)
        if path is None:
            # The model has no finer field (e.g. grid grant on a village-level row): a grid
            # worker does not see village-wide rows through the grid grant.
            continue
        by_path.setdefault(path, []).append(g.target_id)
    return _any_of(by_path, "")


def scope_filter(user, action: str, qs: QuerySet) -> QuerySet:
    return qs.filter(scope_q(user, action, qs.model))


def covers(grant: Grant, obj: Model) -> bool:
    """Does the grant's place contain the row (through the row's ``SCOPE_PATHS``)?"""
    path = obj.SCOPE_PATHS.get(grant.level)
    if path is None:
        return False
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return False
    return value == grant.target_id


def in_scope(user, action: str, obj: Model) -> bool:
    """Same rule as ``scope_q`` for one loaded row, without a query where the row carries the ids."""
    return any(covers(g, obj) for g in grants_for(user, action))


def fetch(qs: QuerySet, pk):
    """The row ``pk`` of an already scoped queryset, or ``NotFound`` (missing, out of scope or a malformed key
    answer the same)."""
    if pk in (None, ""):
        raise NotFound()
    try:
        found = qs.filter(pk=pk).first()
    except (ValueError, TypeError, OverflowError):
        found = None
    if found is None:
        raise NotFound()
    return found


REGION_LEVELS = ("county", "township", "village")


def place_q(user, action: str, prefix: str = "", *, whole_village: bool = True) -> Q:
    """Rows (or rows reached through ``prefix``) whose ``county_id``/``township_id``/``village_id`` lie where one
    of the actor's roles allows ``action``. A household, grid or group grant reaches its whole village (a notice,
    a topic, a meeting belong to the village) unless ``whole_village`` is false (then region grants only)."""
    by_path: dict[str, list[int]] = {}
    for g in grants_for(user, action):
        if g.level in REGION_LEVELS:
            by_path.setdefault(f"{g.level}_id", []).append(g.target_id)
        elif whole_village and g.village_id is not None:
            by_path.setdefault("village_id", []).append(g.village_id)
    return _any_of(by_path, prefix)


def _any_of(by_path: dict[str, list[int]], prefix: str) -> Q:
    """One condition per path (``village_id = 7`` or ``village_id IN (…)`` for many grants), OR-ed: a cadre of 300
    villages is one IN list, not 300 alternatives the ORM and the planner walk one by one."""
    q = Q(**{f"{prefix}pk__in": []})
    for path, ids in by_path.items():
        ids = list(dict.fromkeys(ids))
        q |= Q(**{f"{prefix}{path}": ids[0]}) if len(ids) == 1 else Q(**{f"{prefix}{path}__in": ids})
    return q


def in_place(user, action: str, obj: Model, *, whole_village: bool = True) -> bool:
    """``place_q``'s rule for one loaded row (its ``county_id``/``township_id``/``village_id``), without a query."""
    for g in grants_for(user, action):
        if g.level in REGION_LEVELS:
            if getattr(obj, f"{g.level}_id", None) == g.target_id:
                return True
        elif whole_village and g.village_id is not None and obj.village_id == g.village_id:
            return True
    return False


def has_place(user, action: str) -> bool:
    """Does a county, township or village grant of the actor allow ``action`` (staff, not a household or grid)?"""
    return any(g.level in REGION_LEVELS for g in grants_for(user, action))


def targets(user, level: str, action: str | None = None, *, role: str | None = None) -> list[int]:
    """The ids the actor's grants at ``level`` point at (their households, grids, villages …), in grant order,
    limited to grants whose role allows ``action`` and, when given, to one ``role``."""
    found = grants(user) if action is None else grants_for(user, action)
    return list(dict.fromkeys(g.target_id for g in found if g.level == level and (role is None or g.role == role)))


def county_ids(user, action: str | None = None) -> list[int]:
    """The counties the actor's grants lie in (those whose role allows ``action``, when given)."""
    found = grants(user) if action is None else grants_for(user, action)
    return list(dict.fromkeys(g.county_id for g in found if g.county_id))


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
        if g.level in REGION_LEVELS and ids.get(g.level) == g.target_id:
            return True
    return False
