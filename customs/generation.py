"""Weddings and funerals at county scale for benchmarks (deterministic for a seed and a moment ``now``): every
village's council (红白理事会, committees) and limits, and ``per_year`` events declared over the year — weddings,
funerals and other feasts, most within the limits, some declared late, some above the limits, the last weeks' still
waiting for the council or for their day.

What goes through the services: the council of a village that has none (``committees.services``, as the county
administrator). Written in bulk: the accounts that act (``registry.generation.bulk_accounts``: the village cadre
``vc<village code>``, the same account the incident and notice generators use), the limits (a ``LimitSet`` per village,
v1 from 1 January of the year before, a v2 in some villages from mid-year: the service refuses the county
administrator, and the version's ``made_at`` must lie before the declarations that keep it) and the events with the
timelines ``core.workflow`` would have written (``Timeline``): each event keeps the version in force for its day among
those set when it was declared, is late when declared fewer days ahead than that version asks, and its assessment
lists each figure above that version's limits. No audit events or notifications are written for the generated rows.

The first part of this module (``Timeline``, ``insert``, ``keeping``, ``seat_committee``, ``flag_time``) is shared
with the mutual-aid, honours and target-list generators, which import it from here."""

from __future__ import annotations

import contextlib
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.models import CaseEvent
from core import db
from core.calendar import WorkingCalendar
from core.workflow import OVERDUE, START, STAY, Deadline
from regions.models import Region, RegionLevel
from registry.generation import GenerationError  # noqa: F401 (the other registers import it from here)

CRON_MINUTES = 5  # run_deadlines runs every few minutes


# -- shared with the other registers' generators ------------------------------------------------------------------


def flag_time(deadline: datetime, salt: int = 0) -> datetime:
    """When the deadline run (every CRON_MINUTES) first finds ``deadline`` passed; ``salt`` spreads the seconds."""
    tick = CRON_MINUTES * 60
    seconds = math.floor(deadline.timestamp() / tick) * tick + tick
    return datetime.fromtimestamp(seconds, tz=UTC) + timedelta(seconds=salt % 50)


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def deadline_note(deadline: datetime) -> str:
    """The note the deadline run writes (core.workflow.deadlines), in the platform's language."""
    return _("The deadline (%(deadline)s) passed.") % {
        "deadline": date_format(timezone.localtime(deadline), "Y-m-d H:i")
    }


class Calendar(WorkingCalendar):
    """The county's working days with the deadline arithmetic memoised (it depends on the day only)."""

    def __init__(self, county):
        super().__init__(county)
        self._added: dict[tuple[date, int], datetime] = {}

    def add_working_days(self, start: datetime, n: int) -> datetime:
        key = (timezone.localtime(start).date(), n)
        if key not in self._added:
            self._added[key] = super().add_working_days(start, n)
        return self._added[key]


