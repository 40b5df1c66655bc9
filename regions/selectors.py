"""Reads of the region tree and grids, scoped to the actor."""

from django.db.models import Count, Max, Q

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


def outlines(region) -> list[dict]:
    """The places one level down of a county, township or village as the map draws them: {id, name, level,
    geometry, centre (lat, lng)} — a township or village by the outline of its grids (the platform keeps no other
    boundary), a grid by its own. Kept an hour per region and the state of its grids."""
    from core.cache import kept
    from regions.geometry import outline

    grids = Grid.objects.filter(is_active=True, **{f"{region.level}_id": region.pk}, polygon__isnull=False)
    if region.level == RegionLevel.VILLAGE:
        column, model_level = "id", "grid"
    else:
        column, model_level = (
            ("township_id", "township") if region.level == RegionLevel.COUNTY else ("village_id", "village")
        )
    state = grids.aggregate(n=Count("id"), last=Max("id"))

    def build():
        shapes: dict[int, list[dict]] = {}
        names: dict[int, str] = {}
        for row in grids.values(column, "polygon", "name"):
            shapes.setdefault(row[column], []).append(row["polygon"])
            if model_level == "grid":
                names[row[column]] = row["name"]
        if model_level != "grid":
            names = dict(Region.objects.filter(pk__in=shapes).values_list("pk", "name"))
        out = []
        for pk, polygons in shapes.items():
            geometry = outline(polygons)
            if geometry is None:
                continue
            from shapely.geometry import shape

            point = shape(geometry).representative_point()
            out.append(
                {
                    "id": pk,
                    "name": names.get(pk, ""),
                    "level": model_level,
                    "geometry": geometry,
                    "centre": (point.y, point.x),
                }
            )
        return sorted(out, key=lambda o: o["name"])

    return kept("outlines", f"{region.pk}:{state['n']}:{state['last']}", build, 3600)


def village_centres(village_ids) -> dict[int, tuple[float, float]]:
    """(lat, lng) of each village: the mean of its grids' centres (what a count per village is drawn at)."""
    from django.db.models import Avg

    rows = (
        Grid.objects.filter(village_id__in=village_ids, is_active=True, center_lat__isnull=False)
        .values("village_id")
        .annotate(lat=Avg("center_lat"), lng=Avg("center_lng"))
        .order_by()
    )
    return {r["village_id"]: (r["lat"], r["lng"]) for r in rows}
