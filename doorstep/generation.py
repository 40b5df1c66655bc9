"""Service requests at county scale for the benchmarks (bench/doorstep.py): ``per_year`` requests made over a year
in a county made by ``generate_county``, deterministic for a seed and a moment ``now``.

What it creates when the county has none: the default catalogue (``doorstep.defaults.install``, admitted on the
1st of January of the year), the service agents (one or two per village: the grid worker of the village's first
grid, ``gw<grid code>`` as the incident generator names them, and in every other village a volunteer
``ag<village code>v`` living there) with their accounts made in bulk (``registry.generation.bulk_accounts``: no
usable password), and a cadre account ``vc<village code>`` for a village's counter when it has no cadre.

The requests are written **in bulk**, bypassing ``core.workflow`` (one locked transaction per step would take
hours): ``bulk_create`` does not call ``CaseBase.save()``, so it is the one path that can insert a case with its
workflow columns set. Each request is lived through by ``_Life`` with the procedure's own rules
(``doorstep.flows.DOORSTEP``: each state's deadline on the county's working-day calendar, the time limit of the
item's version for handling and again after a redo, the 5-working-day rating window after which the deadline
run rates it for the villager, the revisit), cut at ``now``: what would happen later has not happened, so the
recent requests are open or waiting for their rating as they would be. Shares (per request): ≈ 70 % village
items, 25 % township, 5 % county; 90 % of completions on time; 85 % rated 满意/基本满意 by the villager (the rest
left to the revisit); 3 % redone once (不满意); 5 % still open whatever their age (a backlog), 1 % not accepted,
1 % withdrawn. The timelines (CaseEvent) are not written: the figures and the queue read none, and a request's
page shows an empty timeline. No audit events. A year that has requests in the county already is refused.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.calendar import WorkingCalendar
from core.roles import Role
from doorstep.flows import DOORSTEP
from doorstep.models import Agent, AgentKind, Channel, Consent, Item, Level, Rating, ServiceRequest
from regions.models import Grid, Region, RegionLevel

LEVEL_SHARES = {Level.VILLAGE: 70, Level.TOWNSHIP: 25, Level.COUNTY: 5}
ON_TIME = 0.90
RATED_SATISFIED = 0.85  # the villager rates it 满意 or 基本满意; the rest do not rate it in time
BASIC_AMONG_SATISFIED = 0.25
REDONE = 0.03
STILL_OPEN = 0.05
DECLINED = 0.01
WITHDRAWN = 0.01
UPSTREAM_VILLAGE = 0.08  # a village item handed upstream anyway
REVISITED = 0.92  # of those rated, revisited (closed) once the revisit is due
CRON = timedelta(minutes=5)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英德明桂芳志强丽华海燕文军红梅春生玉兰永福"


class GenerationError(Exception):
    """The generator refuses (no county, no catalogue, a year already generated)."""


@dataclass
class GenerationResult:
    requests: int = 0
    agents_created: int = 0
    accounts_created: int = 0
    catalogue_installed: dict = field(default_factory=dict)
    states: dict = field(default_factory=dict)


class _Calendar(WorkingCalendar):
    """The county's working days with the deadline arithmetic memoised (it depends on the day and hour only)."""

    def __init__(self, county):
        super().__init__(county)
        self._added: dict = {}

    def add_working_days(self, start: datetime, n: int) -> datetime:
        local = timezone.localtime(start)
        key = (local.date(), local.time() >= time(18), n)
        found = self._added.get(key)
        if found is None:
            found = self._added[key] = super().add_working_days(start, n)
        return found


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


# -- what the requests need -----------------------------------------------------------------------------------


def _catalogue(county: Region, year: int, items) -> tuple[list, dict]:
    """The items to draw from (in force, not certificates: a certificate is issued from the registry on
    completion, which this generator does not do), grouped by level; installs the default catalogue if the county
    has none."""
    installed = {}
    if items is None:
        if not Item.objects.filter(county=county).exists():
            from doorstep import defaults

            installed = defaults.install(county, today=date(year, 1, 1))
        items = Item.objects.filter(county=county, current__isnull=False, certificate__isnull=True)
    items = [i for i in items if i.current_id and not i.certificate_id and i.retired_on is None]
    by_level: dict[str, list] = {}
    for item in sorted(items, key=lambda i: (i.order, i.code)):
        by_level.setdefault(item.current.level, []).append(item)
    if not by_level:
        raise GenerationError(f"County {county.code} has no service item to request.")
    return by_level, installed


