"""Service points (乡镇便民服务中心, 村便民服务室) and the agents (代办员) who serve villages: their writes (kept by
the county's administrator anywhere in the county and by a township official for their township:
``Action.SERVICE_CONFIGURE``) and the scoped reads of the pages and the API.

Every write checks the actor's scope (outside it: NotFound, answered as 404), runs in one transaction and records
an audit event (POINT_SET, AGENT_SET); bad input raises DomainError with a Chinese message and writes nothing. A
point or an agent is never deleted: it is taken out of use (``active=False``), so the requests an agent took keep
pointing at them.

``generate_points`` places a county's points deterministically from its households (benchmarks, demo data).
"""

from __future__ import annotations

import math
import random
import re

from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import Choice, clean_text, clean_value
from core.maps import in_china
from core.roles import Action
from doorstep.audit_labels import AuditAction
from doorstep.models import Agent, AgentKind, Level, ServicePoint, ServiceRequest
from doorstep.selectors import OPEN_STATES
from regions.models import Region, RegionLevel

# Who may read the points and agents of a place: anyone who applies, handles, counts or configures there.
SERVICE_ACTIONS = (Action.SERVICE_APPLY, Action.SERVICE_HANDLE, Action.SERVICE_FIGURES, Action.SERVICE_CONFIGURE)
STAFF_ACTIONS = (Action.SERVICE_HANDLE, Action.SERVICE_FIGURES, Action.SERVICE_CONFIGURE)

_PHONE = re.compile(r"^[0-9][0-9\- ]{2,18}[0-9]$")


# -- input ---------------------------------------------------------------------------------------------------------


def _text(data: dict, field: str, max_length: int, *, required: bool = False) -> str:
    return clean_text(data.get(field), field, max_length=max_length, required=required)


def _phone(data: dict, field: str = "phone") -> str:
    value = _text(data, field, 20)
    if value and not _PHONE.match(value):
        raise DomainError(
            {field: _("Enter a telephone number: digits, with “-” between the parts (e.g. 0838-6201234).")}
        )
    return value


def _number(raw, field: str):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise DomainError({field: _("Enter a number.")})
    try:
        value = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError, OverflowError):
        raise DomainError({field: _("Enter a number.")}) from None
    if not math.isfinite(value):
        raise DomainError({field: _("Enter a number.")})
    return value


def coordinates(latitude, longitude) -> tuple[float | None, float | None]:
    """Both blank, or both numbers inside China's ranges (core.maps); DomainError otherwise."""
    lat, lng = _number(latitude, "latitude"), _number(longitude, "longitude")
    errors = in_china(lat, lng)
    if errors:
        raise DomainError(errors)
    return (round(lat, 7), round(lng, 7)) if lat is not None else (None, None)


def _region(value, level: str) -> Region | None:
    if isinstance(value, Region):
        return value if value.level == level else None
    if value in (None, ""):
        return None
    try:
        return Region.objects.filter(pk=int(value), level=level).first()
    except (TypeError, ValueError, OverflowError):
        return None


def _township(value) -> Region | None:
    if value in (None, ""):
        raise DomainError({"township": _("Choose a township.")})
    return _region(value, RegionLevel.TOWNSHIP)


def _configurable(actor, region: Region | None) -> None:
    if region is None or not scope.region_in_scope(actor, Action.SERVICE_CONFIGURE, region):
        raise NotFound()


def _village_of(township: Region, value) -> Region | None:
    """The village of a village service room: blank for a township centre, else a village of the township."""
    if value in (None, ""):
        return None
    village = _region(value, RegionLevel.VILLAGE)
    if village is None or village.township_id != township.pk:
        raise DomainError({"village": _("Choose a village of this township.")})
    return village


# -- service points ------------------------------------------------------------------------------------------------

POINT_FIELDS = ("name", "address", "latitude", "longitude", "hours", "after_hours", "on_duty", "phone")


def _point_values(data: dict) -> dict:
    values = {
        "name": _text(data, "name", 80, required=True),
        "address": _text(data, "address", 200),
        "hours": _text(data, "hours", 120),
        "after_hours": _text(data, "after_hours", 120),
        "on_duty": _text(data, "on_duty", 200),
        "phone": _phone(data),
    }
    values["latitude"], values["longitude"] = coordinates(data.get("latitude"), data.get("longitude"))
    return values


def _point_state(point: ServicePoint) -> dict:
    return {
        "level": point.level,
        "township": point.township_id,
        "village": point.village_id,
        "active": point.active,
        **{k: getattr(point, k) for k in POINT_FIELDS},
    }


