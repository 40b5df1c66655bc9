"""County-scale grid incidents for benchmarks: ~N incidents a year for a county made by ``generate_county``,
each with the timeline the incident loop would have written (start, route, accept or hand back, progress,
吹哨, extensions, 督办, escalation, resolve with a photo, rating, reopen, and the deadline run's ``overdue``
events), deterministic for a seed and a moment ``now``.

What goes through the services and what does not:

* the county's catalogue, departments and triage rules are installed through ``incidents.services``
  (``catalogue_template.install_catalogue``), and every case is routed by ``incidents.triage.route`` itself;
* the staff who report and handle the cases — a grid worker per grid, a cadre per village, an official per
  township, two members per department — are created in bulk (no password: they cannot sign in), because
  ``accounts.services.user_create`` hashes a password per account;
* the incidents, their ``CaseEvent`` timelines, the photos' ``CaseAttachment`` rows and the co-handling rows
  are written **directly in bulk**, bypassing ``core.workflow`` (which takes one locked transaction per step,
  ~10 steps a case). ``bulk_create`` does not call ``CaseBase.save()``, so it is the one path that can insert a
  case with its workflow columns already set; nothing here ever updates them. The rows are what the engine would
  have written: each step is played by ``_Case.step`` with the engine's rules (the states' deadlines from
  ``incidents.flows.INCIDENT`` on the county's working-day calendar, the extension and 督办 deadlines, the
  ``overdue`` flag raised by the 5-minute deadline run when a deadline passes before anyone acts, the
  version counting the events) and the flow's effects (level and body, response and resolution on time,
  rating, reopen and 督办 counts). ``tests/incidents/test_generation.py`` checks the result against the engine:
  every case's state, deadline, version and outcome columns follow from its events, a real step through the
  services works on a generated case, and the deadline run at ``now`` finds nothing left to flag.

No audit events and no notifications are written for the generated cases (the generator records one audit
event for the run). The timeline is append-only and cannot be deleted, so a year is generated once: a year
that already has incidents in the county is refused.
"""

from __future__ import annotations

import heapq
import io
import itertools
import json
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.prepared import prep

from accounts.models import RoleAssignment, User
from casework.models import CaseAttachment, CaseEvent
from core import audit, db, scope
from core.calendar import WorkingCalendar
from core.roles import Action, Role
from core.workflow import START, Extend, SetDeadline
from incidents import catalogue_template
from incidents.flows import INCIDENT
from incidents.models import (
    AssistKind,
    Department,
    GridMatter,
    Incident,
    IncidentAssist,
    Level,
    Rating,
    Severity,
    TriageRule,
)
from incidents.supervision import ACTIVE_STATES
from incidents.triage import route
from regions.models import Grid, GridStaff, GridStaffRole, Region, RegionLevel

OVERDUE = "overdue"
CRON_MINUTES = 5  # run_deadlines runs every few minutes
PHOTO_NAME = "casework/generated/resolved.jpg"
THUMB_NAME = "casework/thumbs/generated/resolved.jpg"
_HOURS = [0, 0, 0, 0, 0, 0, 0.2, 0.6, 1.3, 1.6, 1.5, 1.2, 0.6, 0.7, 1.3, 1.5, 1.3, 1.0, 0.6, 0.4, 0.3, 0.2, 0.1, 0]


class GenerationError(Exception):
    """The generator refuses (a year already generated, a year in the future, no county)."""


@dataclass
class Staff:
    grid_workers: dict[int, User] = field(default_factory=dict)  # grid id → account
    cadres: dict[int, User] = field(default_factory=dict)  # village id → account
    officials: dict[int, User] = field(default_factory=dict)  # township id → account
    members: dict[int, list[User]] = field(default_factory=dict)  # department id → accounts
    created: int = 0


@dataclass
class GenerationResult:
    incidents: int = 0
    events: int = 0
    attachments: int = 0
    assists: int = 0
    states: dict[str, int] = field(default_factory=dict)
    catalogue: dict[str, int] = field(default_factory=dict)
    staff_created: int = 0

    def add_state(self, state: str) -> None:
        self.states[state] = self.states.get(state, 0) + 1


class _Calendar(WorkingCalendar):
    """The county's working days, with the deadline arithmetic memoised (it depends on the day only)."""

    def __init__(self, county):
        super().__init__(county)
        self._added: dict[tuple[date, int], datetime] = {}

    def add_working_days(self, start: datetime, n: int) -> datetime:
        key = (timezone.localtime(start).date(), n)
        found = self._added.get(key)
        if found is None:
            found = self._added[key] = super().add_working_days(start, n)
        return found


class _Cut(Exception):
    """The next step would happen after ``now``: the case stays where it is."""


# -- staff ----------------------------------------------------------------------------------------------------


