"""Figures of services on the doorstep (SPEC §8: 办件量, 按期办结率, 小事不出村, 满意率, 返工, 代办员工作量) for a
period and a place: a county by township, a township by village, or one village. Every number is counted by the
database from the requests (aggregates only, three grouped statements: by place and level, by item, by agent);
nothing is typed and nothing is counted row by row in Python. The definitions are DEFINITIONS below (the page,
the .xlsx and the API show them).

The requests counted are those **made in the period** (by the day they were made, Asia/Shanghai) in the place,
inside the actor's scope for ``Action.SERVICE_FIGURES``. Agents are listed by name with their workload; they are
never ranked, and nothing here reads log-ins or time online (SPEC §12).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.errors import NotFound
from core.roles import Action
from doorstep.flows import DOORSTEP
from doorstep.models import Agent, AgentKind, Item, Level, Rating, ServiceRequest
from regions.models import Region, RegionLevel

OPEN_STATES = ("submitted", "incomplete", "handling")
SATISFIED = (Rating.SATISFIED, Rating.BASIC)
CACHE_SECONDS = 300  # the page counts a person's figures for a period and place at most every five minutes

# the counts behind every figure, in this order everywhere (the ORM, the benchmark's SQL floor, the xlsx)
COUNTS = (
    "made",
    "village_level",
    "township_level",
    "county_level",
    "completed",
    "on_time",
    "in_village",
    "rated",
    "satisfied",
    "redone",
    "redos",
    "open",
    "overdue",
    "declined",
    "withdrawn",
)

# (key, column heading) of the counts shown as columns
COLUMNS = [
    ("made", gettext_lazy("Requests made")),
    ("village_level", gettext_lazy("Village level")),
    ("township_level", gettext_lazy("Township level")),
    ("county_level", gettext_lazy("County level")),
    ("completed", gettext_lazy("Completed")),
    ("on_time", gettext_lazy("Completed on time")),
    ("in_village", gettext_lazy("Done inside the village")),
    ("rated", gettext_lazy("Requests rated")),
    ("satisfied", gettext_lazy("Satisfied or basically satisfied")),
    ("redone", gettext_lazy("Requests redone")),
    ("redos", gettext_lazy("Times redone")),
    ("open", gettext_lazy("Open now")),
    ("overdue", gettext_lazy("Overdue now")),
    ("declined", gettext_lazy("Not accepted")),
    ("withdrawn", gettext_lazy("Withdrawn")),
]

# (key, label, numerator, denominator)
RATES = [
    ("on_time_rate", gettext_lazy("On-time completion rate"), "on_time", "completed"),
    ("in_village_share", gettext_lazy("Share done inside the village (小事不出村)"), "in_village", "completed"),
    ("satisfaction", gettext_lazy("Satisfaction rate"), "satisfied", "rated"),
    ("redone_share", gettext_lazy("Share of requests redone"), "redone", "made"),
]

AGENT_COLUMNS = [
    ("taken", gettext_lazy("Taken")),
    ("completed", gettext_lazy("Completed")),
    ("on_time", gettext_lazy("Completed on time")),
    ("open", gettext_lazy("Open now")),
    ("overdue", gettext_lazy("Overdue now")),
    ("redone", gettext_lazy("Requests redone")),
]

DEFINITIONS = [
    (
        gettext_lazy("Requests counted"),
        gettext_lazy(
            "The service requests made in the period (by the day they were made) in the place shown, that you may "
            "count. Every figure below is of these requests, as they stand now."
        ),
    ),
    (
        gettext_lazy("By level"),
        gettext_lazy(
            "The level of the catalogue version the request started on: village service room, township service "
            "centre or county government service centre."
        ),
    ),
    (
        gettext_lazy("Completed"),
        gettext_lazy(
            "Requests the handler has completed (办结), whether or not the villager has rated them yet. A request "
            "sent back to be redone counts again only when it is completed again."
        ),
    ),
    (
        gettext_lazy("On-time completion rate"),
        gettext_lazy(
            "Requests completed by their deadline (the item's time limit in working days, counted from when the "
            "request was taken, or from the redo) ÷ requests completed."
        ),
    ),
    (
        gettext_lazy("Share done inside the village (小事不出村)"),
        gettext_lazy(
            "Completed requests for village-level items that were not handed to an office upstream ÷ all "
            "completed requests."
        ),
    ),
    (
        gettext_lazy("Satisfaction rate"),
        gettext_lazy(
            "Requests whose latest rating (the villager's, or the answer at the monthly revisit) is satisfied or "
            "basically satisfied ÷ requests with a rating. A request being redone carries its 'not satisfied' "
            "until it is rated again."
        ),
    ),
    (
        gettext_lazy("Requests redone (返工)"),
        gettext_lazy(
            "Requests sent back at least once because the villager was not satisfied (when rating or at the "
            "revisit); times redone adds every redo. Share of requests redone = requests redone ÷ requests made."
        ),
    ),
    (
        gettext_lazy("Open now / overdue now"),
        gettext_lazy(
            "Requests still waiting to be taken, waiting for materials or being handled; overdue = of those, the "
            "ones past their deadline now."
        ),
    ),
    (
        gettext_lazy("Agent workload"),
        gettext_lazy(
            "Per agent (代办员), the requests of the place in the period that they took: completed, on time, still "
            "open, overdue, redone. Agents are listed by name, not ranked; log-ins and time online are not "
            "counted (SPEC §12)."
        ),
    ),
]


def count_expressions(now: datetime) -> dict:
    """Each count as an aggregate expression (COUNT … FILTER (WHERE …) on PostgreSQL)."""
    completed = Q(completed_at__isnull=False)
    still_open = Q(state__in=OPEN_STATES)
    return {
        "made": Count("pk"),
        "village_level": Count("pk", filter=Q(level=Level.VILLAGE)),
        "township_level": Count("pk", filter=Q(level=Level.TOWNSHIP)),
        "county_level": Count("pk", filter=Q(level=Level.COUNTY)),
        "completed": Count("pk", filter=completed),
        "on_time": Count("pk", filter=completed & Q(completed_on_time=True)),
        "in_village": Count("pk", filter=completed & Q(level=Level.VILLAGE, went_upstream=False)),
        "rated": Count("pk", filter=~Q(rating="")),
        "satisfied": Count("pk", filter=Q(rating__in=SATISFIED)),
        "redone": Count("pk", filter=Q(redo_count__gt=0)),
        "redos": Sum("redo_count"),
        "open": Count("pk", filter=still_open),
        "overdue": Count("pk", filter=still_open & (Q(overdue=True) | Q(deadline_at__lt=now))),
        "declined": Count("pk", filter=Q(state="declined")),
        "withdrawn": Count("pk", filter=Q(state="withdrawn")),
    }


def agent_expressions(now: datetime) -> dict:
    exprs = count_expressions(now)
    return {
        "taken": exprs["made"],
        "completed": exprs["completed"],
        "on_time": exprs["on_time"],
        "open": exprs["open"],
        "overdue": exprs["overdue"],
        "redone": exprs["redone"],
    }


def _zero(keys=COUNTS) -> dict:
    return dict.fromkeys(keys, 0)


@dataclass
class Row:
    """The figures of one place, level or item (or of the total)."""

    key: object
    label: str
    counts: dict = field(default_factory=_zero)
    code: str = ""
    note: str = ""

    @property
    def rates(self) -> dict:
        return {key: rate(self.counts[num], self.counts[den]) for key, _label, num, den in RATES}

    @property
    def rate_cells(self) -> list[float | None]:
        """The rates in the order of RATES (for the page)."""
        rates = self.rates
        return [rates[key] for key, *_rest in RATES]

    @property
    def rate_pairs(self) -> list[tuple]:
        """(label, rate) in the order of RATES (for the page's summary)."""
        return [(label, value) for (_key, label, _n, _d), value in zip(RATES, self.rate_cells, strict=True)]

    @property
    def count_cells(self) -> list[int]:
        """The counts in the order of COLUMNS (for the page)."""
        return [self.counts[key] for key, _label in COLUMNS]

    def add(self, counts: dict) -> None:
        for name in COUNTS:
            self.counts[name] += counts.get(name) or 0


@dataclass
class AgentRow:
    key: int
    name: str
    kind: str
    township: str
    active: bool
    counts: dict = field(default_factory=lambda: _zero([k for k, _l in AGENT_COLUMNS]))
    kind_label: str = ""

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.counts["on_time"], self.counts["completed"])

    @property
    def count_cells(self) -> list[int]:
        return [self.counts[key] for key, _label in AGENT_COLUMNS]