def _same_name(point: ServicePoint) -> None:
    if (
        ServicePoint.objects.filter(township_id=point.township_id, name=point.name, active=True)
        .exclude(pk=point.pk)
        .exists()
    ):
        raise DomainError({"name": _("The township has a service point of this name already.")})


@transaction.atomic
def point_create(actor, *, township, village=None, active=True, **data) -> ServicePoint:
    """A township's service centre (no village) or a village's service room (a village of the township)."""
    township = _township(township)
    _configurable(actor, township)
    village = _village_of(township, village)
    values = _point_values(data)
    point = ServicePoint(
        county_id=township.county_id,
        township=township,
        village=village,
        level=Level.VILLAGE if village else Level.TOWNSHIP,
        active=bool(active),
        **values,
    )
    _same_name(point)
    point.save()
    audit.record(actor, AuditAction.POINT_SET, point, after=_point_state(point))
    return point


@transaction.atomic
def point_update(actor, *, point, active=True, **data) -> ServicePoint:
    """Change a point; its township stays, its village may change within the township (blank: the centre).
    ``active=False`` takes it out of use (it no longer counts in the 15-minute circle)."""
    found = ServicePoint.objects.select_for_update().filter(pk=getattr(point, "pk", point)).first()
    if found is None:
        raise NotFound()
    _configurable(actor, found.township)
    before = _point_state(found)
    village = _village_of(found.township, data.pop("village", found.village_id))
    values = _point_values(data)
    for key, value in values.items():
        setattr(found, key, value)
    found.village = village
    found.level = Level.VILLAGE if village else Level.TOWNSHIP
    found.active = bool(active)
    if found.active:
        _same_name(found)
    found.save()
    audit.record(actor, AuditAction.POINT_SET, found, before=before, after=_point_state(found))
    return found


# -- agents --------------------------------------------------------------------------------------------------------


def _villages_of(township: Region, values) -> list[Region]:
    if isinstance(values, (str, int, Region)):
        values = [values]
    wanted = []
    for value in values or ():
        found = _region(value, RegionLevel.VILLAGE)
        if found is None or found.township_id != township.pk:
            raise DomainError({"villages": _("Choose villages of this township only.")})
        if found.pk not in {v.pk for v in wanted}:
            wanted.append(found)
    if not wanted:
        raise DomainError({"villages": _("Choose the villages the agent serves.")})
    return wanted


def _account(username) -> object:
    from accounts.models import User

    name = str(username or "").strip()
    if not name:
        raise DomainError({"username": _("Give the user name of the agent's account.")})
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise DomainError({"username": _("No active account has this user name.")})
    return user


def _agent_values(data: dict) -> dict:
    return {
        "name": _text(data, "name", 50, required=True),
        "kind": clean_value(Choice("kind", "kind", options=AgentKind.choices), data.get("kind")),
        "phone": _phone(data),
    }


def _agent_state(agent: Agent, villages) -> dict:
    return {
        "township": agent.township_id,
        "username": agent.user.username,
        "name": agent.name,
        "kind": agent.kind,
        "phone": agent.phone,
        "villages": sorted(v.pk for v in villages),
        "active": agent.active,
    }


def _one_post(agent: Agent) -> None:
    if Agent.objects.filter(county_id=agent.county_id, user_id=agent.user_id).exclude(pk=agent.pk).exists():
        raise DomainError(
            {"username": _("This account already holds an agent post in the county: change that post instead.")}
        )


def _open_left_behind(agent: Agent, active: bool, villages: list[Region]) -> None:
    """An agent keeps the open requests they took: they may not leave (or stop serving a village) before those
    are given to someone else, or the requests would have nobody who sees them."""
    served = {v.pk for v in villages} if active else set()
    left = (
        ServiceRequest.objects.filter(agent=agent, state__in=OPEN_STATES)
        .exclude(village_id__in=served)
        .select_related("village")
        .first()
    )
    if left is not None:
        raise DomainError(
            {
                "villages" if active else "active": _(
                    "Request %(number)s (%(village)s) is still open with this agent: give it to another agent first."
                )
                % {"number": left.number, "village": left.village.name}
            }
        )


@transaction.atomic
def agent_add(actor, *, township, username, villages, active=True, **data) -> Agent:
    """An agent post in a township: an existing account (one post per county), the kind, a phone and the villages
    of the township they serve."""
    township = _township(township)
    _configurable(actor, township)
    user = _account(username)
    values = _agent_values(data)
    served = _villages_of(township, villages)
    agent = Agent(county_id=township.county_id, township=township, user=user, active=bool(active), **values)
    _one_post(agent)
    agent.save()
    agent.villages.set(served)
    audit.record(actor, AuditAction.AGENT_SET, agent, region=township, after=_agent_state(agent, served))
    return agent


