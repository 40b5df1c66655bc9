"""Pages of the service points (乡镇便民服务中心, 村便民服务室), the agents (代办员) and the 15-minute circle
(十五分钟就近办). Thin: reads through doorstep.places and doorstep.circle, writes through doorstep.places (kept
by the county's administrator and a township official for their township). Agents are listed by township and
name, with the open requests each holds now: never ranked by log-in or online time (SPEC §12)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core import maps, scope
from core.params import id_param, int_param
from core.roles import Action
from core.views import api_twin, submit
from doorstep import circle, places
from doorstep.models import Level
from doorstep.places_forms import AgentForm, PointForm

CENTRE_COLOR = "#1565c0"
ROOM_COLOR = "#2e7d32"
# the village's share on the circle map: at least 90 % / at least 60 % / below / nobody placed
SHARE_BANDS = ((90, "#2e7d32"), (60, "#ef6c00"), (0, "#c62828"))
NO_SHARE_COLOR = "#9e9e9e"


def _require_places(actor) -> None:
    if not places.may_see_places(actor) and not places.agents(actor).exists():
        raise PermissionDenied()


def _json(collection) -> JsonResponse:
    return JsonResponse(collection, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})


def _point_feature(p, *, url: bool = True) -> dict:
    return maps.feature(
        maps.point(p.latitude, p.longitude),
        kind="case",
        label=p.name,
        state_label=p.hours or p.get_level_display(),
        color=CENTRE_COLOR if p.level == Level.TOWNSHIP else ROOM_COLOR,
        url=reverse("doorstep:point_edit", args=[p.pk]) if url else "",
    )


def _point_legend() -> list[dict]:
    return [
        {"label": str(Level.TOWNSHIP.label), "color": CENTRE_COLOR},
        {"label": str(Level.VILLAGE.label), "color": ROOM_COLOR},
    ]


# -- service points -----------------------------------------------------------------------------------------------


@login_required
@api_twin("POST /api/doorstep/points")
def places_page(request):
    """The service points of the actor's area, on a list and a map; a configurer adds one."""
    actor = request.user
    _require_places(actor)
    townships = places.configurable_townships(actor)
    posted = request.POST if request.method == "POST" else None
    form = None
    if townships:
        form = PointForm(posted, townships=townships, villages=places.configurable_villages(actor, townships))
    elif posted is not None:
        raise PermissionDenied()
    done = form is not None and submit(
        request,
        form,
        lambda d: places.point_create(actor, **d),
        done=_("The service point is added."),
        to=lambda p: reverse("doorstep:point_edit", args=[p.pk]),
    )
    if done:
        return done
    rows = list(places.points(actor))
    areas = sorted({p.township for p in rows}, key=lambda t: t.code)
    township = id_param(request.GET.get("township"))
    if township is not None and len(areas) > 1:
        rows = [p for p in rows if p.township_id == township]
    map_url = reverse("doorstep:places_map") + (f"?township={township}" if township else "")
    return render(
        request,
        "doorstep/places.html",
        {
            "points": rows,
            "areas": areas if len(areas) > 1 else [],
            "township": township,
            "placed": sum(1 for p in rows if p.latitude is not None),
            "unplaced": sum(1 for p in rows if p.latitude is None),
            "form": form,
            "legend": _point_legend(),
            "geojson_url": map_url,
            "can_configure": bool(townships),
        },
        status=400 if posted is not None else 200,
    )


@login_required
def places_map(request):
    """The points of the actor's area as GeoJSON for the map."""
    actor = request.user
    _require_places(actor)
    rows = [p for p in places.points(actor) if p.latitude is not None and p.longitude is not None]
    township = id_param(request.GET.get("township"))
    if township is not None:
        rows = [p for p in rows if p.township_id == township]
    return _json(maps.feature_collection(_point_feature(p) for p in rows))