@dataclass
class Figures:
    region: Region
    by: str  # "township", "village" or "" (one village)
    start: date
    end: date
    rows: list[Row]
    levels: list[Row]
    items: list[Row]
    agents: list[AgentRow]
    total: Row
    counted_at: datetime

    @property
    def by_label(self) -> str:
        return {"township": _("Township"), "village": _("Village")}.get(self.by, _("Village"))


def rate(num: int, den: int) -> float | None:
    """A share in per cent, None (shown "—") when there is nothing to divide by."""
    return num / den * 100 if den else None


# -- the period and the place ---------------------------------------------------------------------------------


def period(data) -> tuple[date, date]:
    """The period asked for (?start=&end=, YYYY-MM-DD): this year so far by default; a wrong value falls back to
    its default and a reversed period is turned round, as mediation's statistics do (never an error)."""
    from mediation.statistics import period as mediation_period

    start, end, _by = mediation_period({"start": data.get("start") or "", "end": data.get("end") or ""})
    return start, end


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware moments [from, to) of the days: an index range on opened_at, no cast of the column."""
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def may_count(actor) -> bool:
    return scope.can(actor, Action.SERVICE_FIGURES)


def _grant_regions(actor) -> list[int]:
    """The places of the actor's SERVICE_FIGURES grants, the widest first."""
    order = {"county": 0, "township": 1, "village": 2}
    found = [g for g in scope.grants_for(actor, Action.SERVICE_FIGURES) if g.level in order]
    found.sort(key=lambda g: order[g.level])
    return list(dict.fromkeys(g.target_id for g in found))


