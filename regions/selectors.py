"""Reads of the region tree and grids, scoped to the actor."""

from django.db.models import Count, Q

from core import scope
from core.errors import NotFound
from core.roles import Action
from regions.models import Grid, Region, RegionLevel


def villages(actor, action: str = Action.REGISTRY_VIEW, *, whole_village: bool = True):
    """The villages where the actor may take ``action`` (for choosers), with the reach of ``scope.place_q``: whole
    villages by region grant, and the village of a grid or household grant unless ``whole_village`` is false."""
    q = Q(pk__in=[])
    for g in scope.grants_for(actor, action):
        if g.level == "county":
            q |= Q(county_id=g.target_id)
        elif g.level == "township":
            q |= Q(township_id=g.target_id)
        elif g.level == "village":
            q |= Q(pk=g.target_id)
        elif whole_village and g.village_id is not None:
            q |= Q(pk=g.village_id)
    return Region.objects.filter(q, level=RegionLevel.VILLAGE).select_related("township").order_by("code")


def public_village(code: str) -> Region:
    """The village of a public page (no login) by its code, or ``NotFound``."""
    found = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).select_related("township", "county").first()
    if found is None:
        raise NotFound()
    return found


def village_groups(actor, action: str = Action.REGISTRY_VIEW):
    return Region.objects.filter(level=RegionLevel.GROUP, parent__in=villages(actor, action)).select_related("parent")


def grids(actor, action: str = Action.REGISTRY_VIEW):
    return scope.scope_filter(actor, action, Grid.objects.select_related("village", "township"))


def grid_list(actor, *, village_id=None, kind=""):
    qs = grids(actor).annotate(household_count=Count("households")).prefetch_related("staff")
    if village_id:
        qs = qs.filter(village_id=village_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("code")


def access_grid(actor, grid_id) -> Grid:
    try:
        return grids(actor).get(pk=grid_id)
    except (Grid.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def region_tree(actor):
    """The regions the actor sees, ordered so the tree prints top-down."""
    return scope.scope_filter(actor, Action.REGISTRY_VIEW, Region.objects.all()).order_by("code")


def region_tree_rows(actor) -> list[dict]:
    """The region tree as indented rows with household and grid counts (computed, never typed)."""
    from registry.models import Household

    regions = list(region_tree(actor).select_related("parent"))
    visible = {r.pk for r in regions}
    households: dict[int, int] = {}
    households_qs = scope.scope_filter(actor, Action.REGISTRY_VIEW, Household.objects.all())
    for level in ("county", "township", "village", "group"):
        for row in households_qs.values(f"{level}_id").annotate(n=Count("id")):
            if row[f"{level}_id"] is not None:
                households[row[f"{level}_id"]] = row["n"]
    grid_counts = dict(grids(actor).filter(is_active=True).values_list("village_id").annotate(n=Count("id")))
    depth = {RegionLevel.COUNTY: 0, RegionLevel.TOWNSHIP: 1, RegionLevel.VILLAGE: 2, RegionLevel.GROUP: 3}
    rows = []
    for r in _tree_order(regions, visible):
        rows.append(
            {
                "region": r,
                "depth": depth[r.level],
                "households": households.get(r.pk, 0),
                "grids": grid_counts.get(r.pk) if r.level == RegionLevel.VILLAGE else None,
                "can_add_child": r.level != RegionLevel.GROUP
                and (
                    scope.region_in_scope(actor, Action.REGIONS_MANAGE, r)
                    and (r.level == RegionLevel.VILLAGE or scope.region_in_scope(actor, Action.ACCOUNTS_MANAGE, r))
                ),
            }
        )
    return rows


def _tree_order(regions, visible):
    children: dict[int | None, list] = {}
    for r in regions:
        parent = r.parent_id if r.parent_id in visible else None
        children.setdefault(parent, []).append(r)
    out = []

    def walk(parent):
        for r in sorted(children.get(parent, []), key=lambda x: x.code):
            out.append(r)
            walk(r.pk)

    walk(None)
    return out