class Timeline:
    """A case's workflow columns and timeline played as ``core.workflow`` would leave them: ``start``, each ``step``
    (from one of its source states, the deadline of the new state on the county's calendar, the version counting the
    events, ``closed_at`` in a final state) and the deadline run's ``overdue`` flag when a deadline passed before the
    next act (``flag_until``). A flow's effects are the caller's: it sets the case's own columns beside each step."""

    def __init__(self, flow, case, calendar: WorkingCalendar, *, salt: int = 0):
        self.flow, self.case, self.calendar, self.salt = flow, case, calendar, salt
        self.events: list[dict] = []
        self.evidence: list[int] = []  # indexes of the events that carry the shared evidence file

    @property
    def last_at(self) -> datetime:
        return self.events[-1]["at"]

    def _event(self, name, frm, to, actor, at, note, data) -> None:
        assert not self.events or at >= self.last_at, (name, at, self.last_at)
        self.events.append(
            {
                "flow": self.flow.name,
                "transition": name,
                "from_state": frm,
                "to_state": to,
                "actor_id": getattr(actor, "pk", None),
                "actor_label": str(actor)[:150] if actor is not None else "",
                "at": at,
                "note": note,
                "data": data,
                "deadline_at": self.case.deadline_at,
            }
        )

    def flag_until(self, moment: datetime) -> None:
        """The deadline run's flag, if the case's deadline passed and a run came before ``moment``."""
        c = self.case
        if c.closed_at is not None or c.deadline_at is None or c.overdue:
            return
        if self.flow.states[c.state].on_overdue != "flag":
            return  # an escalation is a step the caller plays (system_step)
        at = flag_time(c.deadline_at, self.salt)
        if at < moment:
            c.overdue = True
            c.version += 1
            self._event(OVERDUE, c.state, c.state, None, at, deadline_note(c.deadline_at), self._deadline_data())

    def _deadline_data(self) -> dict:
        return {"deadline_at": utc_iso(self.case.deadline_at)}

    def start(self, at: datetime, actor, *, data=None, note: str = "") -> None:
        c, flow = self.case, self.flow
        initial = flow.states[flow.initial]
        c.flow, c.state, c.state_entered_at, c.opened_at = flow.name, flow.initial, at, at
        c.deadline_at = initial.deadline.due(at, self.calendar, c) if initial.deadline else None
        c.overdue, c.closed_at, c.version = False, None, 1
        self._event(START, "", flow.initial, actor, at, note, dict(data or {}))

    def step(self, name: str, at: datetime, actor, *, data=None, note: str = "", evidence: bool = False) -> None:
        self.flag_until(at)
        c, flow = self.case, self.flow
        tr = flow.transitions[name]
        frm = c.state
        assert frm in tr.source, (flow.name, name, frm)
        to = frm if tr.target == STAY else tr.target
        assert tr.deadline is None or isinstance(tr.deadline, Deadline), name
        if (tr.deadline is None and to != frm) or isinstance(tr.deadline, Deadline):
            rule = tr.deadline if tr.deadline is not None else flow.states[to].deadline
            c.deadline_at = rule.due(at, self.calendar, c) if rule is not None else None
            c.overdue = False
        if to != frm:
            c.state, c.state_entered_at = to, at
            c.closed_at = at if flow.is_final(to) else None
        c.version += 1
        if evidence:
            self.evidence.append(len(self.events))
        self._event(name, frm, to, actor, at, note, dict(data or {}))

    def system_step(self, name: str, at: datetime) -> None:
        """The escalation the deadline run takes itself (``on_overdue="escalate:<step>"``) at ``at``."""
        deadline = self.case.deadline_at
        self.step(name, at, None, data={"deadline_at": utc_iso(deadline)}, note=deadline_note(deadline))

    def event_rows(self, content_type_id: int) -> list[CaseEvent]:
        c = self.case
        return [
            CaseEvent(
                content_type_id=content_type_id,
                object_id=c.pk,
                county_id=c.county_id,
                township_id=c.township_id,
                village_id=c.village_id,
                **e,
            )
            for e in self.events
        ]


def insert(model, rows: list, batch_size: int = 2000) -> list:
    """bulk_create in batches; the rows get their ids (PostgreSQL, SQLite ≥ 3.35)."""
    model.objects.bulk_create(rows, batch_size=batch_size)
    assert all(r.pk for r in rows), "bulk_create must return the ids"
    return rows


def insert_timelines(model, timelines: list[Timeline]) -> tuple[int, int]:
    """The cases' events (after the cases were inserted) and the shared evidence file of the events that carry it.
    Returns (events, attachments)."""
    from casework.models import CaseAttachment

    content_type = ContentType.objects.get_for_model(model).pk
    events, carrying = [], []
    for t in timelines:
        rows = t.event_rows(content_type)
        carrying.extend(rows[i] for i in t.evidence)
        events.extend(rows)
    insert(CaseEvent, events, batch_size=5000)
    if carrying:
        name, size = shared_evidence()
        insert(
            CaseAttachment,
            [
                CaseAttachment(
                    event_id=e.pk, file=name, name="佐证材料.jpg", size=size, content_type="image/jpeg", thumbnail=""
                )
                for e in carrying
            ],
        )
    return len(events), len(carrying)


EVIDENCE_NAME = "casework/generated/evidence.jpg"