def ensure_staff(county: Region, *, seed: int = 1, members_per_department: int = 2) -> Staff:
    """The accounts that report and handle the generated cases (created once; found again on a later run).

    Usernames follow the codes: ``gw<grid code>`` (grid worker of the grid, linked to its first-level
    GridStaff row and named after it), ``vc<village code>`` (village cadre), ``to<township code>``
    (township official), ``dp<county code><department code><n>`` (department staff, member of it). They have
    no usable password.
    """
    from registry.generation import CountyGenerator, bulk_accounts

    names = CountyGenerator(seed=seed, county_name="", county_code=county.code)
    grids = list(Grid.objects.filter(county=county, is_active=True).order_by("code"))
    villages = list(Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code"))
    townships = list(Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code"))
    departments = list(Department.objects.filter(county=county, is_active=True).order_by("code"))
    first_staff = {
        s.grid_id: s for s in GridStaff.objects.filter(grid__county=county, role=GridStaffRole.FIRST).order_by("pk")
    }

    def person() -> str:
        return names.family_name() + names.given_name(names.rng.choice("MF"))

    wanted = []  # (username, display name, role, region id, grid id)
    for grid in grids:
        staff = first_staff.get(grid.pk)
        wanted.append((f"gw{grid.code}", staff.name if staff else person(), Role.GRID_WORKER, grid.village_id, grid.pk))
    for village in villages:
        wanted.append((f"vc{village.code}", person(), Role.VILLAGE_CADRE, village.pk, None))
    for township in townships:
        wanted.append((f"to{township.code}", person(), Role.TOWNSHIP_OFFICIAL, township.pk, None))
    dept_of = {}
    for department in departments:
        for n in range(1, members_per_department + 1):
            username = f"dp{county.code}{department.code.lower()}{n}"
            dept_of[username] = department
            wanted.append((username, person(), Role.DEPARTMENT_STAFF, county.pk, None))

    users, fresh = bulk_accounts([(*w, None) for w in wanted])
    linked = []
    for grid in grids:
        staff = first_staff.get(grid.pk)
        if staff is not None and staff.user_id is None:
            staff.user = users[f"gw{grid.code}"]
            linked.append(staff)
    GridStaff.objects.bulk_update(linked, ["user"], batch_size=2000)
    through = Department.members.through
    through.objects.bulk_create(
        [through(department_id=dept_of[u].pk, user_id=users[u].pk) for u in dept_of if u in fresh],
        ignore_conflicts=True,
    )
    result = Staff(created=len(fresh))
    for username, _name, role, region_id, grid_id in wanted:
        user = users[username]
        if role == Role.GRID_WORKER:
            result.grid_workers[grid_id] = user
        elif role == Role.VILLAGE_CADRE:
            result.cadres[region_id] = user
        elif role == Role.TOWNSHIP_OFFICIAL:
            result.officials[region_id] = user
        else:
            result.members.setdefault(dept_of[username].pk, []).append(user)
    return result


# -- one case, lived through ----------------------------------------------------------------------------------


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


class _Case:
    """The engine's columns and the incident's own while its steps are played, and the rows they leave."""

    def __init__(self, gen: IncidentGenerator, incident: Incident, index: int):
        self.gen = gen
        self.i = incident
        self.index = index
        self.events: list[tuple] = []  # (step, from, to, actor, at, note, data, deadline_at, photo)
        self.assists: dict[int, list] = {}  # department id → [kind, added_by, added_at, reported_at]
        self.target: datetime | None = None
        self.planned: tuple | None = None  # (deadline, when the 督办 for it comes or None)
        self.extended = 0
        self.stuck = False
        self.handed_back = False

    # the deadline run (every CRON_MINUTES): flags an open case whose deadline passed before anyone acted
    def flag_time(self, deadline: datetime) -> datetime:
        tick = CRON_MINUTES * 60
        seconds = math.floor(deadline.timestamp() / tick) * tick + tick
        return datetime.fromtimestamp(seconds, tz=UTC) + timedelta(milliseconds=(self.index * 37) % 20000)

    def _flag_until(self, moment: datetime) -> None:
        i = self.i
        if i.state not in ACTIVE_STATES or i.deadline_at is None or i.overdue:
            return
        at = self.flag_time(i.deadline_at)
        if at < moment:
            i.overdue, i.ever_overdue = True, True
            i.version += 1
            note = _("The deadline (%(deadline)s) passed.") % {"deadline": _when(i.deadline_at)}
            self.events.append(
                (OVERDUE, i.state, i.state, None, at, note, {"deadline_at": _utc_iso(i.deadline_at)}, i.deadline_at, 0)
            )

    def step(self, name, at, actor, *, note="", data=None, effect=None, photo=False):
        """Take step ``name`` at ``at`` as the engine would (raises _Cut when ``at`` lies after ``now``)."""
        if at > self.gen.now:
            self._flag_until(self.gen.now)
            raise _Cut
        self._flag_until(at)
        i, cal = self.i, self.gen.calendar
        data = dict(data or {})
        frm = i.state
        if name == START:
            to, deadline = INCIDENT.initial, INCIDENT.states[INCIDENT.initial].deadline
            i.flow, i.opened_at = INCIDENT.name, at
            i.deadline_at = deadline.due(at, cal, i)
        else:
            tr = INCIDENT.transitions[name]
            assert frm in tr.source, (name, frm)
            to = tr.target
            if isinstance(tr.deadline, Extend):
                i.deadline_at = cal.add_working_days(i.deadline_at, data[tr.deadline.field])
                i.overdue = False
            elif isinstance(tr.deadline, SetDeadline):
                i.deadline_at = data.pop("_moment")
                data[tr.deadline.field] = i.deadline_at.isoformat()
                i.overdue = False
            if effect is not None:
                effect(at, data)
            if tr.deadline is None and to != frm:
                rule = INCIDENT.states[to].deadline
                i.deadline_at = rule.due(at, cal, i) if rule is not None else None
                i.overdue = False
        if to != frm:
            i.state, i.state_entered_at = to, at
            i.closed_at = at if INCIDENT.is_final(to) else None
        i.version += 1
        assert not self.events or at >= self.events[-1][4], (name, at, self.events[-1])
        self.events.append((name, frm, to, actor, at, note, data, i.deadline_at, 1 if photo else 0))

    # effects of the flow (incidents.flows), on the case being played
    def respond(self, at, data):
        i = self.i
        if i.responded_at is None:
            i.responded_at = at
            i.responded_on_time = i.deadline_at is None or at <= i.deadline_at

    def resolved(self, at, data):
        i = self.i
        if i.resolved_at is None:
            i.resolved_at = at
            i.resolved_on_time = i.deadline_at is None or at <= i.deadline_at


class IncidentGenerator:
    """Writes ``per_year`` incidents for each of ``years`` in ``county`` (see the module's docstring)."""

    def __init__(
        self,
        county: Region,
        *,
        actor,
        seed: int = 1,
        per_year: int = 50000,
        years=(2026,),
        now: datetime | None = None,
        batch_size: int = 2000,
    ):
        self.county = county
        self.actor = actor
        self.seed = seed
        self.per_year = per_year
        self.years = sorted(set(years))
        self.now = now or timezone.now()
        self.batch_size = batch_size
        self.calendar = _Calendar(county)

    # -- set-up ------------------------------------------------------------------------------------------------
    def check(self) -> None:
        if self.county is None or self.county.level != RegionLevel.COUNTY:
            raise GenerationError("Incidents are generated for a county.")
        if self.per_year < 1:
            raise GenerationError("Give a positive number of incidents a year.")
        if not scope.region_in_scope(self.actor, Action.INCIDENT_CATALOGUE, self.county):
            raise GenerationError(
                f"{self.actor} does not keep the catalogue of county {self.county.code}: give its administrator."
            )
        this_year = timezone.localtime(self.now).year
        future = [y for y in self.years if y > this_year]
        if future:
            raise GenerationError(f"{', '.join(map(str, future))} lies in the future (now is {self.now:%Y-%m-%d}).")
        done = [y for y in self.years if Incident.objects.filter(county=self.county, created_at__year=y).exists()]
        if done:
            raise GenerationError(
                f"County {self.county.code} already has incidents reported in {', '.join(map(str, done))}; "
                "the case timeline cannot be deleted, so a year is generated once."
            )
        if not Grid.objects.filter(county=self.county, is_active=True).exists():
            raise GenerationError(f"County {self.county.code} has no grids; generate the county first.")

    def _prepare(self, result: GenerationResult) -> None:
        result.catalogue = catalogue_template.install_catalogue(actor=self.actor, county=self.county)
        self.staff = ensure_staff(self.county, seed=self.seed)
        result.staff_created = self.staff.created
        self.departments = {d.pk: d for d in Department.objects.filter(county=self.county)}
        self.dept_by_code = {d.code: d for d in self.departments.values()}
        self.matters = list(
            # the generated cases are of known kinds (the 其他/不清楚 matter's cases wait for the village's sorting)
            GridMatter.objects.filter(county=self.county, retired_on__isnull=True, unsorted=False)
            .select_related("responsible")
            .prefetch_related("assisting")
            .order_by("code")
        )
        weights = catalogue_template.matter_weights()
        self.matter_weights = [weights.get(m.code, 1.0) for m in self.matters]
        self.examples = {
            m.code: catalogue_template.examples_of(m.code) or ((m.description or m.name),) for m in self.matters
        }
        self.assisting = {
            m.pk: sorted((d for d in m.assisting.all() if d.is_active), key=lambda d: d.code) for m in self.matters
        }
        self.rules = {r.pk: r for r in TriageRule.objects.filter(county=self.county)}
        self.decisions = {}
        for matter in self.matters:
            for severity in Severity.values:
                probe = Incident(county_id=self.county.pk, matter=matter, severity=severity)
                self.decisions[(matter.pk, severity)] = route(probe)
        grids = list(Grid.objects.filter(county=self.county, is_active=True).order_by("code"))
        self.grids = grids
        self.villages = {v.pk: v for v in Region.objects.filter(county=self.county, level=RegionLevel.VILLAGE)}
        self.shapes = {}
        for grid in grids:
            if grid.polygon:
                geom = shape(grid.polygon)
                self.shapes[grid.pk] = (prep(geom), geom.bounds, geom.representative_point())
        self.content_type = ContentType.objects.get_for_model(Incident)
        self._photo = _shared_photo()

    # -- the run -----------------------------------------------------------------------------------------------
    def run(self, progress=None) -> GenerationResult:
        """Generate every year in its own transaction. ``progress(year, done, total, result)`` after each batch."""
        self.check()
        result = GenerationResult()
        with translation.override(settings.LANGUAGE_CODE):
            with transaction.atomic():
                self._prepare(result)
            for year in self.years:
                with transaction.atomic():
                    self._year(year, result, progress)
                    audit.record(
                        self.actor,
                        "system.generate_incidents",
                        self.county,
                        note=f"seed {self.seed}: {self.per_year} incidents in {year}",
                    )
        refresh_statistics()
        return result

    def _year(self, year: int, result: GenerationResult, progress) -> None:
        rng = random.Random(self.seed * 100003 + year)
        times = self._report_times(rng, year)
        grid_weights = self._grid_weights(rng)
        total = len(times)
        for start in range(0, total, self.batch_size):
            cases = []
            for k, created_at in enumerate(times[start : start + self.batch_size]):
                grid = rng.choices(self.grids, cum_weights=grid_weights)[0]
                cases.append(self._live(rng, start + k, created_at, grid))
            self._write(cases, result)
            if progress:
                progress(year, min(start + self.batch_size, total), total, result)

    def _report_times(self, rng: random.Random, year: int) -> list[datetime]:
        """``per_year`` report moments over the year up to ``now``: fewer on days off, more in summer."""
        tz = timezone.get_default_timezone()
        first = date(year, 1, 1)
        last = min(date(year, 12, 31), timezone.localtime(self.now).date())
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        weights = []
        for day in days:
            season = 1 + 0.25 * math.sin((day.timetuple().tm_yday - 100) / 365 * 2 * math.pi)
            weights.append(season * (1.0 if self.calendar.is_working_day(day) else 0.55))
        latest = self.now - timedelta(minutes=1)
        times = []
        for day in rng.choices(days, weights=weights, k=self.per_year):
            hour = rng.choices(range(24), weights=_HOURS)[0]
            moment = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=tz)
            if moment > latest:
                moment = max(
                    datetime.combine(first, time(8), tzinfo=tz), latest - timedelta(minutes=rng.randrange(1, 360))
                )
            times.append(moment)
        times.sort()
        return times

    def _grid_weights(self, rng: random.Random) -> list[float]:
        """Cumulative weights: some villages report much more than others."""
        activity = {pk: rng.lognormvariate(0, 0.5) for pk in sorted(self.villages)}
        cumulative, total = [], 0.0
        for grid in self.grids:
            total += activity.get(grid.village_id, 1.0)
            cumulative.append(total)
        return cumulative

    # -- times -------------------------------------------------------------------------------------------------
    def _office(self, rng: random.Random, moment: datetime) -> datetime:
        """Move a moment a person acts into office hours (08:30–18:00) of a working day (mostly)."""
        local = timezone.localtime(moment)
        day = local.date()
        if local.time() > time(17, 50):
            day += timedelta(days=1)
            local = None
        elif local.time() < time(8, 30):
            local = None
        while not self.calendar.is_working_day(day) and rng.random() < 0.85:
            day += timedelta(days=1)
            local = None
        if local is not None and local.date() == day:
            return moment
        minutes = rng.randrange(0, 180)
        return datetime.combine(day, time(8, 30), tzinfo=timezone.get_default_timezone()) + timedelta(minutes=minutes)

    def _later(self, rng, moment, median_hours, sigma=1.0, office=True) -> datetime:
        delay = timedelta(hours=rng.lognormvariate(math.log(median_hours), sigma))
        result = moment + max(delay, timedelta(minutes=2))
        return self._office(rng, result) if office else result

    # -- who ---------------------------------------------------------------------------------------------------
    def _handler(self, rng, i: Incident) -> User:
        if i.level == Level.COUNTY:
            return rng.choice(self.staff.members[i.handler_department_id])
        if i.level == Level.TOWNSHIP:
            return self.staff.officials[i.township_id]
        return self.staff.cadres[i.village_id]

    def _dispatcher(self, i: Incident) -> User:
        return self.staff.officials[i.township_id]

    def _department_for(self, rng, i: Incident, exclude=None) -> Department:
        """The department a dispatcher sends a case to: the matter's responsible body, else one of its group."""
        matter = self._matter(i)
        if matter.responsible_id and matter.responsible_id != exclude and matter.responsible.is_active:
            return matter.responsible
        pool = [d for d in self.departments.values() if d.is_active and d.pk != exclude and d.pk in self.staff.members]
        by_group = {
            "矛盾纠纷": "SF",
            "安全隐患": "YJ",
            "环境卫生": "HB",
            "治安防控": "GA",
            "民生服务": "MZ",
            "基础设施": "ZJ",
            "自然资源": "ZR",
        }
        preferred = self.dept_by_code.get(by_group.get(matter.group, ""))
        if preferred is not None and preferred in pool:
            return preferred
        return rng.choice(sorted(pool, key=lambda d: d.code))

    def _matter(self, i: Incident) -> GridMatter:
        return self._matter_by_id[i.matter_id]

    # -- one case ----------------------------------------------------------------------------------------------
    def _live(self, rng: random.Random, index: int, created_at: datetime, grid: Grid) -> _Case:
        if not hasattr(self, "_matter_by_id"):
            self._matter_by_id = {m.pk: m for m in self.matters}
        matter = rng.choices(self.matters, weights=self.matter_weights)[0]
        roll = rng.random()
        if matter.group == "安全隐患":
            severity = Severity.URGENT if roll < 0.08 else Severity.SERIOUS if roll < 0.28 else Severity.GENERAL
        else:
            severity = Severity.URGENT if roll < 0.03 else Severity.SERIOUS if roll < 0.15 else Severity.GENERAL
        village = self.villages[grid.village_id]
        reporter = self.staff.grid_workers[grid.pk] if rng.random() < 0.85 else self.staff.cadres[village.pk]
        lat = lng = None
        if grid.pk in self.shapes and rng.random() < 0.9:
            lat, lng = self._point(rng, grid.pk)
        i = Incident(
            matter=matter,
            severity=severity,
            description=rng.choice(self.examples[matter.code]),
            address=f"{grid.name}{rng.randrange(1, 120)}号附近",
            lat=lat,
            lng=lng,
            grid=grid,
            reporter=reporter,
            created_at=created_at,
        )
        i.place_in(village)
        case = _Case(self, i, index)
        try:
            self._play(rng, case)
        except _Cut:
            pass
        return case

    def _point(self, rng, grid_id) -> tuple[float, float]:
        prepared, (minx, miny, maxx, maxy), fallback = self.shapes[grid_id]
        for _attempt in range(30):
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if prepared.covers(Point(x, y)):
                return round(y, 6), round(x, 6)
        return round(fallback.y, 6), round(fallback.x, 6)

    def _play(self, rng, c: _Case) -> None:
        i = c.i
        t = i.created_at
        c.step(START, t, i.reporter, note=i.description)
        decision = self.decisions[(i.matter_id, i.severity)]

        def apply_triage(at, data):
            i.level, i.handler_department, i.handling_days = decision.level, decision.department, decision.days
            i.rule = decision.rule
            data.update(decision.as_data())

        c.step(
            "route", t + timedelta(milliseconds=rng.randrange(30, 400)), None, note=decision.reason, effect=apply_triage
        )
        if i.level == Level.COUNTY:
            for department in self.assisting[i.matter_id]:
                if department.pk != i.handler_department_id:
                    c.assists[department.pk] = [AssistKind.ASSIST, None, i.state_entered_at, None]
        self._answer(rng, c)
        while True:
            if self._work(rng, c) == "escalated":
                self._dispatch(rng, c, escalated=True)
                self._answer(rng, c)
                continue
            if self._rate(rng, c) == "reopened":
                continue
            return

    def _answer(self, rng, c: _Case) -> None:
        """dispatched → accepted (or handed back, re-dispatched, then accepted)."""
        i = c.i
        entered = i.state_entered_at
        if i.level == Level.COUNTY and not c.handed_back and rng.random() < 0.04:
            at = self._later(rng, entered, 5)
            window = INCIDENT.transitions["hand_back"].window.due(entered, self.calendar, i)
            if at <= window:
                c.handed_back = True
                wrong = i.handler_department_id

                def clear(at_, data):
                    i.handler_department = None
                    c.respond(at_, data)

                c.step(
                    "hand_back",
                    at,
                    self._handler(rng, i),
                    note=_HAND_BACK[rng.randrange(len(_HAND_BACK))],
                    effect=clear,
                )
                self._dispatch(rng, c, exclude=wrong)
                return self._answer(rng, c)
        if rng.random() < 0.04:  # a slow body: answers after days, the deadline run flags it first
            at = self._office(rng, entered + timedelta(hours=rng.uniform(40, 140)))
        else:
            at = self._later(rng, entered, 2.5, 1.1)
        c.step("accept", at, self._handler(rng, i), note=rng.choice(_ACCEPT), effect=c.respond)

    def _dispatch(self, rng, c: _Case, *, escalated=False, exclude=None) -> None:
        """reported → dispatched by the township's dispatcher, after an escalation or a hand-back."""
        i = c.i
        entered = i.state_entered_at
        if rng.random() < 0.05:
            at = self._office(rng, entered + timedelta(hours=rng.uniform(28, 72)))
        else:
            at = self._later(rng, entered, 3, 1.0)
        matter = self._matter(i)
        if escalated and i.level == Level.TOWNSHIP and not (matter.responsible_id and rng.random() < 0.35):
            level, department, days = Level.TOWNSHIP, None, 5
        elif i.level == Level.VILLAGE or (not escalated and not matter.responsible_id and rng.random() < 0.5):
            level, department, days = Level.TOWNSHIP, None, 5
        else:
            department = self._department_for(rng, i, exclude=exclude)
            level, days = Level.COUNTY, 5
        note = _DISPATCH_NOTE.format(body=department.name) if department else _DISPATCH_NOTE.format(body="镇综治中心")

        def set_dispatch(at_, data):
            i.level, i.handler_department, i.handling_days = level, department, days
            data.update(
                {
                    "level": level,
                    "department": department.pk if department else None,
                    "department_name": department.name if department else "",
                    "days": days,
                }
            )

        c.step("dispatch", at, self._dispatcher(i), note=note, effect=set_dispatch)

    def _work(self, rng, c: _Case) -> str:
        """accepted → resolved (or escalated): progress notes, 吹哨, an extension, 督办 when it runs late."""
        i = c.i
        start = i.state_entered_at
        window = i.deadline_at - start
        c.stuck = rng.random() < 0.05  # stuck: takes several times its deadline, 督办 or not
        if c.stuck:
            fraction = rng.uniform(1.6, 10.0)
        else:
            fraction = rng.lognormvariate(math.log(0.4), 0.65)
        c.target = self._office(rng, start + window * fraction)
        plan: list[tuple] = []  # a heap of (when, order, kind, department)
        order = itertools.count()

        def plan_at(at, kind, department=None):
            heapq.heappush(plan, (at, next(order), kind, department))

        for _n in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
            plan_at(start + (c.target - start) * rng.uniform(0.1, 0.9), "progress")
        if i.level == Level.TOWNSHIP and rng.random() < 0.12:
            plan_at(self._later(rng, start, 3), "summon")
        if i.level == Level.COUNTY and c.assists and rng.random() < 0.6:
            plan_at(start + (c.target - start) * rng.uniform(0.2, 0.8), "assist")
        if c.target > i.deadline_at and rng.random() < 0.35:
            plan_at(start + window * rng.uniform(0.5, 0.95), "extend")
        escalate = {Level.VILLAGE: 0.03, Level.TOWNSHIP: 0.015}.get(i.level, 0)
        if i.reopen_count == 0 and rng.random() < escalate:
            plan_at(start + window * rng.uniform(0.15, 0.6), "escalate")
        while plan:
            at, _order, kind, department = heapq.heappop(plan)
            self._supervise_until(rng, c, at)
            if at >= c.target:
                break
            if kind == "escalate":
                level = i.level

                def raise_level(at_, data, _level=level):
                    i.level = Level.TOWNSHIP if _level == Level.VILLAGE else Level.COUNTY
                    i.handler_department = None
                    data["level"] = i.level

                c.step("escalate", at, self._handler(rng, i), note=rng.choice(_ESCALATE), effect=raise_level)
                return "escalated"
            if kind == "progress":
                c.step("progress", at, self._handler(rng, i), note=rng.choice(_PROGRESS))
            elif kind == "summon":
                department = self._department_for(rng, i, exclude=i.handler_department_id)
                if department.pk in c.assists:
                    continue

                def add(at_, data, _d=department):
                    c.assists[_d.pk] = [AssistKind.SUMMONED, self._dispatcher(i), at_, None]
                    data.update({"department_name": _d.name, "department": _d.pk})

                c.step("summon", at, self._dispatcher(i), note=_SUMMON.format(body=department.name), effect=add)
                plan_at(self._later(rng, at, 20), "report", department)
            elif kind == "assist":
                self._co_progress(rng, c, at, self.departments[rng.choice(sorted(c.assists))])
            elif kind == "report":
                self._co_progress(rng, c, at, department)
            elif kind == "extend":
                days = min(rng.choice((2, 3, 3, 5, 5, 7)), 10 - c.extended)
                if at > i.deadline_at or i.overdue or days < 1:
                    continue
                c.extended += days
                c.step("extend", at, self._handler(rng, i), note=rng.choice(_EXTEND), data={"days": days})
        self._supervise_until(rng, c, c.target)
        c.step("resolve", c.target, self._handler(rng, i), note=rng.choice(_RESOLVE), effect=c.resolved, photo=True)
        return "resolved"

    def _co_progress(self, rng, c: _Case, at: datetime, department: Department) -> None:
        """A co-handling body's note: its part is reported (报到)."""
        members = self.staff.members.get(department.pk)
        if not members:
            return
        assist = c.assists[department.pk]

        def report_part(at_, data):
            if assist[3] is None:
                assist[3] = at_

        c.step("progress", at, rng.choice(members), note=_CO_PROGRESS.format(body=department.name), effect=report_part)

    def _supervise_until(self, rng, c: _Case, until: datetime) -> None:
        """Each time the deadline passes before ``until`` (and before the case is resolved), the township may issue
        a 督办 with a new date; the notice mostly works."""
        i = c.i
        while True:
            limit = min(until, c.target)
            deadline = i.deadline_at
            if deadline is None or deadline >= limit:
                return
            if c.planned is None or c.planned[0] != deadline:  # decided once per deadline
                go = i.supervise_count < 3 and rng.random() < (0.55 if i.level != Level.VILLAGE else 0.4)
                c.planned = (deadline, self._later(rng, c.flag_time(deadline), 6, 1.0) if go else None)
            at = c.planned[1]
            if at is None or at >= limit:
                return
            local = timezone.localtime(at)
            due_day = self.calendar.next_working_day(
                local.date() + timedelta(days=rng.randrange(2, 7)), include_today=True
            )
            moment = datetime.combine(due_day, time(18, 0), tzinfo=timezone.get_default_timezone())

            def count(at_, data):
                i.supervise_count += 1

            c.step(
                "supervise",
                at,
                self._dispatcher(i),
                note=_SUPERVISE.format(day=f"{due_day.month}月{due_day.day}日"),
                data={"_moment": moment},
                effect=count,
            )
            if c.target > moment and rng.random() < (0.4 if c.stuck else 0.75):  # the notice works
                c.target = self._office(rng, at + (moment - at) * rng.uniform(0.3, 0.9))

    def _rate(self, rng, c: _Case) -> str:
        """resolved → closed (满意 / 基本满意) or back to accepted (不满意); some are never rated."""
        i = c.i
        resolved = i.state_entered_at
        roll = rng.random()
        if roll < 0.015:
            return "unrated"
        if roll < 0.75:
            at, actor = self._later(rng, resolved, 5, 1.2, office=False), i.reporter
        elif roll < 0.93:
            at, actor = resolved + timedelta(hours=rng.uniform(24, 160)), i.reporter
        else:  # 回访: the grid worker calls and rates on the reporter's behalf
            at = self._office(rng, resolved + timedelta(days=rng.uniform(7, 11)))
            actor = self.staff.grid_workers.get(i.grid_id, i.reporter)
        roll = rng.random()
        unsatisfied = 0.05 if i.reopen_count == 0 else 0.015
        rating = Rating.UNSATISFIED if roll < unsatisfied else Rating.BASIC if roll < 0.17 else Rating.SATISFIED
        step = "reopen" if rating == Rating.UNSATISFIED else "close"

        def rate(at_, data):
            i.rating, i.rated_at = rating, at_
            data["rating"] = rating
            if rating == Rating.UNSATISFIED:
                i.reopen_count += 1
            if actor.pk != i.reporter_id:
                data["on_behalf"] = True

        note = (
            rng.choice(_REOPEN) if step == "reopen" else ("电话回访，代为评价。" if actor.pk != i.reporter_id else "")
        )
        c.step(step, at, actor, note=note, effect=rate)
        return "reopened" if step == "reopen" else "closed"

    # -- writing -----------------------------------------------------------------------------------------------
    def _write(self, cases: list[_Case], result: GenerationResult) -> None:
        """Insert a batch: COPY on PostgreSQL (ids taken from the sequences first), bulk_create elsewhere."""
        incidents = [c.i for c in cases]
        _insert(Incident, [{f.attname: getattr(i, f.attname) for f in _fields(Incident)} for i in incidents], incidents)
        events, photos, assists = [], [], []
        for c in cases:
            i = c.i
            result.add_state(i.state)
            for name, frm, to, actor, at, note, data, deadline_at, photo in c.events:
                events.append(
                    {
                        "content_type_id": self.content_type.pk,
                        "object_id": i.pk,
                        "flow": INCIDENT.name,
                        "transition": name,
                        "from_state": frm,
                        "to_state": to,
                        "actor_id": actor.pk if actor is not None else None,
                        "actor_label": str(actor)[:150] if actor is not None else "",
                        "at": at,
                        "note": note,
                        "data": data,
                        "deadline_at": deadline_at,
                        "county_id": i.county_id,
                        "township_id": i.township_id,
                        "village_id": i.village_id,
                    }
                )
                if photo:
                    photos.append(len(events) - 1)
            for department_id, (kind, added_by, added_at, reported_at) in sorted(c.assists.items()):
                assists.append(
                    {
                        "incident_id": i.pk,
                        "department_id": department_id,
                        "kind": kind,
                        "added_by_id": added_by.pk if added_by is not None else None,
                        "added_at": added_at,
                        "reported_at": reported_at,
                    }
                )
        event_ids = _insert(CaseEvent, events)
        file_name, thumb_name, size = self._photo
        _insert(
            CaseAttachment,
            [
                {
                    "event_id": event_ids[k],
                    "file": file_name,
                    "name": "现场照片.jpg",
                    "size": size,
                    "content_type": "image/jpeg",
                    "thumbnail": thumb_name,
                }
                for k in photos
            ],
        )
        _insert(IncidentAssist, assists)
        result.incidents += len(incidents)
        result.events += len(events)
        result.attachments += len(photos)
        result.assists += len(assists)


def _fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _insert(model, rows: list[dict], instances=None) -> list[int]:
    """Insert ``rows`` (attname → value) and return their ids, in order; ``instances`` get their pk set."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
            )
            ids = [row[0] for row in cursor.fetchall()]
        columns = {f.attname: f.column for f in _fields(model)}
        names = list(rows[0])
        buffer = io.StringIO()
        for pk, row in zip(ids, rows, strict=True):
            buffer.write(str(pk))
            for name in names:
                buffer.write("\t")
                buffer.write(_copy_value(row[name]))
            buffer.write("\n")
        sql = f"COPY {table} (id, {', '.join(columns[n] for n in names)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())
    else:
        objs = instances if instances is not None else [model(**row) for row in rows]
        model.objects.bulk_create(objs, batch_size=2000)
        ids = [obj.pk for obj in objs]
        assert all(ids), "bulk_create must return the ids (PostgreSQL, SQLite ≥ 3.35)"
    if instances is not None:
        for obj, pk in zip(instances, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
    return ids


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _shared_photo() -> tuple[str, str, int]:
    """One photo (and its thumbnail) that every generated resolution points at, written once."""
    from PIL import Image, ImageDraw

    if not default_storage.exists(PHOTO_NAME):
        image = Image.new("RGB", (800, 600), (96, 140, 80))
        draw = ImageDraw.Draw(image)
        draw.rectangle((80, 380, 720, 560), fill=(170, 170, 160))
        draw.ellipse((560, 60, 700, 200), fill=(240, 220, 120))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=70)
        default_storage.save(PHOTO_NAME, ContentFile(out.getvalue()))
        image.thumbnail((320, 320))
        thumb = io.BytesIO()
        image.save(thumb, "JPEG", quality=70)
        default_storage.save(THUMB_NAME, ContentFile(thumb.getvalue()))
    return PHOTO_NAME, THUMB_NAME, default_storage.size(PHOTO_NAME)


def refresh_statistics() -> None:
    """Planner statistics for the tables just loaded (core.db.refresh_statistics)."""
    db.refresh_statistics([Incident, IncidentAssist, CaseEvent, CaseAttachment, User, RoleAssignment])


def generate_incidents(
    *, county: Region, actor, per_year: int = 50000, years=(2026,), seed: int = 1, now=None, progress=None
):
    """See ``IncidentGenerator``; returns a ``GenerationResult``. Raises ``GenerationError`` when it refuses."""
    return IncidentGenerator(county, actor=actor, seed=seed, per_year=per_year, years=years, now=now).run(progress)


def incident_counts(county: Region, *, now=None) -> dict[str, int]:
    """What the generated data holds (the command prints it; the KPI bench quotes it)."""
    now = now or timezone.now()
    qs = Incident.objects.filter(county=county)
    active = qs.filter(state__in=ACTIVE_STATES)
    counts = {"incidents": qs.count()}
    for state in INCIDENT.states:
        counts[f"state {state}"] = qs.filter(state=state).count()
    counts.update(
        {
            "open, past deadline": active.filter(deadline_at__lt=now).count(),
            "open, under 督办": active.filter(supervise_count__gt=0).count(),
            "unrated > 7 days": qs.filter(state="resolved", state_entered_at__lte=now - timedelta(days=7)).count(),
            "ever overdue": qs.filter(ever_overdue=True).count(),
            "reopened": qs.filter(reopen_count__gt=0).count(),
            "county level": qs.filter(level=Level.COUNTY).count(),
            "township level": qs.filter(level=Level.TOWNSHIP).count(),
            "village level": qs.filter(level=Level.VILLAGE).count(),
            "events": CaseEvent.objects.filter(county=county, flow=INCIDENT.name).count(),
        }
    )
    return counts


# -- what people write --------------------------------------------------------------------------------------

_ACCEPT = ("已接单，安排人员前往现场核实。", "收到，马上处理。", "已签收，今日联系当事人。")
_PROGRESS = (
    "已到现场核实，情况属实，正在协调处理。",
    "已联系当事人，约定明日现场处理。",
    "已上门走访，做通相关人员思想工作。",
    "已安排施工队，材料正在准备。",
    "处理过程中，预计本周内完成。",
)
_CO_PROGRESS = "{body}已到场报到，配合开展处置。"
_RESOLVE = (
    "已处理完毕，现场已恢复，附处理后照片。",
    "经调解双方达成一致，已签订协议。",
    "问题已整改到位，已向群众反馈。",
    "已维修完成，经现场检查正常。",
)
_HAND_BACK = (
    "经核实，该事项不属于本单位职责，请重新分派。",
    "该事项属属地管理范围，建议由镇街处置。",
)
_DISPATCH_NOTE = "经研判，转{body}办理。"
_SUMMON = "镇街吹哨：请{body}派员到场协同处置。"
_EXTEND = ("需协调多方，申请延期办理。", "材料采购需要时间，申请延期。")
_SUPERVISE = "超期未办结，请于{day}前办结并反馈。"
_ESCALATE = ("村级无法解决，上报镇街协调。", "涉及多个部门，需上级统筹处置。")
_REOPEN = ("问题没有彻底解决，群众不满意。", "处理后又出现同样问题，请重新处理。")
