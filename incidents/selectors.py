"""Reads of the incident loop, always limited to what the actor may see.

Who sees a case: roles of the flow over its region (grid workers their grid, cadres their village, township
officials their township, county officials and administrators the county), its reporter, the members of the
department handling it and of the departments co-handling it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from core import scope
from core.errors import NotFound
from core.roles import Action, Role
from incidents.flows import department_ids
from incidents.models import Department, GridMatter, Incident, IncidentAssist, Level, TriageRule
from incidents.supervision import ACTIVE_STATES, DUE_SOON_HOURS, UNRATED_DAYS
from regions.models import Grid


def _base() -> QuerySet:
    # Grids and accounts come by prefetch (one small query each), not joined: with them the join had 7 tables,
    # which PostgreSQL took 50–70 ms to plan (and ~1 ms to run) on the county bench, hashing every grid and
    # account before the LIMIT; with 5 tables planning takes ~1–3 ms. See bench/README.md, "Incidents".
    # Only what a case shows of them: a grid's boundary (GeoJSON) and an account's hashes are not read per case.
    return Incident.objects.select_related("matter", "village", "township", "handler_department").prefetch_related(
        Prefetch("grid", queryset=Grid.objects.only("id", "code", "name", "village_id")),
        Prefetch("reporter", queryset=User.objects.only("id", "username", "display_name")),
    )


def visible(actor) -> QuerySet:
    """Every incident the actor may see."""
    q = scope.scope_q(actor, Action.INCIDENT_VIEW, Incident) | Q(reporter_id=actor.pk)
    ids = department_ids(actor)
    if ids:
        q |= Q(handler_department_id__in=ids) | Q(
            Exists(IncidentAssist.objects.filter(incident=OuterRef("pk"), department_id__in=ids))
        )
    return _base().filter(q)


def get(actor, pk) -> Incident:
    found = visible(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def for_household(actor, household) -> QuerySet:
    """The cases the actor may see that concern ``household`` or that its people reported (the household's
    villager accounts and its residents' own accounts), newest first: the household page's history."""
    from accounts.models import RoleAssignment
    from registry.models import Person

    accounts = RoleAssignment.objects.filter(household_id=household.pk).values("user_id")
    residents = Person.objects.filter(household_id=household.pk, user__isnull=False).values("user_id")
    return (
        visible(actor)
        .filter(Q(household_id=household.pk) | Q(reporter_id__in=accounts) | Q(reporter_id__in=residents))
        .order_by("-created_at", "-id")
    )


def report_area(actor) -> list[tuple[str, int]]:
    """Where the actor may report, as (level, region id) pairs: a grid worker's, a villager's or a group's
    village, a cadre's village, a township or county official's area."""
    area = []
    for g in scope.grants_for(actor, Action.INCIDENT_REPORT):
        if g.level in ("grid", "household", "group"):
            area.append(("village", g.village_id))
        elif g.level in ("village", "township", "county"):
            area.append((g.level, g.target_id))
    return area


def report_area_q(actor) -> Q:
    """The same area as a filter on rows that carry county/township/village ids (grids, regions, cases)."""
    q = Q(pk__in=[])
    for level, region_id in report_area(actor):
        q |= Q(**{f"{level}_id": region_id})
    return q


def _handled_by_q(actor) -> Q:
    """Cases whose handling body includes the actor (by role in the region or by department)."""
    q = Q(pk__in=[])
    for g in scope.grants(actor):
        if g.role == Role.VILLAGE_CADRE and g.level == "village":
            q |= Q(level=Level.VILLAGE, village_id=g.target_id)
        elif g.role == Role.TOWNSHIP_OFFICIAL and g.level == "township":
            q |= Q(level=Level.TOWNSHIP, township_id=g.target_id)
    ids = department_ids(actor)
    if ids:
        q |= Q(level=Level.COUNTY, handler_department_id__in=ids)
    return q


def queue(actor) -> QuerySet:
    """待办: the cases waiting for the actor's body to accept or to finish, earliest deadline first; plus the
    cases its departments co-handle."""
    q = _handled_by_q(actor) & Q(state__in=("dispatched", "accepted"))
    ids = department_ids(actor)
    if ids:
        q |= Q(state="accepted") & Q(
            Exists(IncidentAssist.objects.filter(incident=OuterRef("pk"), department_id__in=ids))
        )
    return _base().filter(q).order_by("deadline_at", "pk")


def to_dispatch(actor) -> QuerySet:
    """待分派: cases waiting for a dispatcher in the actor's area (handed back, escalated)."""
    q = scope.scope_q(actor, Action.INCIDENT_DISPATCH, Incident)
    return _base().filter(q, state="reported").order_by("deadline_at", "pk")


def supervised(actor) -> QuerySet:
    """The cases the actor supervises (督办 scope)."""
    return _base().filter(scope.scope_q(actor, Action.INCIDENT_SUPERVISE, Incident))


def _board_conditions(now) -> dict[str, Q]:
    active = Q(state__in=ACTIVE_STATES)
    return {
        "overdue": active & (Q(deadline_at__lt=now) | Q(overdue=True)),
        "due_soon": active
        & Q(overdue=False, deadline_at__gte=now, deadline_at__lte=now + timedelta(hours=DUE_SOON_HOURS)),
        "supervised": active & Q(supervise_count__gt=0),
        "unrated": Q(state="resolved", state_entered_at__lte=now - timedelta(days=UNRATED_DAYS)),
    }


def board(actor, *, now=None) -> dict[str, QuerySet]:
    """The supervision board (督办台): overdue, due within a day, under a formal notice, unrated for 7 days."""
    now = now or timezone.now()
    base = supervised(actor)
    order = {"unrated": ("state_entered_at", "pk")}
    return {
        key: base.filter(q).order_by(*order.get(key, ("deadline_at", "pk")))
        for key, q in _board_conditions(now).items()
    }


def _kept_version(actor, places: list, now) -> str | None:
    """A page that is the same for everyone with the same ``places``, summed up for the cache: the places, the
    latest step taken on any incident of the actor's counties (every step is a CaseEvent) and the minute (deadlines
    and the board's sections move with the time) — so a kept page is at most a minute old and a step on any case
    shows at once. None when there are no places."""
    from casework.models import CaseEvent

    if not places:
        return None
    latest = (
        CaseEvent.objects.filter(county_id__in=scope.county_ids(actor), flow="incident")
        .order_by()
        .aggregate(m=Max("at"))["m"]
    )
    now = now or timezone.now()
    return f"{sorted(places)}:{latest}:{now:%Y%m%d%H%M}"


def board_version(actor, now=None) -> str | None:
    """The supervision board is the same for everyone supervising the same places (incidents.views.board)."""
    return _kept_version(
        actor, list({(g.level, g.target_id) for g in scope.grants_for(actor, Action.INCIDENT_SUPERVISE)}), now
    )


def queue_version(actor, now=None) -> str | None:
    """The queue is the same for everyone in the same handling bodies (``_handled_by_q`` and the co-handling
    departments): a village's cadres, a township's officials, a department's members (incidents.views.queue)."""
    bodies = {
        (g.level, g.target_id)
        for g in scope.grants(actor)
        if (g.role == Role.VILLAGE_CADRE and g.level == "village")
        or (g.role == Role.TOWNSHIP_OFFICIAL and g.level == "township")
    }
    bodies |= {("department", pk) for pk in department_ids(actor)}
    return _kept_version(actor, list(bodies), now)


def board_counts(actor, *, now=None) -> dict[str, int]:
    """How many cases each section of the board holds, in one aggregate query."""
    now = now or timezone.now()
    conditions = _board_conditions(now)
    found = Incident.objects.filter(scope.scope_q(actor, Action.INCIDENT_SUPERVISE, Incident)).aggregate(
        **{f"n_{key}": Count("pk", filter=q) for key, q in conditions.items()}
    )
    return {key: found[f"n_{key}"] for key in conditions}


def unrated(actor, *, now=None) -> QuerySet:
    """Resolved cases nobody has rated for UNRATED_DAYS days: call the reporter (回访) and rate on their behalf.
    The same condition as the board's "unrated" section, over every case the actor may see."""
    now = now or timezone.now()
    return visible(actor).filter(_board_conditions(now)["unrated"]).order_by("state_entered_at", "pk")


def search(actor, *, state="", matter=None, village=None, overdue=None, start=None, end=None, text="") -> QuerySet:
    """The incident list with its filters."""
    qs = visible(actor)
    if state:
        qs = qs.filter(state=state)
    if matter:
        qs = qs.filter(matter_id=getattr(matter, "pk", matter))
    if village:
        qs = qs.filter(village_id=getattr(village, "pk", village))
    if overdue:
        qs = qs.filter(ever_overdue=True)
    if start:
        qs = qs.filter(created_at__date__gte=start)
    if end:
        qs = qs.filter(created_at__date__lte=end)
    if text:
        qs = qs.filter(Q(description__icontains=text) | Q(address__icontains=text))
    return qs.order_by("-created_at", "-pk")


def my_reports(actor) -> QuerySet:
    return _base().filter(reporter=actor).order_by("-created_at", "-pk")


# -- the county's catalogue --------------------------------------------------------------------------------


def counties_managed(actor):
    from regions.models import Region, RegionLevel

    ids = scope.targets(actor, "county", Action.INCIDENT_CATALOGUE)
    return Region.objects.filter(pk__in=ids, level=RegionLevel.COUNTY).order_by("code")


def _county_ids_of(actor) -> set[int]:
    return set(scope.county_ids(actor)) | set(scope.targets(actor, "county"))


def matters(actor, *, current_only: bool = False, county=None) -> QuerySet:
    """The catalogue of the actor's county (readable by everyone working or living in it)."""
    qs = GridMatter.objects.filter(county_id__in=_county_ids_of(actor)).select_related("responsible")
    if county is not None:
        qs = qs.filter(county=county)
    if current_only:
        qs = qs.filter(retired_on__isnull=True)
    return qs.prefetch_related("assisting").order_by("code")


def departments(actor, *, active_only: bool = False) -> QuerySet:
    qs = Department.objects.filter(county_id__in=_county_ids_of(actor))
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("code")


def rules(actor) -> QuerySet:
    return (
        TriageRule.objects.filter(county_id__in=_county_ids_of(actor))
        .select_related("matter", "department")
        .order_by("matter__code", "severity", "pk")
    )


def counties(actor):
    """The counties whose catalogue the actor may read (where they work or live)."""
    from regions.models import Region, RegionLevel

    return Region.objects.filter(pk__in=_county_ids_of(actor), level=RegionLevel.COUNTY).order_by("code")


def managed(actor, model, pk):
    """A department, matter or rule of a county the actor keeps the catalogue of (404 otherwise)."""
    try:
        found = model.objects.filter(county__in=counties_managed(actor), pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


def department_staff(county):
    """The accounts that may be members of the county's departments: active holders of the department staff role
    in the county."""
    from accounts.models import RoleAssignment, User

    holders = RoleAssignment.objects.filter(role=Role.DEPARTMENT_STAFF, region__county_id=county.pk)
    return User.objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by("username")


def triage_decision(actor, *, matter, severity):
    """What the rules decide for a new case of this matter (of the actor's county catalogue) and severity, computed
    by incidents.triage without writing anything."""
    from incidents import triage

    matter = matters(actor).filter(pk=getattr(matter, "pk", matter)).select_related("responsible").first()
    if matter is None:
        raise NotFound()
    return triage.decide(matter.county_id, matter, severity)


def triage_table(actor, county) -> list[dict]:
    """For every current matter of the county: the decision for each severity (the rules read once)."""
    from incidents import triage
    from incidents.models import Severity

    loaded = list(rules(actor).filter(county=county).order_by("pk"))
    rows = []
    for matter in matters(actor, county=county, current_only=True):
        rows.append(
            {
                "matter": matter,
                "decisions": [triage.decide(county.pk, matter, s, rules=loaded) for s in Severity.values],
            }
        )
    return rows


def catalogue(actor, county, *, status: str = "current", group: str = "", text: str = "") -> QuerySet:
    """The catalogue page: current, retired or all matters of the county, by group and by code or name."""
    qs = matters(actor, county=county, current_only=status == "current").select_related("retired_by")
    if status == "retired":
        qs = qs.filter(retired_on__isnull=False)
    if group:
        qs = qs.filter(group=group)
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(name__icontains=text) | Q(description__icontains=text))
    return qs.order_by("group", "code")


def overdue_q(now) -> Q:
    """Open cases that are or were overdue: flagged by the deadline run, or past their deadline now."""
    return Q(state__in=ACTIVE_STATES) & (Q(ever_overdue=True) | Q(overdue=True) | Q(deadline_at__lt=now))


def map_cases(actor, *, state: str = "", matter=None, start=None, now=None, located: bool = True) -> QuerySet:
    """The visible cases with a location (``located=False``: those without one) for the incident map, latest
    first; ``state`` may be ``"overdue"``."""
    now = now or timezone.now()
    qs = visible(actor)
    qs = (
        qs.filter(lat__isnull=False, lng__isnull=False)
        if located
        else qs.filter(Q(lat__isnull=True) | Q(lng__isnull=True))
    )
    if state == "overdue":
        qs = qs.filter(overdue_q(now))
    elif state:
        qs = qs.filter(state=state)
    if matter:
        qs = qs.filter(matter_id=getattr(matter, "pk", matter))
    if start:
        qs = qs.filter(created_at__gte=start)
    return qs.order_by("-created_at", "-pk")