def ensure_agents(county: Region, villages: list[Region], *, seed: int) -> tuple[dict[int, list], int, int]:
    """The agents serving each village: the county's own when it has any; else one or two per village created
    here (a grid worker of the village's first grid, and in every other village a volunteer living there), with
    accounts made in bulk. Returns ({village id: [(agent id, user id)]}, agents created, accounts created)."""
    from registry.generation import bulk_accounts
    from registry.models import Household

    created = accounts = 0
    if not Agent.objects.filter(county=county).exists():
        rng = random.Random(seed * 7919 + 11)
        first_grid = {}
        for grid in (
            Grid.objects.filter(county=county, is_active=True).order_by("code").values("pk", "code", "village_id")
        ):
            first_grid.setdefault(grid["village_id"], grid)
        homes = {}
        for h in Household.objects.filter(county=county).order_by("village_id", "number").values("pk", "village_id"):
            homes.setdefault(h["village_id"], h["pk"])
        wanted, posts = [], []
        for n, village in enumerate(villages):
            grid = first_grid.get(village.pk)
            if grid is not None:
                username = f"gw{grid['code']}"
                name = _name(rng)
                wanted.append((username, name, Role.GRID_WORKER, village.pk, grid["pk"], None))
                posts.append((username, name, AgentKind.GRID_WORKER, village))
            if (grid is None or n % 2 == 0) and village.pk in homes:
                username = f"ag{village.code}v"
                name = _name(rng)
                wanted.append((username, name, Role.VILLAGER, village.pk, None, homes[village.pk]))
                posts.append((username, name, AgentKind.VOLUNTEER, village))
        users, fresh = bulk_accounts(wanted)
        accounts = len(fresh)
        rows = Agent.objects.bulk_create(
            [
                Agent(
                    county_id=county.pk,
                    township_id=village.township_id,
                    user=users[username],
                    name=name,
                    kind=kind,
                )
                for username, name, kind, village in posts
            ],
            batch_size=2000,
        )
        if connection.vendor != "postgresql":
            rows = list(Agent.objects.filter(county=county).order_by("pk"))
        through = Agent.villages.through
        through.objects.bulk_create(
            [through(agent_id=row.pk, region_id=village.pk) for row, (*_r, village) in zip(rows, posts, strict=True)],
            batch_size=2000,
        )
        created = len(rows)
    serving: dict[int, list] = {}
    through = Agent.villages.through
    for agent_id, region_id, user_id in (
        through.objects.filter(agent__county=county, agent__active=True)
        .values_list("agent_id", "region_id", "agent__user_id")
        .order_by("agent_id", "region_id")
    ):
        serving.setdefault(region_id, []).append((agent_id, user_id))
    return serving, created, accounts


def ensure_cadres(county: Region, villages: list[Region]) -> tuple[dict[int, int], int]:
    """The account that records a request at each village's counter: the village's first cadre, or a cadre
    ``vc<village code>`` made in bulk (the incident generator's name for the same account)."""
    from accounts.models import RoleAssignment
    from registry.generation import bulk_accounts

    found = {}
    for region_id, user_id in (
        RoleAssignment.objects.filter(role=Role.VILLAGE_CADRE, region__in=villages)
        .order_by("region_id", "pk")
        .values_list("region_id", "user_id")
    ):
        found.setdefault(region_id, user_id)
    missing = [v for v in villages if v.pk not in found]
    created = 0
    if missing:
        users, fresh = bulk_accounts(
            [(f"vc{v.code}", f"{v.name}村干部", Role.VILLAGE_CADRE, v.pk, None, None) for v in missing]
        )
        created = len(fresh)
        for v in missing:
            found[v.pk] = users[f"vc{v.code}"].pk
    return found, created


# -- one request, lived through -------------------------------------------------------------------------------


class _Cut(Exception):
    """The next step would come after ``now``: the request stays where it is."""


class _Life:
    """Plays the procedure's steps on an unsaved request with the engine's rules, stopping at ``now``."""

    def __init__(self, case: ServiceRequest, calendar, now: datetime):
        self.case, self.calendar, self.now = case, calendar, now
        self.case.version = 0

    def enter(self, state: str, at: datetime) -> None:
        if at > self.now:
            raise _Cut()
        case = self.case
        case.state, case.state_entered_at = state, at
        rule = DOORSTEP.states[state].deadline
        case.deadline_at = rule.due(at, self.calendar, case) if rule is not None else None
        case.closed_at = at if DOORSTEP.is_final(state) else None
        case.version += 1

    def stay(self, at: datetime) -> None:
        if at > self.now:
            raise _Cut()
        self.case.version += 1

    def finish(self) -> None:
        """The deadline run's flag on a request whose deadline passed (once)."""
        case = self.case
        if case.closed_at is None and case.deadline_at is not None and case.deadline_at + CRON <= self.now:
            case.overdue = True
            case.version += 1