def regions(actor) -> list[Region]:
    """The places the actor may pick: their own (county, township or village) and, under a county, its
    townships, under a township, its villages."""
    own = _grant_regions(actor)
    if not own:
        return []
    rows = Region.objects.filter(
        Q(pk__in=own) | Q(parent_id__in=own, level__in=(RegionLevel.TOWNSHIP, RegionLevel.VILLAGE))
    ).order_by("code")
    return [r for r in rows if r.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)]


def region(actor, raw=None) -> Region:
    """The place asked for (an id), or the actor's widest place. NotFound outside the actor's scope."""
    from core.params import id_param

    pk = id_param(raw)
    if pk is None:
        own = _grant_regions(actor)
        if not own:
            raise NotFound()
        pk = own[0]
    found = Region.objects.filter(
        pk=pk, level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
    ).first()
    if found is None or not scope.region_in_scope(actor, Action.SERVICE_FIGURES, found):
        raise NotFound()
    return found


def requests_in(actor, place: Region, start: date, end: date):
    """The requests made in the period in the place that the actor may count."""
    low, high = bounds(start, end)
    column = {"county": "county_id", "township": "township_id", "village": "village_id"}[place.level]
    return ServiceRequest.objects.filter(
        scope.scope_q(actor, Action.SERVICE_FIGURES, ServiceRequest),
        flow=DOORSTEP.name,
        opened_at__gte=low,
        opened_at__lt=high,
        **{column: place.pk},
    )