@login_required
@api_twin("POST /api/doorstep/points/{point_id}")
def point_edit(request, pk):
    """One service point; its keepers change it or take it out of use."""
    actor = request.user
    found = places.point(actor, pk)
    editable = places.may_configure(actor, found)
    if request.method == "POST" and not editable:
        raise PermissionDenied()
    form = None
    if editable:
        initial = {k: getattr(found, k) for k in places.POINT_FIELDS}
        initial.update(village=found.village_id or "", active=found.active)
        villages = places.configurable_villages(actor, [found.township])
        form = PointForm(request.POST or None, initial=initial, villages=villages, editing=True)
        done = submit(
            request,
            form,
            lambda d: places.point_update(actor, point=found, **d),
            done=_("Saved."),
            to=reverse("doorstep:point_edit", args=[found.pk]),
        )
        if done:
            return done
    return render(
        request,
        "doorstep/places_point.html",
        {
            "point": found,
            "form": form,
            "geojson_url": reverse("doorstep:places_map"),
            "legend": _point_legend(),
        },
        status=400 if request.method == "POST" else 200,
    )


# -- agents ---------------------------------------------------------------------------------------------------------


@login_required
@api_twin("POST /api/doorstep/agents")
def agents_page(request):
    """The agents of the actor's townships and villages, with the villages each serves and the open requests they
    hold (staff); a configurer adds a post."""
    actor = request.user
    _require_places(actor)
    townships = places.configurable_townships(actor)
    posted = request.POST if request.method == "POST" else None
    form = chosen = None
    if townships:
        # the villages offered are those of one township at a time (a county has hundreds)
        wanted = str((posted or request.GET).get("township") or "")
        chosen = next((t for t in townships if str(t.pk) == wanted), townships[0])
        form = AgentForm(posted, townships=[chosen], villages=places.configurable_villages(actor, [chosen]))
    elif posted is not None:
        raise PermissionDenied()
    done = form is not None and submit(
        request,
        form,
        lambda d: places.agent_add(actor, **d),
        done=_("The agent is added."),
        to=lambda a: reverse("doorstep:agent_edit", args=[a.pk]),
    )
    if done:
        return done
    rows = list(places.agents(actor))
    workload = places.sees_workload(actor)
    counts = places.open_counts(a.pk for a in rows) if workload else {}
    for row in rows:
        row.open_count = counts.get(row.pk, 0)
        row.editable = bool(townships) and places.may_configure(actor, row)
    return render(
        request,
        "doorstep/agents.html",
        {"agents": rows, "form": form, "workload": workload, "townships": townships, "chosen": chosen},
        status=400 if posted is not None else 200,
    )


@login_required
@api_twin("POST /api/doorstep/agents/{agent_id}")
def agent_edit(request, pk):
    actor = request.user
    found = places.agent(actor, pk)
    editable = places.may_configure(actor, found)
    if request.method == "POST" and not editable:
        raise PermissionDenied()
    form = None
    if editable:
        initial = {
            "username": found.user.username,
            "name": found.name,
            "kind": found.kind,
            "phone": found.phone,
            "villages": [v.pk for v in found.villages.all()],
            "active": found.active,
        }
        villages = places.configurable_villages(actor, [found.township])
        form = AgentForm(request.POST or None, initial=initial, villages=villages, editing=True)
        done = submit(
            request,
            form,
            lambda d: places.agent_update(actor, agent=found, **d),
            done=_("Saved."),
            to=reverse("doorstep:agent_edit", args=[found.pk]),
        )
        if done:
            return done
    workload = places.sees_workload(actor)
    return render(
        request,
        "doorstep/agent.html",
        {
            "agent": found,
            "form": form,
            "workload": workload,
            "open_count": places.open_counts([found.pk]).get(found.pk, 0) if workload else None,
        },
        status=400 if request.method == "POST" else 200,
    )


# -- the 15-minute circle -----------------------------------------------------------------------------------------