def shared_evidence() -> tuple[str, int]:
    """One photo every generated piece of evidence points at, written once."""
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image, ImageDraw

    if not default_storage.exists(EVIDENCE_NAME):
        image = Image.new("RGB", (800, 600), (245, 245, 240))
        ImageDraw.Draw(image).rectangle((40, 40, 760, 560), outline=(180, 30, 30), width=8)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=70)
        default_storage.save(EVIDENCE_NAME, ContentFile(out.getvalue()))
    return EVIDENCE_NAME, default_storage.size(EVIDENCE_NAME)


@contextlib.contextmanager
def keeping(model, *names):
    """Let bulk_create keep the given ``auto_now_add`` columns as set (a generated row made in the past)."""
    fields = [model._meta.get_field(n) for n in names]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def later(rng: random.Random, moment: datetime, working_days: int, calendar: WorkingCalendar) -> datetime:
    """A moment in office hours on the ``working_days``-th working day after ``moment`` (0: later the same day if
    there is time, else the next working day)."""
    day = timezone.localtime(moment).date()
    if working_days == 0 and timezone.localtime(moment).hour < 16 and calendar.is_working_day(day):
        return max(moment + timedelta(minutes=20), at(day, 9)) + timedelta(minutes=rng.randrange(0, 90))
    for _n in range(max(working_days, 1)):
        day = calendar.next_working_day(day)
    return at(day, rng.randint(8, 17), rng.randrange(0, 60))


def villages_of(county) -> list[Region]:
    return list(Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code"))


def cadres(county, villages: list[Region], *, seed: int) -> dict[int, object]:
    """The village cadre ``vc<village code>`` of each village (the incident and notice generators' account)."""
    from core.roles import Role
    from registry.generation import CountyGenerator, bulk_accounts

    names = CountyGenerator(seed=seed, county_name="", county_code=county.code)
    wanted = [
        (f"vc{v.code}", names.family_name() + names.given_name(names.rng.choice("MF")), Role.VILLAGE_CADRE, v.pk, None)
        for v in villages
    ]
    users, _fresh = bulk_accounts([(*w, None) for w in wanted])
    return {v.pk: users[f"vc{v.code}"] for v in villages}


def seat_committee(actor, village: Region, kind: str, *, chair=None, members=(), since: date, residents: int = 3):
    """The village's committee of ``kind`` through committees.services, unless it exists: ``chair`` (an account)
    in the chair, the accounts ``members`` and ``residents`` elders of the village (no account) as members.
    Returns the committee and whether it was made now."""
    from committees import services as committees
    from committees.models import Committee, Post
    from registry.models import Person

    found = Committee.objects.filter(village=village, kind=kind).first()
    if found is not None:
        return found, False
    committee = committees.committee_set(actor=actor, village=village, kind=kind)
    day = since.isoformat()
    if chair is not None:
        name = chair.display_name or chair.username
        committees.member_add(
            actor=actor, committee=committee, name=name, username=chair.username, post=Post.CHAIR, started_on=day
        )
    for user in members:
        name = user.display_name or user.username
        committees.member_add(actor=actor, committee=committee, name=name, username=user.username, started_on=day)
    elders = Person.objects.filter(village=village, is_deceased=False, birth_date__lt=date(1972, 1, 1))
    for n, person in enumerate(elders.order_by("pk")[:residents]):
        post = Post.CHAIR if chair is None and n == 0 else Post.MEMBER
        committees.member_add(
            actor=actor, committee=committee, name=person.name, person=person.pk, post=post, started_on=day
        )
    return committee, True


def pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


# -- weddings and funerals ----------------------------------------------------------------------------------------

# the seeds' numbers (≤ 30 tables, ≤ 200 yuan gifts, ≤ 8 cars, ≤ 10 bearers at ≤ 100 yuan, no troupes)
LIMITS = {
    "wedding": {
        "tables": 30,
        "table_cost": 800,
        "gift": 200,
        "days": 1,
        "performers": 0,
        "cars": 8,
        "bride_price": 50000,
    },
    "funeral": {
        "tables": 30,
        "table_cost": 600,
        "gift": 100,
        "days": 3,
        "performers": 0,
        "bearers": 10,
        "bearer_pay": 100,
    },
    "feast": {"tables": 10, "table_cost": 600, "gift": 100, "days": 1},
}
TIGHTER = {"tables": 20, "gift": 100}  # a village's second version from mid-year (移风易俗 again)
NOTICE = {"wedding": 7, "funeral": 0, "feast": 3}
KINDS = [("funeral", 45), ("wedding", 30), ("feast", 25)]
PLACES = ["自家院坝", "村九大碗院坝", "村文化广场", "村委会坝子", "镇上酒楼"]
ADVICE = [
    "建议宴席控制在标准以内，不请乐队，礼金不超过标准。",
    "建议减少婚车数量，婚事新办。",
    "建议丧事简办，缩短办理天数，不搞铺张。",
]
SEEN = ["现场按申报方案办理，秩序良好。", "理事会成员到场服务，桌数与申报一致。", "现场文明节俭，无大操大办。"]
OVER_SEEN = "现场桌数超出申报，已当场劝导。"


@dataclass
class Generated:
    events: int = 0
    timeline: int = 0
    limit_sets: int = 0
    committees: int = 0
    states: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)
    late: int = 0

    def summary(self) -> dict:
        return {
            "events": self.events,
            "case_events": self.timeline,
            "limit_sets": self.limit_sets,
            "councils_set_up": self.committees,
            "declared_late": self.late,
            "states": dict(sorted(self.states.items())),
            "results": dict(sorted(self.results.items())),
        }


