"""Service points, agents and the 15-minute circle through the API (/api/doorstep): the same reads and writes as
the pages (doorstep.places, doorstep.circle). A point or agent the caller may not see or keep is 404, as a missing
one. ``POST /points/{id}`` and ``POST /agents/{id}`` take the whole row as it should be."""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from core import scope
from core.api_types import Id
from core.errors import PermissionDenied
from core.roles import Action
from doorstep import circle, places

router = Router(tags=["doorstep"])

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Minutes = Annotated[int, Field(ge=circle.MINUTES_RANGE[0], le=circle.MINUTES_RANGE[1])]
Speed = Annotated[float, Field(ge=circle.SPEED_RANGE[0], le=circle.SPEED_RANGE[1])]


class ServicePointIn(Schema):
    township: Id | None = Field(None, description="The township (for a new point; a point keeps its township).")
    village: Id | None = Field(None, description="The village of a village service room; none: the township centre.")
    name: str = Field(max_length=200)
    address: str = Field("", max_length=400)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    hours: str = Field("", max_length=400)
    after_hours: str = Field("", max_length=400)
    on_duty: str = Field("", max_length=400)
    phone: str = Field("", max_length=40)
    active: bool = True


class ServicePointOut(Schema):
    id: int
    level: str
    level_label: str
    name: str
    township_id: int
    township: str
    village_id: int | None
    village: str | None
    address: str
    latitude: float | None
    longitude: float | None
    hours: str
    after_hours: str
    on_duty: str
    phone: str
    active: bool


class ServiceAgentIn(Schema):
    township: Id | None = Field(None, description="The township (for a new post; a post keeps its township).")
    username: str = Field(max_length=150)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=32)
    phone: str = Field("", max_length=40)
    villages: list[Id] = Field(max_length=500)
    active: bool = True


class CirclePlaceRef(Schema):
    id: int
    name: str


class ServiceAgentOut(Schema):
    id: int
    township_id: int
    township: str
    username: str | None = Field(description="Only for those who keep the post.")
    name: str
    kind: str
    kind_label: str
    phone: str
    villages: list[CirclePlaceRef]
    active: bool
    open_requests: int | None = Field(description="Open requests the agent holds now (staff only).")


class CircleNearest(Schema):
    id: int
    name: str
    level: str
    distance_m: float
    minutes: float


class CircleRow(Schema):
    id: int
    code: str
    name: str
    township: str
    households: int
    located: int
    unlocated: int
    within: int
    share: float | None
    nearest: CircleNearest | None


class CirclePoint(Schema):
    id: int
    name: str
    level: str
    township: str
    township_id: int
    village_id: int | None
    lat: float
    lng: float


class CircleOut(Schema):
    region: CirclePlaceRef
    level: str
    minutes: int
    speed_kmh: float
    detour_factor: float
    walk_m: float
    radius_m: float
    total: CircleRow
    villages: list[CircleRow]
    points: list[CirclePoint]
    unplaced_points: list[str]
    definitions: dict[str, str]


def _point(p) -> dict:
    return {
        "id": p.pk,
        "level": p.level,
        "level_label": str(p.get_level_display()),
        "name": p.name,
        "township_id": p.township_id,
        "township": p.township.name,
        "village_id": p.village_id,
        "village": p.village.name if p.village_id else None,
        "address": p.address,
        "latitude": p.latitude,
        "longitude": p.longitude,
        "hours": p.hours,
        "after_hours": p.after_hours,
        "on_duty": p.on_duty,
        "phone": p.phone,
        "active": p.active,
    }


def _agent(actor, a, counts: dict | None) -> dict:
    return {
        "id": a.pk,
        "township_id": a.township_id,
        "township": a.township.name,
        "username": a.user.username if places.may_configure(actor, a) else None,
        "name": a.name,
        "kind": a.kind,
        "kind_label": str(a.get_kind_display()),
        "phone": a.phone,
        "villages": [{"id": v.pk, "name": v.name} for v in a.villages.all()],
        "active": a.active,
        "open_requests": counts.get(a.pk, 0) if counts is not None else None,
    }