def _circle(request):
    actor = request.user
    if not scope.can(actor, Action.SERVICE_FIGURES):
        raise PermissionDenied()
    region = circle.region_for(actor, request.GET.get("region"))
    minutes = int_param(request.GET.get("minutes"), default=circle.DEFAULT_MINUTES, low=1, high=60)
    return region, minutes


@login_required
def circle_page(request):
    """The share of households within 15 minutes' walk of a service point, per village, with the walking speed and
    detour used, the households without coordinates, a map and an .xlsx download."""
    region, minutes = _circle(request)
    if request.GET.get("format") == "xlsx":
        from registry.views_excel import xlsx_response

        result = circle.compute(region, minutes=minutes)
        return xlsx_response(
            circle.xlsx(result), f"十五分钟就近办-{region.name}.xlsx", f"doorstep-circle-{region.code}.xlsx"
        )
    result = circle.kept(region, minutes=minutes)
    query = f"region={region.pk}&minutes={minutes}"
    return render(
        request,
        "doorstep/circle.html",
        {
            "result": result,
            "definitions": circle.definitions(result),
            "regions": circle.choices_for(request.user),
            "region": region,
            "minutes": minutes,
            "query": query,
            "geojson_url": f"{reverse('doorstep:circle_map')}?{query}",
            "legend": [
                {"label": _("Village: at least 90 %"), "color": SHARE_BANDS[0][1]},
                {"label": _("Village: 60–90 %"), "color": SHARE_BANDS[1][1]},
                {"label": _("Village: below 60 %"), "color": SHARE_BANDS[2][1]},
                {"label": _("Village: no household placed"), "color": NO_SHARE_COLOR},
                {"label": _("Service point"), "color": CENTRE_COLOR},
            ],
        },
    )


def _band(share) -> str:
    if share is None:
        return NO_SHARE_COLOR
    return next(color for low, color in SHARE_BANDS if share >= low)


def _points_near(result) -> list[dict]:
    """The points to draw for a township or a village: its own, and the nearest of each of its villages (the map
    of a county draws them all)."""
    region = result.region
    if region.level == "county":
        return result.points
    nearest = {row.nearest.id for row in result.rows if row.nearest}
    return [
        p
        for p in result.points
        if p["id"] in nearest
        or p[f"{region.level}_id"] == region.pk
        or (p["township_id"] == region.township_id and p["village_id"] is None)
    ]


@login_required
def circle_map(request):
    """The circle on the map: each village at its households' centre, coloured by its share; the points."""
    region, minutes = _circle(request)
    result = circle.kept(region, minutes=minutes)
    # the points first, the villages over them: a village's colour shows where its room stands at its centre
    features = []
    visible = set(places.points(request.user).values_list("pk", flat=True))
    for p in _points_near(result):
        features.append(
            maps.feature(
                maps.point(p["lat"], p["lng"]),
                kind="case",
                label=p["name"],
                state_label=str(Level(p["level"]).label),
                color=CENTRE_COLOR,
                url=reverse("doorstep:point_edit", args=[p["id"]]) if p["id"] in visible else "",
            )
        )
    for row in result.rows:
        centre = row.centre
        if centre is None:
            continue
        features.append(
            maps.feature(
                maps.point(*centre),
                kind="case",
                label=row.name,
                state_label=_("%(share)s %% of %(n)s households within %(minutes)s minutes")
                % {"share": row.share, "n": row.located, "minutes": result.minutes},
                color=_band(row.share),
                url=f"{reverse('doorstep:circle')}?region={row.region_id}&minutes={minutes}",
            )
        )
    return _json(maps.feature_collection(features))


urlpatterns = [
    path("places/", places_page, name="places"),
    path("places/map.geojson", places_map, name="places_map"),
    path("places/<int:pk>/", point_edit, name="point_edit"),
    path("agents/", agents_page, name="agents"),
    path("agents/<int:pk>/", agent_edit, name="agent_edit"),
    path("circle/", circle_page, name="circle"),
    path("circle/map.geojson", circle_map, name="circle_map"),
]