def _hours(rng, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


def _live(rng, life: _Life, *, taker: tuple) -> None:
    """The request's steps: made, [not accepted | materials asked and handed in | withdrawn], taken (接件, by
    ``taker``: (agent id or None, handler's account)), [handed upstream, result back], completed, [不满意 → redone,
    completed again], rated (or rated by the deadline run), revisited."""
    case = life.case
    opened = case.opened_at
    life.enter("submitted", opened)
    roll = rng.random()
    if roll < DECLINED:
        life.enter("declined", opened + _hours(rng, 1, 20))
        return
    if rng.random() < 0.04:  # materials missing: asked for all at once, handed in a few days later
        life.enter("incomplete", opened + _hours(rng, 0.5, 6))
        life.enter("submitted", case.state_entered_at + _hours(rng, 20, 96))
    if roll < DECLINED + WITHDRAWN:
        life.enter("withdrawn", case.state_entered_at + _hours(rng, 2, 60))
        return
    stuck = roll < DECLINED + WITHDRAWN + STILL_OPEN
    if stuck and rng.random() < 0.3:
        return  # never taken yet
    taken = case.state_entered_at + _hours(rng, 0.3, 20)
    life.enter("handling", taken)
    case.agent_id, case.handler_id = taker
    if case.level != Level.VILLAGE or rng.random() < UPSTREAM_VILLAGE:
        life.stay(taken + _hours(rng, 1, 30))  # hand_up (递交上级)
        case.went_upstream = True
        case.upstream_office = case.item_version.upstream_office or "县政务服务中心"
    if stuck:
        return
    redo = rng.random() < REDONE
    for turn in range(2 if redo else 1):
        start, deadline = case.state_entered_at, case.deadline_at
        if case.went_upstream and turn == 0:
            life.stay(start + (deadline - start) * rng.uniform(0.2, 0.6))  # result_back (结果返回)
        if rng.random() < ON_TIME:
            done = start + (deadline - start) * rng.uniform(0.15, 0.98)
        else:
            done = deadline + _hours(rng, 2, 24 * 8)
        life.enter("completed", done)
        case.completed_at, case.completed_on_time = done, done <= deadline
        case.result = "已办结，结果已告知申请人。"
        if turn == 0 and redo:  # 不满意: sent back to be redone (返工), a new time limit
            life.enter("handling", done + _hours(rng, 4, 72))
            case.rating, case.redo_count = Rating.UNSATISFIED, case.redo_count + 1
            case.completed_at = case.completed_on_time = None
    completed_deadline = case.deadline_at
    if rng.random() < RATED_SATISFIED:
        rated_at = case.completed_at + _hours(rng, 1, 80)
        if rated_at >= completed_deadline:
            rated_at = case.completed_at + (completed_deadline - case.completed_at) * 0.5
        life.enter("rated", rated_at)
        case.rating = Rating.BASIC if rng.random() < BASIC_AMONG_SATISFIED else Rating.SATISFIED
    else:  # not rated in time: the deadline run rates it for the villager, the revisit asks
        life.enter("rated", completed_deadline + CRON)
        case.rating = ""
    if rng.random() < REVISITED:
        revisit = case.state_entered_at + _hours(rng, 24, 24 * 30)
        if revisit > case.deadline_at and rng.random() < 0.7:
            revisit = case.state_entered_at + (case.deadline_at - case.state_entered_at) * rng.uniform(0.2, 0.95)
        life.enter("closed", revisit)
        case.revisited_at = revisit
        case.rating = case.rating or (Rating.BASIC if rng.random() < BASIC_AMONG_SATISFIED else Rating.SATISFIED)


def _opened(rng, first: date, span: int, tz) -> datetime:
    """A moment in the period: mostly working hours on weekdays, some at weekends and evenings (8小时外)."""
    while True:
        day = first + timedelta(days=rng.randrange(span))
        if day.weekday() < 5 or rng.random() < 0.3:
            break
    hour = rng.choices([8, 9, 10, 11, 14, 15, 16, 17, 19, 20], [6, 14, 16, 12, 12, 14, 12, 6, 4, 4])[0]
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tz)


