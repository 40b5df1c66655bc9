"""The grid map: a page with the map widget and the GeoJSON it draws, both scoped like the grid list."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core import maps
from core.params import id_param
from core.roles import Action
from core.views import require_action
from regions import selectors
from regions.models import GridKind, GridStaff


def _map_grids(request):
    """The active grids the actor sees (the scoped selector the grid list is built on), optionally of one village."""
    village_id = id_param(request.GET.get("village"))
    grids = selectors.grids(request.user).filter(is_active=True)
    if village_id:
        grids = grids.filter(village_id=village_id)
    return grids, village_id


def grid_features(grids) -> list[dict]:
    """The GeoJSON features of the grids that have a boundary, by code, each linking to its grid's page."""
    return [
        maps.feature(
            grid.polygon,
            kind="grid",
            id=grid.pk,
            code=grid.code,
            label=f"{grid.village.name} {grid.name}",
            url=reverse("regions:grid_detail", args=[grid.pk]),
        )
        for grid in grids.filter(polygon__isnull=False).order_by("code")
        if grid.polygon
    ]


@login_required
@require_action(Action.REGISTRY_VIEW)
def grid_map(request):
    grids, village_id = _map_grids(request)
    drawn = grids.filter(polygon__isnull=False).count()
    geojson_url = reverse("regions:grid_geojson")
    if village_id:
        geojson_url += "?" + urlencode({"village": village_id})
    return render(
        request,
        "regions/grid_map.html",
        {
            "geojson_url": geojson_url,
            "drawn": drawn,
            "not_drawn": grids.count() - drawn,
            "villages": selectors.villages(request.user),
            "village_id": village_id,
        },
    )


@login_required
@require_action(Action.REGISTRY_VIEW)
def grid_geojson(request):
    grids, _village_id = _map_grids(request)
    return JsonResponse(
        maps.feature_collection(grid_features(grids)),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


def grid_layer(actor, region) -> list[dict]:
    """The one map's grid layer (core.plugins.MapLayer): the active grids of ``region`` the actor may see."""
    grids = selectors.grids(actor).filter(is_active=True, **{f"{region.level}_id": region.pk})
    special = set(grids.filter(kind=GridKind.SPECIAL).values_list("pk", flat=True))
    monitors: dict[int, list[str]] = {}
    for row in (
        GridStaff.objects.filter(grid_id__in=special).order_by("role", "name").values("grid_id", "name", "phone")
    ):
        monitors.setdefault(row["grid_id"], []).append(" ".join(v for v in (row["name"], row["phone"]) if v))
    features = grid_features(grids)
    for feature in features:  # 专属网格 (hazard points, enterprises …) stand out, with who watches them
        props = feature["properties"]
        if props["id"] in special:
            props.update(color="#e65100", label=f"{props['label']}（{GridKind.SPECIAL.label}）")
            if monitors.get(props["id"]):
                props["detail"] = _("Watched by: %(people)s") % {"people": "、".join(monitors[props["id"]])}
    return features


def count_layer(indicator_key: str, label: str):
    """A layer of the one map counting an indicator's numerator per village this year (meetings held, notices
    published …), drawn at each village's centre: ``label`` (lazy) has %(village)s and %(count)s."""

    def build(actor, region) -> list[dict]:
        from django.utils import timezone

        from core import indicators
        from core.periods import Period

        today = timezone.localdate()
        measure = indicators.get(indicator_key).numerator
        level = "grid" if region.level == "village" else region.level
        if level == "grid":  # a village's own count, at its centre
            counts = {region.pk: measure.total(region.level, region.pk, Period(today.replace(month=1, day=1), today))}
        else:
            counts = measure.by(region.level, region.pk, Period(today.replace(month=1, day=1), today), "village")
        counts = {pk: n for pk, n in counts.items() if n}
        centres = selectors.village_centres(list(counts))
        names = dict(selectors.Region.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
        return [
            maps.feature(
                maps.point(*centres[pk]),
                kind="count",
                count=n,
                label=str(label) % {"village": names.get(pk, ""), "count": n},
            )
            for pk, n in sorted(counts.items())
            if pk in centres
        ]

    return build