@transaction.atomic
def agent_update(actor, *, agent, villages, active=True, username=None, **data) -> Agent:
    """Change an agent post (its township stays); ``active=False`` ends it, once its open requests are handed on."""
    found = (
        Agent.objects.select_for_update(of=("self",))
        .select_related("user", "township")
        .filter(pk=getattr(agent, "pk", agent))
    )
    found = found.first()
    if found is None:
        raise NotFound()
    _configurable(actor, found.township)
    before = _agent_state(found, list(found.villages.all()))
    if username not in (None, "") and str(username).strip() != found.user.username:
        found.user = _account(username)
        if ServiceRequest.objects.filter(agent=found, state__in=OPEN_STATES).exists():
            raise DomainError(
                {"username": _("The post has open requests: give them to another agent before changing its account.")}
            )
    values = _agent_values(data)
    served = _villages_of(found.township, villages)
    _open_left_behind(found, bool(active), served)
    for key, value in values.items():
        setattr(found, key, value)
    found.active = bool(active)
    _one_post(found)
    found.save()
    found.villages.set(served)
    audit.record(
        actor, AuditAction.AGENT_SET, found, region=found.township, before=before, after=_agent_state(found, served)
    )
    return found


# -- reads ---------------------------------------------------------------------------------------------------------


def _area_q(actor, actions=SERVICE_ACTIONS, *, staff_only: bool = False) -> Q:
    """Rows placed by county/township/village that lie in the actor's area for any of ``actions``: a county or
    township grant reaches everything in it; a village, grid or household grant reaches the village's rows and
    its township's own (the township centre)."""
    q = Q(pk__in=[])
    for action in actions:
        for g in scope.grants_for(actor, action):
            if g.level == "county":
                q |= Q(county_id=g.target_id)
            elif g.level == "township":
                q |= Q(township_id=g.target_id)
            elif g.village_id is not None and (not staff_only or g.level == "village"):
                q |= Q(village_id=g.village_id) | Q(township_id=g.township_id, village__isnull=True)
    return q


def may_see_places(actor) -> bool:
    return any(scope.can(actor, a) for a in SERVICE_ACTIONS)


def points(actor, *, active_only: bool = False) -> QuerySet:
    """The service points of the actor's area (a villager: their village's room and their township's centre)."""
    qs = ServicePoint.objects.filter(_area_q(actor)).select_related("township", "village")
    if active_only or not sees_workload(actor):
        qs = qs.filter(active=True)
    return qs.order_by("township__code", "level", "village__code", "name", "pk")


def point(actor, pk) -> ServicePoint:
    """One point the actor may see, or NotFound."""
    return scope.fetch(points(actor), pk)


def may_configure(actor, row) -> bool:
    """May the actor change this point or agent (its township is theirs to keep)?"""
    return scope.region_in_scope(actor, Action.SERVICE_CONFIGURE, row.township)


def configurable_townships(actor) -> list[Region]:
    """The townships where the actor keeps points and agents."""
    q = Q(pk__in=[])
    for g in scope.grants_for(actor, Action.SERVICE_CONFIGURE):
        if g.level == "county":
            q |= Q(county_id=g.target_id)
        elif g.level == "township":
            q |= Q(pk=g.target_id)
    return list(Region.objects.filter(q, level=RegionLevel.TOWNSHIP).order_by("code"))


def configurable_villages(actor, townships=None) -> list[Region]:
    townships = townships if townships is not None else configurable_townships(actor)
    ids = [t.pk for t in townships]
    if not ids:
        return []
    return list(
        Region.objects.filter(level=RegionLevel.VILLAGE, township_id__in=ids)
        .select_related("township")
        .order_by("code")
    )


def _agents_q(actor) -> Q:
    """Agents of the actor's county or township (staff); for a village grant (a cadre, a villager) the agents who
    serve that village; and the actor's own posts."""
    q = Q(user_id=actor.pk)
    villages = set()
    for action in SERVICE_ACTIONS:
        for g in scope.grants_for(actor, action):
            if g.level == "county":
                q |= Q(county_id=g.target_id)
            elif g.level == "township":
                q |= Q(township_id=g.target_id)
            elif g.village_id is not None:
                villages.add(g.village_id)
    if villages:
        q |= Q(pk__in=Agent.objects.filter(villages__in=villages).values("pk"))
    return q


