"""The one map (一张图) of a county, township or village: the places one level down drawn from the platform's own
boundaries (a township or village is the outline of its grids) with their names — useful with no tile server —,
coloured by any indicator (a choropleth), and the layers the apps register (core.plugins.MapLayer: grids, incidents,
disputes as counts per village, service points with their 15-minute circle), each toggled on the map."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import indicators as ind
from core import maps, plugins
from core.errors import DomainError
from core.periods import YEAR, parse_period, period_form_context
from core.roles import Action
from core.views import require_action
from dashboards import selectors
from regions.selectors import outlines


def _geojson(features) -> JsonResponse:
    return JsonResponse(
        maps.feature_collection(features),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


def _choice(request, level: str):
    """(period, indicator or None, errors) from the query: this year and the first indicator by default."""
    params = request.GET.copy()
    params.setdefault("period", YEAR)
    errors = []
    try:
        period = parse_period(params)
    except DomainError as exc:
        period, errors = None, list(exc.messages)
    shown = [i for i in selectors.indicators_for(ind.CHILD_LEVEL[level]) if i.applies_to(level)]
    key = request.GET.get("indicator") or (shown[0].key if shown else "")
    indicator = None
    if key:
        try:
            indicator = ind.get(key)
        except DomainError as exc:
            errors += list(exc.messages)
    return period, indicator, shown, errors


@login_required
@require_action(Action.DASHBOARD_VIEW)
def one_map(request, region_id):
    region = selectors.place(request.user, region_id)
    period, indicator, shown, errors = _choice(request, region.level)
    query = request.GET.urlencode()
    layers = [
        {
            "key": layer.key,
            "label": str(layer.label),
            "url": reverse("dashboards:map_layer", args=[region.pk, layer.key]),
            "cluster": layer.cluster,
            "shown": layer.shown,
            "legend": [
                {"label": str(i["label"]), "color": i["color"]} for i in (layer.legend() if layer.legend else [])
            ],
        }
        for layer in plugins.map_layers(request.user)
    ]
    context = {
        "region": region,
        "trail": selectors.trail(request.user, region),
        "indicators": shown,
        "indicator": indicator,
        "errors": errors,
        "query": query,
        "action": reverse("dashboards:map", args=[region.pk]),
        "config": {
            "places": reverse("dashboards:map_places", args=[region.pk]) + (f"?{query}" if query else ""),
            "layers": layers,
            "unit": indicator.unit if indicator else "",
            "higher": indicator.higher_is_better if indicator else True,
        },
    }
    context.update(period_form_context(request.GET, period, default_kind=YEAR))
    return render(request, "dashboards/map.html", context, status=400 if errors else 200)


@login_required
@require_action(Action.DASHBOARD_VIEW)
def map_places(request, region_id):
    """The places one level down as polygons with their names, the dashboard each opens and the chosen
    indicator's figure (empty when the query is not valid: the page says why)."""
    region = selectors.place(request.user, region_id)
    period, indicator, _shown, errors = _choice(request, region.level)
    values = {}
    if indicator is not None and period is not None and not errors:
        child = ind.CHILD_LEVEL[region.level]
        if indicator.applies_to(child):
            values = indicator.by_unit(region.level, region.pk, period)
    features = []
    for place in outlines(region):
        value = values.get(place["id"])
        opens = place["level"] != "grid"
        features.append(
            maps.feature(
                place["geometry"],
                kind="place",
                id=place["id"],
                label=place["name"],
                url=reverse("dashboards:map", args=[place["id"]]) if opens else "",
                value=value.value if value and not value.thin else None,
                display=value.display if value else "—",
                thin=bool(value.thin) if value else True,
                lat=place["centre"][0],
                lng=place["centre"][1],
            )
        )
    return _geojson(features)


@login_required
@require_action(Action.DASHBOARD_VIEW)
def map_layer(request, region_id, key):
    region = selectors.place(request.user, region_id)
    layer = next((layer for layer in plugins.map_layers(request.user) if layer.key == key), None)
    if layer is None:
        raise Http404(_("There is no such layer."))
    return _geojson(layer.build(request.user, region))