def _row(row) -> dict:
    nearest = row.nearest
    return {
        "id": row.region_id,
        "code": row.code,
        "name": row.name,
        "township": row.township,
        "households": row.households,
        "located": row.located,
        "unlocated": row.unlocated,
        "within": row.within,
        "share": row.share,
        "nearest": None
        if nearest is None
        else {
            "id": nearest.id,
            "name": nearest.name,
            "level": nearest.level,
            "distance_m": nearest.distance_m,
            "minutes": nearest.minutes,
        },
    }


def _may_see(actor) -> None:
    if not places.may_see_places(actor) and not places.agents(actor).exists():
        raise PermissionDenied()


@router.get("/points", response=list[ServicePointOut], summary=gettext_lazy("The service points of the caller's area"))
def point_list(request, township: Id | None = None):
    _may_see(request.auth)
    rows = places.points(request.auth)
    if township:
        rows = rows.filter(township_id=township)
    return [_point(p) for p in rows]


@router.post("/points", response={201: ServicePointOut}, summary=gettext_lazy("Add a service point"))
def point_create(request, payload: ServicePointIn):
    data = payload.dict()
    return 201, _point(places.point_create(request.auth, **data))


@router.post("/points/{int:point_id}", response=ServicePointOut, summary=gettext_lazy("Change a service point"))
def point_update(request, point_id: Id, payload: ServicePointIn):
    found = places.point(request.auth, point_id)
    data = payload.dict(exclude={"township"})
    return _point(places.point_update(request.auth, point=found, **data))


@router.get("/agents", response=list[ServiceAgentOut], summary=gettext_lazy("The service agents of the caller's area"))
def agent_list(request, township: Id | None = None):
    actor = request.auth
    _may_see(actor)
    rows = places.agents(actor)
    if township:
        rows = rows.filter(township_id=township)
    rows = list(rows)
    counts = places.open_counts(a.pk for a in rows) if places.sees_workload(actor) else None
    return [_agent(actor, a, counts) for a in rows]


def _one_agent(actor, found) -> dict:
    counts = places.open_counts([found.pk]) if places.sees_workload(actor) else None
    return _agent(actor, found, counts)


@router.post("/agents", response={201: ServiceAgentOut}, summary=gettext_lazy("Add a service agent"))
def agent_add(request, payload: ServiceAgentIn):
    found = places.agent_add(request.auth, **payload.dict())
    return 201, _one_agent(request.auth, found)


@router.post("/agents/{int:agent_id}", response=ServiceAgentOut, summary=gettext_lazy("Change a service agent"))
def agent_update(request, agent_id: Id, payload: ServiceAgentIn):
    found = places.agent(request.auth, agent_id)
    data = payload.dict(exclude={"township"})
    return _one_agent(request.auth, places.agent_update(request.auth, agent=found, **data))


@router.get(
    "/circle",
    response=CircleOut,
    summary=gettext_lazy("The share of households within 15 minutes' walk of a service point, per village"),
)
def circle_get(request, region: Id | None = None, minutes: Minutes = 15, speed_kmh: Speed = circle.WALKING_SPEED_KMH):
    actor = request.auth
    if not scope.can(actor, Action.SERVICE_FIGURES):
        raise PermissionDenied()
    found = circle.region_for(actor, region)
    result = circle.kept(found, minutes=minutes, speed_kmh=speed_kmh)
    return {
        "region": {"id": found.pk, "name": found.name},
        "level": found.level,
        "minutes": result.minutes,
        "speed_kmh": result.speed_kmh,
        "detour_factor": result.detour,
        "walk_m": round(result.walk_m, 1),
        "radius_m": round(result.radius_m, 1),
        "total": _row(result.total),
        "villages": [_row(r) for r in result.rows],
        "points": result.points,
        "unplaced_points": result.unplaced_points,
        "definitions": {str(k): str(v) for k, v in circle.definitions(result)},
    }