# -- the figures ----------------------------------------------------------------------------------------------


def figures(actor, place: Region, *, start: date, end: date, now: datetime | None = None) -> Figures:
    """The figures of the requests made from ``start`` to ``end`` in ``place``: by township (a county), by
    village (a township) or the village itself; by level, by item, and the agents' workload."""
    now = now or timezone.now()
    cohort = requests_in(actor, place, start, end).order_by()
    by = {"county": "township", "township": "village"}.get(place.level, "")
    unit = f"{by}_id" if by else "village_id"
    counts = count_expressions(now)
    prefixed = {f"n_{k}": v for k, v in counts.items()}  # several counts share a name with a column

    # 1. by place and level: the place rows, the level rows and the total
    per_place: dict[int, dict] = {}
    per_level: dict[str, dict] = {}
    for values in cohort.values(unit, "level").annotate(**prefixed):
        found = {k: values[f"n_{k}"] or 0 for k in COUNTS}
        for bucket, key in ((per_place, values[unit]), (per_level, values["level"])):
            target = bucket.setdefault(key, _zero())
            for k in COUNTS:
                target[k] += found[k]
    if by:
        children = Region.objects.filter(parent_id=place.pk, level=by).values_list("pk", "code", "name")
        units = {pk: (code, name) for pk, code, name in children}
        missing = set(per_place) - set(units)
        if missing:
            units.update(
                {
                    pk: (code, name)
                    for pk, code, name in Region.objects.filter(pk__in=missing).values_list("pk", "code", "name")
                }
            )
    else:
        units = {place.pk: (place.code, place.name)}
    rows = [Row(pk, name, dict(per_place.get(pk) or _zero()), code=code) for pk, (code, name) in units.items()]
    rows.sort(key=lambda r: (r.code, r.label))
    total = Row(None, _("Total"))
    for row in rows:  # every request is in exactly one row
        total.add(row.counts)
    levels = [Row(value, str(label), dict(per_level.get(value) or _zero())) for value, label in Level.choices]

    # 2. by item
    per_item = {
        v["item_id"]: {k: v[f"n_{k}"] or 0 for k in COUNTS} for v in cohort.values("item_id").annotate(**prefixed)
    }
    items = []
    if per_item:
        names = Item.objects.filter(pk__in=per_item).values_list(
            "pk", "code", "order", "current__name", "current__level"
        )
        level_labels = dict(Level.choices)
        for pk, code, order, name, level in names:
            items.append(
                Row(pk, name or code, per_item[pk], code=f"{order:06d}{code}", note=str(level_labels.get(level, "")))
            )
        items.sort(key=lambda r: (-r.counts["made"], r.code))

    # 3. the agents' workload, by name (never ranked)
    agent_counts = {f"a_{k}": v for k, v in agent_expressions(now).items()}
    per_agent = {
        v["agent_id"]: {k: v[f"a_{k}"] or 0 for k, _l in AGENT_COLUMNS}
        for v in cohort.filter(agent__isnull=False).values("agent_id").annotate(**agent_counts)
    }
    agents_q = Q(pk__in=list(per_agent))
    if place.level == RegionLevel.COUNTY:
        agents_q |= Q(county_id=place.pk, active=True)
    elif place.level == RegionLevel.TOWNSHIP:
        agents_q |= Q(township_id=place.pk, active=True)
    else:
        agents_q |= Q(villages=place.pk, active=True)
    kinds = {value: str(label) for value, label in AgentKind.choices}
    agents = [
        AgentRow(
            a["pk"],
            a["name"],
            a["kind"],
            a["township__name"] or "",
            a["active"],
            per_agent.get(a["pk"]) or _zero([k for k, _l in AGENT_COLUMNS]),
            kinds.get(a["kind"], a["kind"]),
        )
        for a in Agent.objects.filter(agents_q).distinct().values("pk", "name", "kind", "township__name", "active")
    ]
    agents.sort(key=lambda a: (a.name, a.key))  # alphabetical: a list, not a ranking
    return Figures(place, by, start, end, rows, levels, items, agents, total, now)