def agents(actor, *, active_only: bool = False) -> QuerySet:
    """The agents the actor may see, with the villages they serve."""
    if actor is None or not actor.is_authenticated:
        return Agent.objects.none()
    qs = Agent.objects.filter(_agents_q(actor)).select_related("township", "user").prefetch_related("villages")
    if active_only or not sees_workload(actor):
        qs = qs.filter(active=True)
    return qs.order_by("township__code", "-active", "name", "pk")


def agent(actor, pk) -> Agent:
    return scope.fetch(agents(actor), pk)


def open_counts(agent_ids) -> dict[int, int]:
    """How many open requests each agent holds now (taken and not yet completed): the workload, never a ranking."""
    ids = list(agent_ids)
    if not ids:
        return {}
    rows = (
        ServiceRequest.objects.filter(agent_id__in=ids, state__in=OPEN_STATES)
        .values("agent_id")
        .annotate(n=Count("pk"))
        .values_list("agent_id", "n")
    )
    return dict(rows)


def sees_workload(actor) -> bool:
    """Staff see each agent's open requests; a villager sees only who serves them and how to reach them."""
    return any(scope.can(actor, a) for a in STAFF_ACTIONS)


# -- a county's points, generated (benchmarks and demo data) --------------------------------------------------------

HOURS = "周一至周五 8:30–12:00、14:00–17:30"
VILLAGE_HOURS = "周一至周六 8:30–12:00、14:00–17:00"
AFTER_HOURS = "预约上门服务，值班电话全天"


def generate_points(county: Region, *, seed: int = 1, share: float = 0.9) -> dict:
    """One service centre per township and a service room in about ``share`` of the villages, each placed at the
    mean of its households' coordinates (a village without located households gets a room without a location).
    Deterministic for a seed (the draw for each village does not depend on what exists); a township or village
    that has a point already is left as it is, so running it again adds nothing. Writes directly (no actor):
    for generated data only."""
    rng = random.Random(seed)
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, county=county).order_by("code"))
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE, county=county).order_by("code"))
    located = Q(latitude__isnull=False, longitude__isnull=False)
    from registry.models import Household

    by_village = {
        row["village_id"]: (row["lat"], row["lng"])
        for row in Household.objects.filter(located, county=county)
        .values("village_id")
        .annotate(lat=Avg("latitude"), lng=Avg("longitude"))
    }
    by_township = {
        row["township_id"]: (row["lat"], row["lng"])
        for row in Household.objects.filter(located, county=county)
        .values("township_id")
        .annotate(lat=Avg("latitude"), lng=Avg("longitude"))
    }
    taken = set(ServicePoint.objects.filter(county=county).values_list("township_id", "village_id"))
    rows = []

    def phone() -> str:
        return f"0838-{rng.randint(6000000, 6999999)}"

    for township in townships:
        lat, lng = by_township.get(township.pk, (None, None))
        number = phone()
        if (township.pk, None) not in taken:
            rows.append(
                ServicePoint(
                    county=county,
                    township=township,
                    level=Level.TOWNSHIP,
                    name=f"{township.name}便民服务中心",
                    address=f"{township.name}人民政府一楼",
                    latitude=None if lat is None else round(lat, 6),
                    longitude=None if lng is None else round(lng, 6),
                    hours=HOURS,
                    after_hours=AFTER_HOURS,
                    on_duty="综合窗口值班人员",
                    phone=number,
                )
            )
    for village in villages:
        chosen = rng.random() < share
        number = phone()
        if not chosen or (village.township_id, village.pk) in taken:
            continue
        lat, lng = by_village.get(village.pk, (None, None))
        rows.append(
            ServicePoint(
                county=county,
                township_id=village.township_id,
                village=village,
                level=Level.VILLAGE,
                name=f"{village.name}便民服务室",
                address=f"{village.name}党群服务中心",
                latitude=None if lat is None else round(lat, 6),
                longitude=None if lng is None else round(lng, 6),
                hours=VILLAGE_HOURS,
                after_hours=AFTER_HOURS,
                on_duty="村务助理轮值",
                phone=number,
            )
        )
    created = ServicePoint.objects.bulk_create(rows, batch_size=500)
    return {
        "townships": len(townships),
        "villages": len(villages),
        "created": len(created),
        "centres": sum(1 for r in created if r.level == Level.TOWNSHIP),
        "rooms": sum(1 for r in created if r.level == Level.VILLAGE),
    }