def _plain(values: dict) -> dict:
    from customs import limits

    return {k: limits.plain(v) for k, v in values.items()}


def _limit_values(tighter: bool) -> dict:
    out = {}
    for kind, values in LIMITS.items():
        kind_values = dict(values)
        if tighter:
            kind_values.update({k: v for k, v in TIGHTER.items() if k in kind_values})
        out[kind] = _plain(kind_values)
    return out


def _plan(rng: random.Random, kind: str, limit: dict, over: bool) -> tuple[dict, dict]:
    """What the household declares and what the event came to (above one of the limits when ``over``)."""
    tables_limit = int(Decimal(limit.get("tables", "30")))
    tables = rng.randint(max(3, tables_limit // 3), tables_limit)
    plan = {"tables": tables, "table_cost": rng.choice([400, 500, 600]), "gift": rng.choice([50, 100]), "days": 1}
    if kind == "wedding":
        plan.update(cars=rng.randint(2, 8), bride_price=rng.choice([10000, 20000, 30000, 50000]))
    if kind == "funeral":
        plan.update(bearers=rng.randint(8, 10), bearer_pay=rng.choice([80, 100]), days=rng.choice([2, 3]))
    actual = {"tables": max(1, tables - rng.randint(0, 3)), "gift": plan["gift"], "days": plan["days"]}
    if kind == "wedding":
        actual["cars"] = plan["cars"]
    if kind == "funeral":
        actual["bearers"] = plan["bearers"]
    if over:
        key = rng.choice(["tables", "gift", "performers"] + (["cars"] if kind == "wedding" else []))
        if key == "tables":
            actual["tables"] = tables_limit + rng.randint(2, 12)
        elif key == "gift":
            actual["gift"] = int(Decimal(limit.get("gift", "100"))) + rng.choice([50, 100, 300])
        elif key == "performers":
            actual["performers"] = rng.randint(1, 2) if "performers" in limit else 0
            if "performers" not in limit:
                actual["tables"] = tables_limit + rng.randint(2, 12)
        else:
            actual["cars"] = int(Decimal(limit["cars"])) + rng.randint(2, 6)
    return plan, actual


def generate_events(
    county: Region, actor, *, seed: int = 1, per_year: int = 3000, year: int | None = None, now: datetime | None = None
) -> dict:
    """Councils, limits and ``per_year`` events of ``year`` (default: this year) up to ``now``; see the module."""
    from customs.models import Event

    if Event.objects.filter(county=county).exists():
        raise GenerationError(f"County {county.code} has weddings and funerals already.")
    now = now or timezone.now()
    year = year or timezone.localtime(now).year
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        result = _generate(county, actor, seed=seed, per_year=per_year, year=year, now=now)
    from customs.models import LimitSet

    db.refresh_statistics([Event, LimitSet, CaseEvent])
    return result.summary()


def _generate(county, actor, *, seed, per_year, year, now) -> Generated:
    from committees.models import CommitteeKind
    from customs import limits
    from customs.flows import CUSTOMS
    from customs.models import Event, LimitSet
    from registry.models import Household

    rng = random.Random(seed)
    result = Generated()
    calendar = Calendar(county)
    today = timezone.localtime(now).date()
    since = date(year - 1, 1, 1)
    villages = villages_of(county)
    if not villages:
        raise GenerationError(f"County {county.code} has no villages.")
    cadre = cadres(county, villages, seed=seed)
    for village in villages:
        _committee, made = seat_committee(
            actor, village, CommitteeKind.CUSTOMS_COUNCIL, members=[cadre[village.pk]], since=since
        )
        result.committees += made

    # the limits: v1 from 1 January of the year before; a tighter v2 in one village in ten from 1 July
    sets: dict[int, list] = {}
    rows = []
    existing = {s.village_id for s in LimitSet.objects.filter(county=county)}
    for village in villages:
        if village.pk in existing:
            continue
        made_at = at(since, 10)
        versions = [(1, since, made_at, False)]
        if rng.random() < 0.1:
            middle = date(year, 7, 1)
            versions.append((2, middle, at(middle - timedelta(days=14), 10), True))
        for version, effective, made, tighter in versions:
            row = LimitSet(
                version=version,
                effective_from=effective,
                values=_limit_values(tighter),
                notice_days=dict(NOTICE),
                basis="村规民约婚丧嫁娶简办条款，村民会议通过" if version == 1 else "村规民约修订，村民会议通过",
                made_by=actor,
                made_at=made,
                county_id=village.county_id,
                township_id=village.township_id,
                village_id=village.pk,
            )
            rows.append(row)
    with keeping(LimitSet, "made_at"):
        insert(LimitSet, rows)
    result.limit_sets = len(rows)
    for s in LimitSet.objects.filter(county=county).order_by("village_id", "version"):
        sets.setdefault(s.village_id, []).append(s)

    households: dict[int, list[tuple[int, str]]] = {}
    for pk, village_id, head in (
        Household.objects.filter(county=county)
        .order_by("village_id", "number")
        .values_list("pk", "village_id", "head_name")
    ).iterator(chunk_size=5000):
        households.setdefault(village_id, []).append((pk, head))
    weights = [len(households.get(v.pk, ())) for v in villages]
    if not any(weights):
        raise GenerationError(f"County {county.code} has no households.")

    first = date(year, 1, 1)
    # events of the year whose declaration lies before now; the last weeks' are declared for days ahead
    last_day = min(date(year, 12, 31), today + timedelta(days=45))
    span = (last_day - first).days + 1
    planned = []
    for _n in range(per_year):
        village = rng.choices(villages, weights)[0]
        kind = pick(rng, KINDS)
        day = first + timedelta(days=rng.randrange(span))
        late = kind != "funeral" and rng.random() < 0.08
        notice = NOTICE[kind]
        if kind == "funeral":
            ahead = rng.choice([0, 1, 1, 2])
        elif late:
            ahead = rng.randint(0, notice - 1)
        else:
            ahead = rng.randint(notice, notice + (40 if kind == "wedding" else 12))
        declared_day = day - timedelta(days=ahead)
        declared = at(declared_day, rng.randint(8, 19), rng.randrange(60))
        if declared >= now or declared_day < date(year - 1, 12, 1):
            continue
        planned.append((declared, village, kind, day, rng.random(), rng.getrandbits(32)))
    planned.sort(key=lambda p: (p[0], p[1].code))

    timelines, numbers = [], {}
    for index, (declared, village, kind, day, roll, salt) in enumerate(planned):
        r = random.Random(salt)
        household, head = r.choice(households[village.pk])
        versions = sets[village.pk]
        limit_set = None
        for s in versions:  # the version in force on the day, among those set when it was declared
            if s.effective_from <= day and s.made_at <= declared:
                limit_set = s
        notice = int(limit_set.notice_days.get(kind, 0)) if limit_set else 0
        over = r.random() < 0.08
        plan, actual = _plan(r, kind, limit_set.values.get(kind, {}) if limit_set else {}, over)
        budget = Decimal(plan["tables"] * plan["table_cost"] + r.randint(5, 40) * 1000)
        seq = numbers[day.year] = numbers.get(day.year, 0) + 1
        event = Event(
            number=f"HB{county.code}-{day.year}-{seq:05d}",
            household_id=household,
            kind=kind,
            host=head or "户主",
            event_date=day,
            place=r.choice(PLACES),
            plan=_plain({k: v for k, v in plan.items() if kind in limits.BY_KEY[k].kinds}),
            budget=budget,
            limits=limit_set,
            declared_late=(day - timezone.localtime(declared).date()).days < notice,
            declared_by_id=cadre[village.pk].pk,
            on_behalf=True,
            county_id=village.county_id,
            township_id=village.township_id,
            village_id=village.pk,
        )
        member = cadre[village.pk]  # a village cadre handles the council's steps (and sits on the council)
        t = Timeline(CUSTOMS, event, calendar, salt=index)
        t.start(declared, cadre[village.pk], data={"kind": kind, "event_date": day.isoformat(), **event.plan})
        _play(t, r, event, member, day, actual, roll, now, limits)
        t.flag_until(now)
        timelines.append(t)
        result.late += event.declared_late
        result.states[event.state] = result.states.get(event.state, 0) + 1
        if event.result:
            result.results[event.result] = result.results.get(event.result, 0) + 1
    events = [t.case for t in timelines]
    insert(Event, events)
    result.events = len(events)
    result.timeline, _attachments = insert_timelines(Event, timelines)
    return result


def _play(t: Timeline, r: random.Random, event, member, day: date, actual: dict, roll: float, now, limits) -> None:
    """The council's answer, the day's supervision and the assessment, as far as ``now``."""
    calendar = t.calendar
    wait = 0 if event.kind == "funeral" or r.random() < 0.5 else (1 if r.random() < 0.9 else 3)
    answered = later(r, t.last_at, wait, calendar)
    if roll < 0.02 and answered < now:  # withdrawn before the council answered
        t.step("withdraw", answered, member)
        return
    if answered >= now:
        t.flag_until(now)
        return
    if r.random() < 0.15:
        event.advice = r.choice(ADVICE)
        t.step("advise", answered, member, data={"advice": event.advice})
    else:
        t.step("acknowledge", answered, member)
    if roll < 0.03:  # withdrawn after it was registered (postponed, called off)
        moment = later(r, answered, 2, calendar)
        if moment < now and moment.date() < day:
            t.step("withdraw", moment, member)
        return
    seen_at = at(day, r.randint(11, 14), r.randrange(60))
    if seen_at < t.last_at:
        seen_at = t.last_at + timedelta(minutes=30)
    supervised = r.random() < 0.75
    if supervised:
        if seen_at >= now:
            return
        over = bool(limits.breaches(event.limits.values if event.limits else None, event.kind, _plain(actual)))
        seen = {k: v for k, v in actual.items() if k in ("tables", "cars", "bearers", "performers")}
        event.observed = _plain(seen)
        t.step(
            "supervise",
            seen_at,
            member,
            data={**{f"seen_{k}": v for k, v in seen.items()}, "seen": OVER_SEEN if over else r.choice(SEEN)},
        )
    # the assessment: within the 5 working days of 待评估 mostly, sometimes late (flagged first)
    start = max(seen_at if supervised else at(day, 20), t.last_at)
    assessed = later(r, start, r.choice([1, 1, 2, 3, 4]) if r.random() < 0.93 else 8, calendar)
    if assessed >= now:
        t.flag_until(now)
        return
    cost = Decimal(event.budget) - Decimal(r.randint(0, 12) * 1000)
    if r.random() < 0.1:
        cost = Decimal(event.budget) + Decimal(r.randint(1, 5) * 1000)
    cost = max(cost, Decimal(1000))
    event.actual = _plain(actual)
    event.actual_cost = cost.quantize(Decimal("0.01"))
    found = limits.breaches(event.limits.values if event.limits_id else None, event.kind, event.actual)
    event.breaches = [b.__dict__ for b in found]
    event.result = "breach" if found else "within"
    event.assessed_on = timezone.localtime(assessed).date()
    data = {f"actual_{k}": (f"{Decimal(str(v)):.2f}" if limits.BY_KEY[k].money else int(v)) for k, v in actual.items()}
    data["actual_cost"] = f"{event.actual_cost:.2f}"
    t.step("assess", assessed, member, data=data)
