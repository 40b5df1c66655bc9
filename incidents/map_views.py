"""The incident map (一张图): the grids of the actor's area and the cases they may see, as markers coloured by state,
drawn by the shared map widget (templates/core/_map.html, static/core/map.js) from one GeoJSON FeatureCollection."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core import maps, scope
from core.roles import Action
from incidents import selectors
from incidents.flows import INCIDENT
from incidents.forms import matter_choices
from incidents.models import Incident
from incidents.supervision import ACTIVE_STATES
from incidents.views import _render
from regions import selectors as region_selectors
from regions.map_views import grid_features

MAX_MARKERS = 2000

# marker colours: grey → blue → orange while it moves, red when overdue, greens once resolved and closed
COLORS = {
    "reported": "#8a8f98",
    "dispatched": "#1e6fd9",
    "accepted": "#f08c00",
    "overdue": "#d32f2f",
    "resolved": "#7cb342",
    "closed": "#1b5e20",
}
OVERDUE_LABEL = _("Overdue")

PERIODS = [
    ("30", _("Last 30 days")),
    ("7", _("Last 7 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
    ("all", _("Any time")),
]
DEFAULT_PERIOD = "30"


class MapFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    period = forms.ChoiceField(label=_("Reported in"), choices=PERIODS, required=False)
    matter = forms.TypedChoiceField(label=_("Matter"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", _("Any state")),
            *((name, INCIDENT.state_label(name)) for name in INCIDENT.states),
            ("overdue", OVERDUE_LABEL),
        ]
        self.fields["matter"].choices = [("", _("All matters")), *matter_choices(matters)[1:]]
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label


def _filters(request):
    """Now, the filter form and what it selects (a filter that does not validate is left out), for whoever may
    open the map: 403 for the others."""
    if not (scope.can(request.user, Action.INCIDENT_VIEW) or scope.can(request.user, Action.INCIDENT_HANDLE)):
        raise PermissionDenied()
    now = timezone.now()
    form = MapFilterForm(request.GET or None, matters=selectors.matters(request.user))
    data = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
    period = data.get("period") or DEFAULT_PERIOD
    start = None if period == "all" else now - timedelta(days=int(period))
    filters = {"state": data.get("state") or "", "matter": data.get("matter"), "start": start}
    query = {"state": filters["state"], "period": period, "matter": filters["matter"] or ""}
    return now, form, filters, {key: value for key, value in query.items() if value}


def color_key(state: str, *, overdue: bool, ever_overdue: bool, deadline_at, now) -> str:
    """The legend entry of a case: its state, or "overdue" for an open case that is or was overdue."""
    if state in ACTIVE_STATES and (ever_overdue or overdue or (deadline_at is not None and deadline_at < now)):
        return "overdue"
    return state


def legend() -> list[dict]:
    labels = {name: INCIDENT.state_label(name) for name in INCIDENT.states}
    labels["overdue"] = OVERDUE_LABEL
    return [{"label": labels[key], "color": color} for key, color in COLORS.items() if key in labels]


@login_required
def incident_map(request):
    now, form, filters, query = _filters(request)
    located = selectors.map_cases(request.user, now=now, **filters)
    total = located.count()
    unlocated = selectors.map_cases(request.user, now=now, located=False, **filters).count()
    geojson_url = reverse("incidents:map_geojson") + ("?" + urlencode(query) if query else "")
    list_query = {k: v for k, v in {"state": query.get("state", ""), "matter": query.get("matter", "")}.items() if v}
    return _render(
        request,
        "incidents/map.html",
        {
            "form": form,
            "geojson_url": geojson_url,
            "legend": legend(),
            "total": total,
            "shown": min(total, MAX_MARKERS),
            "capped": total > MAX_MARKERS,
            "max_markers": MAX_MARKERS,
            "unlocated": unlocated,
            "list_url": reverse("incidents:list")
            + ("?" + urlencode(list_query) if list_query and query.get("state") != "overdue" else ""),
        },
    )


def _case_features(actor, filters, now, within: dict | None = None):
    rows = (
        selectors.map_cases(actor, now=now, **filters)
        .filter(**(within or {}))
        .values(
            "pk",
            "created_at",
            "state",
            "overdue",
            "ever_overdue",
            "deadline_at",
            "lat",
            "lng",
            "matter__name",
            "address",
        )[:MAX_MARKERS]
    )
    labels = {name: INCIDENT.state_label(name) for name in INCIDENT.states}
    features = []
    for row in rows:
        key = color_key(
            row["state"],
            overdue=row["overdue"],
            ever_overdue=row["ever_overdue"],
            deadline_at=row["deadline_at"],
            now=now,
        )
        number = Incident(pk=row["pk"], created_at=row["created_at"]).number
        features.append(
            maps.feature(
                maps.point(row["lat"], row["lng"]),
                kind="case",
                id=row["pk"],
                state=row["state"],
                color_key=key,
                color=COLORS.get(key, COLORS["reported"]),
                label=f"{number} {row['matter__name']}" + (f" · {row['address']}" if row["address"] else ""),
                state_label=str(OVERDUE_LABEL if key == "overdue" else labels.get(row["state"], row["state"])),
                url=reverse("incidents:detail", args=[row["pk"]]),
            )
        )
    return features


def incident_layer(actor, region) -> list[dict]:
    """The one map's incident layer (core.plugins.MapLayer): the cases of ``region`` reported in the last 90 days
    that the actor may see, coloured by state (overdue in red), at most MAX_MARKERS."""
    now = timezone.now()
    filters = {"state": "", "matter": None, "start": now - timedelta(days=90)}
    return _case_features(actor, filters, now, {f"{region.level}_id": region.pk})


@login_required
def incident_geojson(request):
    now, _form, filters, _query = _filters(request)
    features = grid_features(region_selectors.grids(request.user).filter(is_active=True)) + _case_features(
        request.user, filters, now
    )
    return JsonResponse(
        maps.feature_collection(features),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def case_geojson(request, pk):
    """The place of one case for its page: the case's grid and a pin where it was reported (anyone who may see
    the case; the page shows the map instead of the raw coordinates)."""
    incident = selectors.get(request.user, pk)
    features = []
    grid = incident.grid
    if grid is not None and grid.polygon:
        village = incident.village.name
        label = grid.name if grid.name.startswith(village) else f"{village} {grid.name}"
        features.append(maps.feature(grid.polygon, kind="grid", id=grid.pk, label=label))
    if incident.lat is not None and incident.lng is not None:
        key = color_key(
            incident.state,
            overdue=incident.overdue,
            ever_overdue=incident.ever_overdue,
            deadline_at=incident.deadline_at,
            now=timezone.now(),
        )
        features.append(
            maps.feature(
                maps.point(incident.lat, incident.lng),
                kind="case",
                id=incident.pk,
                state=incident.state,
                color_key=key,
                color=COLORS.get(key, COLORS["reported"]),
                label=f"{incident.number} {incident.matter.name}"
                + (f" · {incident.address}" if incident.address else ""),
                state_label=str(OVERDUE_LABEL if key == "overdue" else INCIDENT.state_label(incident.state)),
            )
        )
    return JsonResponse(
        maps.feature_collection(features),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