# -- the run --------------------------------------------------------------------------------------------------


@transaction.atomic
def generate(
    county: Region,
    *,
    per_year: int,
    year: int,
    seed: int = 1,
    now: datetime | None = None,
    items=None,
    batch_size: int = 2000,
) -> GenerationResult:
    """``per_year`` requests made in ``year`` (up to ``now``) in the county's villages, lived through to ``now``.
    ``items``: the items to draw from (default: the county's catalogue, installed when it has none)."""
    from registry.models import Person

    if county is None or county.level != RegionLevel.COUNTY:
        raise GenerationError("Choose a county.")
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    first = date(year, 1, 1)
    last = min(date(year, 12, 31), timezone.localtime(now).date())
    if last < first:
        raise GenerationError(f"{year} has not begun.")
    prefix = f"{county.code}-{year}-"
    if ServiceRequest.objects.filter(county=county, number__startswith=prefix).exists():
        raise GenerationError(f"County {county.code} has service requests in {year} already.")
    result = GenerationResult()
    by_level, result.catalogue_installed = _catalogue(county, year, items)
    villages = list(Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code"))
    people = list(
        Person.objects.filter(county=county, is_deceased=False)
        .order_by("pk")
        .values_list("pk", "household_id", "village_id", "township_id", "user_id")
    )
    if not people:
        raise GenerationError(f"County {county.code} has no residents to make requests.")
    serving, result.agents_created, accounts = ensure_agents(county, villages, seed=seed)
    cadres, cadre_accounts = ensure_cadres(county, villages)
    result.accounts_created = accounts + cadre_accounts

    rng = random.Random(seed)
    calendar = _Calendar(county.pk)
    span = (last - first).days + 1
    levels = [lvl for lvl in LEVEL_SHARES if by_level.get(lvl)]
    weights = [LEVEL_SHARES[lvl] for lvl in levels]
    consents = [Consent.SIGNED, Consent.IN_PERSON, Consent.IN_PERSON, Consent.PHONE, Consent.GUARDIAN]
    rows = []
    for _i in range(per_year):
        person_id, household_id, village_id, township_id, user_id = people[rng.randrange(len(people))]
        level = rng.choices(levels, weights)[0]
        pool = by_level[level]
        item = pool[min(int(rng.expovariate(1 / max(1, len(pool) / 3))), len(pool) - 1)]  # a few items are most asked
        version = item.current
        opened = _opened(rng, first, span, tz)
        if opened > now:  # later today than the moment the data ends at
            opened = now - timedelta(minutes=1 + rng.randrange(30))
        agents = serving.get(village_id) or []
        agent = agents[rng.randrange(len(agents))] if agents and version.agent_may else None
        if user_id and version.online and rng.random() < 0.5:
            channel, recorder, on_behalf, consent = Channel.PHONE, user_id, False, ""
        elif agent is not None and rng.random() < 0.6:
            channel, recorder, on_behalf, consent = Channel.AGENT, agent[1], True, rng.choice(consents)
        else:
            channel, recorder, on_behalf, consent = Channel.COUNTER, cadres[village_id], True, rng.choice(consents)
        agent_takes = agent is not None and (channel == Channel.AGENT or rng.random() < 0.5)
        case = ServiceRequest(
            county_id=county.pk,
            township_id=township_id,
            village_id=village_id,
            flow=DOORSTEP.name,
            item=item,
            item_version=version,
            level=version.level,
            time_limit_days=version.time_limit_days,
            household_id=household_id,
            person_id=person_id,
            applicant_id=user_id,
            channel=channel,
            recorded_by_id=recorder,
            on_behalf=on_behalf,
            consent=consent,
            opened_at=opened,
        )
        life = _Life(case, calendar, now)
        taker = (agent[0], agent[1]) if agent_takes else (None, cadres[village_id])
        try:
            _live(rng, life, taker=taker)
        except _Cut:
            pass
        life.finish()
        rows.append(case)
        result.states[case.state] = result.states.get(case.state, 0) + 1
    rows.sort(key=lambda c: (c.opened_at, c.person_id))
    for seq, case in enumerate(rows, start=1):
        case.number = f"{prefix}{seq:06d}"
    ServiceRequest.objects.bulk_create(rows, batch_size=batch_size)
    # created_at ("submitted at") is set by auto_now_add on insert: the moment the request was made instead
    ServiceRequest.objects.filter(county=county, number__startswith=prefix).update(created_at=F("opened_at"))
    result.requests = len(rows)
    return result