def cached_figures(actor, place: Region, *, start: date, end: date) -> Figures:
    """``figures`` kept for CACHE_SECONDS per person, place and period (the page says when they were counted);
    the .xlsx and the API count afresh."""
    from django.core.cache import cache

    key = f"doorstep:figures:{actor.pk}:{place.pk}:{start.isoformat()}:{end.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = figures(actor, place, start=start, end=end)
        cache.set(key, found, CACHE_SECONDS)
    return found


# -- the .xlsx ------------------------------------------------------------------------------------------------


def _percent(value: float | None):
    return round(value, 1) if value is not None else None


def xlsx(result: Figures) -> bytes:
    """The figures as an .xlsx workbook: the places with the total, by level, by item, the agents, and the
    definitions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    title = f"{result.region.name} · {result.start.isoformat()} – {result.end.isoformat()}"
    count_heads = [str(label) for _key, label in COLUMNS]
    rate_heads = [f"{label} (%)" for _key, label, _n, _d in RATES]

    def table(sheet, first: str, rows: list[Row], extra: str | None = None):
        sheet.append([title])
        sheet["A1"].font = bold
        heads = [first] + ([extra] if extra else []) + rate_heads + count_heads
        sheet.append(heads)
        for cell in sheet[2]:
            cell.font = bold
        for row in rows:
            rates = row.rates
            sheet.append(
                [row.label]
                + ([row.note] if extra else [])
                + [_percent(rates[key]) for key, *_rest in RATES]
                + [row.counts[key] for key, _label in COLUMNS]
            )
        sheet.freeze_panes = "B3"

    sheet = book.active
    sheet.title = str(_("Places"))[:31]
    table(sheet, result.by_label, [*result.rows, result.total])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    table(book.create_sheet(str(_("By level"))[:31]), str(_("Level")), result.levels)
    table(book.create_sheet(str(_("By item"))[:31]), str(_("Service item")), result.items, str(_("Level")))
    agents = book.create_sheet(str(_("Agents"))[:31])
    agents.append([title])
    agents.append(
        [str(_("Agent")), str(_("Township"))]
        + [str(label) for _key, label in AGENT_COLUMNS]
        + [f"{_('On-time completion rate')} (%)"]
    )
    for cell in agents[2]:
        cell.font = bold
    for a in result.agents:
        agents.append(
            [a.name, a.township] + [a.counts[key] for key, _label in AGENT_COLUMNS] + [_percent(a.on_time_rate)]
        )
    notes = book.create_sheet(str(_("Definitions"))[:31])
    for term, text in DEFINITIONS:
        notes.append([str(term), str(text)])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_dict(result: Figures) -> dict:
    """The figures for the API (rates in per cent with one decimal, None when there is nothing to divide)."""

    def row(r: Row) -> dict:
        return {
            "id": r.key if isinstance(r.key, int) else None,
            "key": str(r.key) if r.key is not None else "",
            "label": r.label,
            "counts": dict(r.counts),
            "rates": {k: _percent(v) for k, v in r.rates.items()},
        }

    return {
        "region": {"id": result.region.pk, "code": result.region.code, "name": result.region.name},
        "by": result.by or "village",
        "start": result.start,
        "end": result.end,
        "rows": [row(r) for r in result.rows],
        "total": row(result.total),
        "levels": [row(r) for r in result.levels],
        "items": [row(r) for r in result.items],
        "agents": [
            {
                "id": a.key,
                "name": a.name,
                "township": a.township,
                "active": a.active,
                "counts": dict(a.counts),
                "on_time_rate": _percent(a.on_time_rate),
            }
            for a in result.agents
        ],
        "definitions": {str(term): str(text) for term, text in DEFINITIONS},
        "counted_at": result.counted_at,
    }
