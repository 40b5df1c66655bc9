"""考核指标: the performance figures of the incident loop and the grid workers' monthly assessment.

Every figure is a count of cases computed by the database (``COUNT(*) FILTER (WHERE …)`` grouped by township,
village, department or reporter), never by loading cases into Python; the definitions are in docs/incidents.md
("Performance figures (KPIs)", "Grid worker assessment") and on the pages. Reads are limited to what the actor
may see with ``Action.INCIDENT_KPI``; a grid worker sees their own assessment line only.
"""

from __future__ import annotations

import calendar as pycalendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.errors import DomainError
from core.roles import Action, Role
from incidents.models import Department, Incident, Level, Rating
from incidents.supervision import UNRATED_DAYS

# -- periods ----------------------------------------------------------------------------------------------

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
PERIOD_KINDS = {
    MONTH: gettext_lazy("Month"),
    QUARTER: gettext_lazy("Quarter"),
    YEAR: gettext_lazy("Year"),
    CUSTOM: gettext_lazy("Custom dates"),
}
MAX_PERIOD_DAYS = 366 * 5
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    """The days [start, end] (Asia/Shanghai dates) in which the counted cases were reported."""

    start: date
    end: date
    kind: str = CUSTOM

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The aware moments [from, to) covering the days: an index range on created_at, no date cast."""
        tz = timezone.get_default_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), tz),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz),
        )

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == YEAR:
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    @property
    def slug(self) -> str:
        """For file names: 2026-03, 2026Q1, 2026, 20260101-20260315."""
        if self.kind == CUSTOM:
            return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"
        return self.label


def month_period(year: int, month: int) -> Period:
    last = pycalendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), MONTH)


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(date(year, first, 1), month_period(year, first + 2).end, QUARTER)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), YEAR)


def _year(value: str, field_name: str, today: date) -> int:
    value = (value or "").strip()
    if not re.fullmatch(r"\d{4}", value) or not FIRST_YEAR <= int(value) <= today.year:
        raise DomainError(
            {field_name: _("Enter a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": today.year}}
        )
    return int(value)


def parse_month(value: str, *, today: date | None = None, field_name: str = "month") -> Period:
    """'2026-03' → that month; a month not yet begun or not of that form is refused with a clear message."""
    today = today or timezone.localdate()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise DomainError(
            {field_name: _("Enter the month as YYYY-MM, e.g. %(example)s.") % {"example": f"{today:%Y-%m}"}}
        )
    year, month = int(match.group(1)), int(match.group(2))
    if year < FIRST_YEAR or (year, month) > (today.year, today.month):
        raise DomainError(
            {field_name: _("Choose a month that has begun, up to %(month)s.") % {"month": f"{today:%Y-%m}"}}
        )
    return month_period(year, month)


def parse_period(params, *, today: date | None = None) -> Period:
    """The period asked for by a page's query: ``period`` = month (``month`` YYYY-MM), quarter (``year``,
    ``quarter`` 1–4), year (``year``) or custom (``start``, ``end`` as YYYY-MM-DD). Nothing asked: this month."""
    today = today or timezone.localdate()
    kind = (params.get("period") or MONTH).strip()
    if kind not in PERIOD_KINDS:
        raise DomainError({"period": _("Choose month, quarter, year or custom dates.")})
    if kind == MONTH:
        return parse_month(params.get("month") or f"{today:%Y-%m}", today=today)
    if kind == QUARTER:
        year = _year(params.get("year") or str(today.year), "year", today)
        raw = (params.get("quarter") or "").strip() or str((today.month - 1) // 3 + 1)
        if raw not in {"1", "2", "3", "4"}:
            raise DomainError({"quarter": _("Choose a quarter from 1 to 4.")})
        return quarter_period(year, int(raw))
    if kind == YEAR:
        return year_period(_year(params.get("year") or str(today.year), "year", today))
    days = {}
    for name in ("start", "end"):
        raw = (params.get(name) or "").strip()
        try:
            days[name] = date.fromisoformat(raw)
        except ValueError:
            raise DomainError({name: _("Enter a date as YYYY-MM-DD.")}) from None
        if days[name].year < FIRST_YEAR:
            raise DomainError({name: _("Enter a date from %(year)s on.") % {"year": FIRST_YEAR}})
    if days["start"] > days["end"]:
        raise DomainError({"end": _("The end date is before the start date.")})
    if (days["end"] - days["start"]).days >= MAX_PERIOD_DAYS:
        raise DomainError({"end": _("Choose a period of at most five years.")})
    return Period(days["start"], days["end"], CUSTOM)


# -- rates --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A share with its numerator and denominator; no value (shown "—") when the denominator is 0."""

    num: int
    den: int

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None

    @property
    def percent(self) -> str:
        value = self.value
        return "—" if value is None else f"{value * 100:.1f}%"

    def __str__(self) -> str:
        return self.percent


# -- the KPI table ------------------------------------------------------------------------------------------

TOWNSHIP, VILLAGE, DEPARTMENT, GRID_WORKER = "township", "village", "department", "grid_worker"
GROUPINGS = {
    TOWNSHIP: gettext_lazy("Township"),
    VILLAGE: gettext_lazy("Village"),
    DEPARTMENT: gettext_lazy("Department"),
    GRID_WORKER: gettext_lazy("Grid worker"),
}
# the column each grouping counts by
GROUP_COLUMN = {
    TOWNSHIP: "township_id",
    VILLAGE: "village_id",
    DEPARTMENT: "handler_department_id",
    GRID_WORKER: "reporter_id",
}
SATISFIED = (Rating.SATISFIED, Rating.BASIC)

# the counts behind the figures, in this order everywhere (ORM, the benchmark's SQL floor, the xlsx)
COUNTS = (
    "cases",
    "responded_on_time",
    "response_due",
    "resolved_on_time",
    "resolved",
    "overdue",
    "satisfied",
    "rated",
    "reopened",
    "closed",
    "closed_in_village",
    "closed_in_township",
)


def count_expressions(now: datetime) -> dict[str, Count]:
    """The counts of the figures as aggregate expressions (COUNT … FILTER (WHERE …) on PostgreSQL).

    ``now`` decides which unanswered cases are already late: a case waiting in the dispatched state after its
    deadline counts as not responded in time.
    """
    dispatched = ~Q(level="")
    late_unanswered = Q(responded_at__isnull=True, state="dispatched", deadline_at__lt=now)
    closed = Q(state="closed")
    return {
        "cases": Count("pk"),
        "responded_on_time": Count("pk", filter=dispatched & Q(responded_on_time=True)),
        "response_due": Count("pk", filter=dispatched & (Q(responded_on_time__isnull=False) | late_unanswered)),
        "resolved_on_time": Count("pk", filter=Q(resolved_at__isnull=False, resolved_on_time=True)),
        "resolved": Count("pk", filter=Q(resolved_at__isnull=False)),
        "overdue": Count("pk", filter=Q(ever_overdue=True)),
        "satisfied": Count("pk", filter=Q(rating__in=SATISFIED)),
        "rated": Count("pk", filter=~Q(rating="")),
        "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
        "closed": Count("pk", filter=closed),
        "closed_in_village": Count("pk", filter=closed & Q(level=Level.VILLAGE)),
        "closed_in_township": Count("pk", filter=closed & Q(level__in=(Level.VILLAGE, Level.TOWNSHIP))),
    }


@dataclass
class KpiRow:
    """The figures of one unit (a township, village, department or grid worker) or of the total."""

    key: int | None
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    code: str = ""

    @property
    def cases(self) -> int:
        return self.counts["cases"]

    @property
    def response(self) -> Rate:
        """响应率 (及时响应): answered (accepted or handed back) in time ÷ responses due."""
        return Rate(self.counts["responded_on_time"], self.counts["response_due"])

    @property
    def completion(self) -> Rate:
        """按期办结率: resolved by the deadline ÷ resolved."""
        return Rate(self.counts["resolved_on_time"], self.counts["resolved"])

    @property
    def overdue(self) -> Rate:
        """超期率: ever overdue ÷ cases."""
        return Rate(self.counts["overdue"], self.counts["cases"])

    @property
    def satisfaction(self) -> Rate:
        """满意率: 满意 or 基本满意 ÷ rated."""
        return Rate(self.counts["satisfied"], self.counts["rated"])

    @property
    def reopened(self) -> int:
        return self.counts["reopened"]

    @property
    def in_village(self) -> Rate:
        """村内办结率: closed at village level ÷ closed."""
        return Rate(self.counts["closed_in_village"], self.counts["closed"])

    @property
    def in_township(self) -> Rate:
        """镇内办结率: closed at village or township level ÷ closed."""
        return Rate(self.counts["closed_in_township"], self.counts["closed"])

    def add(self, counts: dict[str, int]) -> None:
        for name in COUNTS:
            self.counts[name] += counts.get(name) or 0


@dataclass
class KpiTable:
    grouping: str
    period: Period
    rows: list[KpiRow]
    total: KpiRow
    now: datetime

    @property
    def grouping_label(self) -> str:
        return str(GROUPINGS[self.grouping])


def _kpi_grants(actor) -> list[scope.Grant]:
    return [g for g in scope.grants_for(actor, Action.INCIDENT_KPI) if g.level in ("county", "township", "village")]


def groupings_for(actor) -> list[str]:
    """The breakdowns the actor may ask for, the default first: a county sees townships, villages and its
    departments; a township its villages; a village its own figures. Grid workers are listed for all."""
    levels = {g.level for g in _kpi_grants(actor)}
    if "county" in levels:
        return [TOWNSHIP, VILLAGE, DEPARTMENT, GRID_WORKER]
    if levels:
        return [VILLAGE, GRID_WORKER]
    return []


def cases_in_scope(actor, period: Period):
    """The cases reported in the period that the actor may count (INCIDENT_KPI scope)."""
    start, end = period.bounds
    return Incident.objects.filter(
        scope.scope_q(actor, Action.INCIDENT_KPI, Incident), created_at__gte=start, created_at__lt=end
    )


def _grid_worker_reported() -> Exists:
    from accounts.models import RoleAssignment

    return Exists(RoleAssignment.objects.filter(user_id=OuterRef("reporter_id"), role=Role.GRID_WORKER))


def _units(actor, grouping: str, ids: set) -> dict:
    """(code, label) of each unit: every township / village / department in the actor's scope (so a unit with
    no case shows its zeros), and the grid workers who reported."""
    from accounts.models import User
    from regions.models import Region, RegionLevel

    if grouping in (TOWNSHIP, VILLAGE):
        level = RegionLevel.TOWNSHIP if grouping == TOWNSHIP else RegionLevel.VILLAGE
        regions = Region.objects.filter(
            Q(scope.scope_q(actor, Action.INCIDENT_KPI, Region), level=level) | Q(pk__in=ids)
        )
        return {r["pk"]: (r["code"], r["name"]) for r in regions.values("pk", "code", "name")}
    if grouping == DEPARTMENT:
        counties = [g.target_id for g in _kpi_grants(actor) if g.level == "county"]
        departments = Department.objects.filter(Q(county_id__in=counties, is_active=True) | Q(pk__in=ids))
        units = {d["pk"]: (d["code"], d["name"]) for d in departments.values("pk", "code", "name")}
        if None in ids:
            units[None] = ("~", _("No department (waiting for dispatch)"))
        return units
    users = User.objects.filter(pk__in=ids).values("pk", "username", "display_name")
    return {u["pk"]: (u["display_name"] or u["username"], u["display_name"] or u["username"]) for u in users}


def kpi_table(actor, period: Period, grouping: str = TOWNSHIP, *, now: datetime | None = None) -> KpiTable:
    """The figures of the cases reported in ``period``, one row per unit of ``grouping`` and a total row.

    Two statements: the grouped aggregate and the units' names. The total row is the sum of the rows: every
    counted case falls in exactly one (departments count county-level cases only, grid workers the cases they
    reported, so their totals are of those cases).
    """
    if grouping not in GROUPINGS:
        raise DomainError({"group": _("Choose how to group the figures.")})
    if grouping not in groupings_for(actor):
        raise DomainError({"group": _("This breakdown is not open to you.")})
    now = now or timezone.now()
    expressions = count_expressions(now)
    cases = cases_in_scope(actor, period)
    grouped = cases
    if grouping == DEPARTMENT:
        grouped = grouped.filter(level=Level.COUNTY)
    elif grouping == GRID_WORKER:
        grouped = grouped.filter(_grid_worker_reported())
    column = GROUP_COLUMN[grouping]
    # annotated under prefixed names: several counts share a name with a column (overdue, resolved_on_time, …)
    annotations = {f"kpi_{name}": expression for name, expression in expressions.items()}
    found = {
        r[column]: {name: r[f"kpi_{name}"] for name in COUNTS}
        for r in grouped.order_by().values(column).annotate(**annotations)
    }
    units = _units(actor, grouping, set(found))
    rows = [
        KpiRow(key, label, counts=found.get(key) or dict.fromkeys(COUNTS, 0), code=code)
        for key, (code, label) in units.items()
    ]
    rows.sort(key=lambda r: (r.code, r.label))
    total = KpiRow(None, _("Total"))
    for row in rows:  # every counted case is in exactly one row
        total.add(row.counts)
    return KpiTable(grouping, period, rows, total, now)


def kpi_tables(actor, period: Period, *, now: datetime | None = None) -> list[KpiTable]:
    """Every breakdown open to the actor."""
    now = now or timezone.now()
    return [kpi_table(actor, period, grouping, now=now) for grouping in groupings_for(actor)]


# -- the grid workers' monthly assessment ----------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentPolicy:
    """How a grid worker's month is scored (003 #8 罗江: 二级网格员 200 yuan a month, 100 of it by assessment).

    One policy for every county for now (configurable per county is not needed yet); docs/incidents.md explains
    each part. Parts are weights out of 100; the performance subsidy is ``performance_subsidy × score / 100``.
    """

    monthly_target: int = 4  # reports a month for the full reports part
    weight_reports: int = 40
    weight_valid: int = 20
    weight_follow_up: int = 20
    weight_satisfaction: int = 20
    base_subsidy: Decimal = Decimal("100")  # 基本补贴, fixed
    performance_subsidy: Decimal = Decimal("100")  # 考核补贴, paid by the score
    unrated_days: int = UNRATED_DAYS  # a resolved case unrated this long waits for a follow-up call

    @property
    def total_weight(self) -> int:
        return self.weight_reports + self.weight_valid + self.weight_follow_up + self.weight_satisfaction


DEFAULT_POLICY = AssessmentPolicy()
CENT = Decimal("0.01")
VALID_STATES = ("dispatched", "accepted")  # still being handled


def _part(weight: int, num: int, den: int, *, empty_full: bool = True) -> Decimal:
    """``weight × min(num / den, 1)``; with nothing to do (den 0) the full weight, or 0 if not ``empty_full``."""
    if den <= 0:
        return Decimal(weight) if empty_full else Decimal(0)
    return (Decimal(weight) * min(Decimal(num) / Decimal(den), Decimal(1))).quantize(CENT, ROUND_HALF_UP)


@dataclass
class AssessmentLine:
    """One grid worker's month."""

    user_id: int
    name: str
    grids: list[str]
    village: str
    reports: int = 0
    valid: int = 0
    follow_ups: int = 0
    waiting_for_rating: int = 0
    grid_cases: int = 0
    grid_overdue: int = 0
    grid_rated: int = 0
    grid_satisfied: int = 0
    policy: AssessmentPolicy = DEFAULT_POLICY

    @property
    def follow_up_due(self) -> int:
        """Calls made in the month plus the grid's cases still waiting for a rating."""
        return self.follow_ups + self.waiting_for_rating

    @property
    def valid_rate(self) -> Rate:
        return Rate(self.valid, self.reports)

    @property
    def follow_up_rate(self) -> Rate:
        return Rate(self.follow_ups, self.follow_up_due)

    @property
    def satisfaction(self) -> Rate:
        return Rate(self.grid_satisfied, self.grid_rated)

    @property
    def overdue(self) -> Rate:
        return Rate(self.grid_overdue, self.grid_cases)

    @property
    def reports_points(self) -> Decimal:
        p = self.policy
        return _part(p.weight_reports, self.reports, p.monthly_target, empty_full=False)

    @property
    def valid_points(self) -> Decimal:
        return _part(self.policy.weight_valid, self.valid, self.reports)

    @property
    def follow_up_points(self) -> Decimal:
        return _part(self.policy.weight_follow_up, self.follow_ups, self.follow_up_due)

    @property
    def satisfaction_points(self) -> Decimal:
        return _part(self.policy.weight_satisfaction, self.grid_satisfied, self.grid_rated)

    @property
    def score(self) -> Decimal:
        total = self.reports_points + self.valid_points + self.follow_up_points + self.satisfaction_points
        return (total * 100 / self.policy.total_weight).quantize(CENT, ROUND_HALF_UP)

    @property
    def base_subsidy(self) -> Decimal:
        return self.policy.base_subsidy.quantize(CENT)

    @property
    def performance_subsidy(self) -> Decimal:
        return (self.policy.performance_subsidy * self.score / 100).quantize(CENT, ROUND_HALF_UP)

    @property
    def total_subsidy(self) -> Decimal:
        return self.base_subsidy + self.performance_subsidy


@dataclass
class Assessment:
    period: Period
    lines: list[AssessmentLine]
    as_of: datetime
    policy: AssessmentPolicy = DEFAULT_POLICY

    @property
    def total_base(self) -> Decimal:
        return sum((line.base_subsidy for line in self.lines), Decimal("0.00"))

    @property
    def total_performance(self) -> Decimal:
        return sum((line.performance_subsidy for line in self.lines), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.total_base + self.total_performance


def may_assess(actor) -> bool:
    """Township officials, county officials and administrators (and village cadres, for their village)."""
    return bool(_kpi_grants(actor))


def is_grid_worker(actor) -> bool:
    return any(g.role == Role.GRID_WORKER and g.level == "grid" for g in scope.grants(actor))


def assessment(actor, period: Period, *, now: datetime | None = None, policy: AssessmentPolicy = DEFAULT_POLICY):
    """Every grid worker on a grid in the actor's INCIDENT_KPI scope, for the month ``period``."""
    from accounts.models import RoleAssignment
    from regions.models import Grid

    grids = Grid.objects.filter(scope.scope_q(actor, Action.INCIDENT_KPI, Grid))
    posts = RoleAssignment.objects.filter(role=Role.GRID_WORKER, grid__in=grids, user__is_active=True)
    return _assess(posts, period, now=now, policy=policy)


def own_assessment(actor, period: Period, *, now: datetime | None = None, policy: AssessmentPolicy = DEFAULT_POLICY):
    """A grid worker's own line (their grids only); None for someone who is not a grid worker."""
    from accounts.models import RoleAssignment

    if not is_grid_worker(actor):
        return None
    posts = RoleAssignment.objects.filter(role=Role.GRID_WORKER, grid__isnull=False, user_id=actor.pk)
    result = _assess(posts, period, now=now, policy=policy)
    return result.lines[0] if result.lines else None


def _assess(posts, period: Period, *, now, policy) -> Assessment:
    from casework.models import CaseEvent

    now = now or timezone.now()
    start, end = period.bounds
    as_of = min(now, end)
    workers: dict[int, AssessmentLine] = {}
    grids_of: dict[int, set[int]] = {}
    for post in posts.order_by("grid__village__code", "grid__code", "user__username").values(
        "user_id", "user__username", "user__display_name", "grid_id", "grid__name", "grid__village__name"
    ):
        line = workers.get(post["user_id"])
        if line is None:
            line = workers[post["user_id"]] = AssessmentLine(
                post["user_id"],
                post["user__display_name"] or post["user__username"],
                [],
                post["grid__village__name"],
                policy=policy,
            )
        if post["grid__name"] not in line.grids:
            line.grids.append(post["grid__name"])
        grids_of.setdefault(post["user_id"], set()).add(post["grid_id"])
    if not workers:
        return Assessment(period, [], as_of, policy)
    in_month = Q(created_at__gte=start, created_at__lt=end)
    reports = (
        Incident.objects.filter(in_month, reporter_id__in=workers)
        .order_by()
        .values("reporter_id")
        .annotate(
            reports=Count("pk"),
            valid=Count("pk", filter=Q(resolved_at__isnull=False) | Q(state__in=VALID_STATES)),
        )
    )
    for r in reports:
        workers[r["reporter_id"]].reports, workers[r["reporter_id"]].valid = r["reports"], r["valid"]
    calls = (
        CaseEvent.objects.filter(
            flow="incident",
            transition__in=("close", "reopen"),
            actor_id__in=workers,
            at__gte=start,
            at__lt=end,
            data__on_behalf=True,
        )
        .order_by()
        .values("actor_id")
        .annotate(n=Count("pk"))
    )
    for c in calls:
        workers[c["actor_id"]].follow_ups = c["n"]
    all_grids = set().union(*grids_of.values())
    rated_in_month = Q(rated_at__gte=start, rated_at__lt=end)
    waiting = Q(state="resolved", state_entered_at__lte=as_of - timedelta(days=policy.unrated_days))
    per_grid = {
        g.pop("grid_id"): g
        for g in Incident.objects.filter(Q(grid_id__in=all_grids) & (in_month | rated_in_month | waiting))
        .order_by()
        .values("grid_id")
        .annotate(
            cases=Count("pk", filter=in_month),
            overdue=Count("pk", filter=in_month & Q(ever_overdue=True)),
            rated=Count("pk", filter=rated_in_month & ~Q(rating="")),
            satisfied=Count("pk", filter=rated_in_month & Q(rating__in=SATISFIED)),
            waiting=Count("pk", filter=waiting),
        )
    }
    for user_id, line in workers.items():
        for grid_id in grids_of[user_id]:
            g = per_grid.get(grid_id)
            if g is None:
                continue
            line.grid_cases += g["cases"]
            line.grid_overdue += g["overdue"]
            line.grid_rated += g["rated"]
            line.grid_satisfied += g["satisfied"]
            line.waiting_for_rating += g["waiting"]
    return Assessment(period, list(workers.values()), as_of, policy)


# -- .xlsx exports ----------------------------------------------------------------------------------------------
# The column headers and fixed labels are Chinese data constants: the files are handed up as they are, whatever
# language the interface is in.

XLSX_GROUPING = {TOWNSHIP: "按乡镇", VILLAGE: "按村（社区）", DEPARTMENT: "按部门", GRID_WORKER: "按网格员"}
XLSX_UNIT = {TOWNSHIP: "乡镇（街道）", VILLAGE: "村（社区）", DEPARTMENT: "部门", GRID_WORKER: "网格员"}
XLSX_TOTAL = "合计"
XLSX_NO_DEPARTMENT = "未定部门（待分派）"
# (header, kind, name): a count of COUNTS, or a Rate property of KpiRow
KPI_COLUMNS = [
    ("事件数", "count", "cases"),
    ("响应率", "rate", "response"),
    ("及时响应数", "count", "responded_on_time"),
    ("应响应数", "count", "response_due"),
    ("按期办结率", "rate", "completion"),
    ("按期办结数", "count", "resolved_on_time"),
    ("办结数", "count", "resolved"),
    ("超期率", "rate", "overdue"),
    ("超期数", "count", "overdue"),
    ("满意率", "rate", "satisfaction"),
    ("满意数（含基本满意）", "count", "satisfied"),
    ("评价数", "count", "rated"),
    ("重新办理件数", "count", "reopened"),
    ("村内办结率", "rate", "in_village"),
    ("村内办结数", "count", "closed_in_village"),
    ("镇内办结率", "rate", "in_township"),
    ("镇内办结数", "count", "closed_in_township"),
    ("结案数", "count", "closed"),
]
KPI_DEFINITIONS = [
    ("统计范围", "统计期内上报（按上报时间，北京时间日期）且在本人查看范围内的网格事件。"),
    (
        "响应率（及时响应）",
        "在派单时限内作出响应（受理或退回）的事件数 ÷ 应响应事件数。应响应事件：已分派处置层级、且已响应或派单时限已过"
        "仍未响应的事件（派单时限内尚未响应的事件暂不计入）。",
    ),
    ("按期办结率", "在办理时限内办结的事件数 ÷ 已办结事件数（首次办结时间为准）。"),
    ("超期率", "曾经超期的事件数 ÷ 事件数。"),
    (
        "满意率",
        "评价为满意或基本满意的事件数 ÷ 已评价事件数（以最近一次评价为准）；"
        "重新办理件数为曾被评为不满意而重新办理的事件数。",
    ),
    ("村内办结率", "在村级办结的已结案事件数 ÷ 已结案事件数（小事不出村）。"),
    ("镇内办结率", "在村级或镇级办结的已结案事件数 ÷ 已结案事件数（大事不出镇）。"),
    ("按部门", "县级部门办理的事件，按当前承办部门统计（仅县级可见）。"),
    ("按网格员", "网格员本人上报的事件。"),
    ("分母为 0", "比率显示为“—”。"),
]


def _rate_cell(ws, row: int, col: int, rate: Rate) -> None:
    cell = ws.cell(row=row, column=col)
    if rate.value is None:
        cell.value = "—"
    else:
        cell.value = rate.value
        cell.number_format = "0.0%"


def kpi_xlsx(tables: list[KpiTable], *, title: str, exported_at: datetime | None = None) -> bytes:
    """One sheet per table given (the page's xlsx gives the breakdown on the page): unit, cases, each rate with
    its numerator and denominator; and a definitions sheet. Counts are numbers, rates are numbers formatted as
    percentages ("—" when the denominator is 0)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    exported_at = timezone.localtime(exported_at or timezone.now())
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for table in tables:
        ws = wb.create_sheet(XLSX_GROUPING[table.grouping])
        ws.cell(
            row=1, column=1, value=f"{title}（{table.period.label}，导出时间 {exported_at:%Y-%m-%d %H:%M}）"
        ).font = bold
        headers = [XLSX_UNIT[table.grouping]] + [h for h, _kind, _name in KPI_COLUMNS]
        for col, header in enumerate(headers, start=1):
            cell = ws.cell(row=2, column=col, value=header)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r, kpi_row in enumerate([*table.rows, table.total], start=3):
            label = kpi_row.label
            if kpi_row is table.total:
                label = XLSX_TOTAL
            elif table.grouping == DEPARTMENT and kpi_row.key is None:
                label = XLSX_NO_DEPARTMENT
            ws.cell(row=r, column=1, value=label)
            for col, (_header, kind, name) in enumerate(KPI_COLUMNS, start=2):
                if kind == "rate":
                    _rate_cell(ws, r, col, getattr(kpi_row, name))
                else:
                    ws.cell(row=r, column=col, value=kpi_row.counts[name])
            if kpi_row is table.total:
                for col in range(1, len(headers) + 1):
                    ws.cell(row=r, column=col).font = bold
        ws.column_dimensions["A"].width = 22
        for col in range(2, len(headers) + 1):
            ws.column_dimensions[get_column_letter(col)].width = 11
        ws.freeze_panes = "B3"
    ws = wb.create_sheet("指标说明")
    ws.append(["指标", "口径"])
    for cell in ws[1]:
        cell.font = bold
    for name, text in KPI_DEFINITIONS:
        ws.append([name, text])
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ASSESSMENT_COLUMNS = [
    "网格员",
    "网格",
    "村（社区）",
    "上报数",
    "有效上报数",
    "有效上报率",
    "代为回访数",
    "应回访数",
    "网格事件数",
    "超期数",
    "超期率",
    "评价数",
    "满意数",
    "满意率",
    "上报得分",
    "有效上报得分",
    "回访得分",
    "满意度得分",
    "考核得分",
    "基本补贴（元）",
    "考核补贴（元）",
    "合计（元）",
]


def assessment_definitions(policy: AssessmentPolicy = DEFAULT_POLICY) -> list[tuple[str, str]]:
    p = policy
    return [
        (
            "依据",
            "二级网格员每月补贴 200 元，其中 100 元为考核补贴（罗江经验）；只按工作结果考核，不看登录或在线时长。",
        ),
        ("上报数", "网格员本月上报的事件数。"),
        (
            "有效上报数",
            "本月上报的事件中已办结（曾办结）或正在办理（已派单、办理中）的件数；退回或上报后待分派的不计。",
        ),
        ("代为回访数", "网格员本月代报告人评价（满意、基本满意或不满意）的次数。"),
        (
            "应回访数",
            f"代为回访数 + 所在网格中办结后 {p.unrated_days} 天仍未评价的事件数（按月末或当前时间计）。",
        ),
        ("网格事件数、超期率", "所在网格本月上报的事件数及其中曾超期的比例（仅展示，不计分）。"),
        ("满意率", "所在网格本月评价的事件中满意或基本满意的比例。"),
        (
            "上报得分",
            f"{p.weight_reports} × min(上报数 ÷ {p.monthly_target}, 1)；本月无上报得 0 分。",
        ),
        ("有效上报得分", f"{p.weight_valid} × 有效上报数 ÷ 上报数；无上报时得满分（无事可做）。"),
        ("回访得分", f"{p.weight_follow_up} × min(代为回访数 ÷ 应回访数, 1)；无应回访时得满分。"),
        ("满意度得分", f"{p.weight_satisfaction} × 满意率；本月网格内无评价时得满分。"),
        ("考核得分", "以上四项之和（0–100 分，保留两位小数）。"),
        (
            "补贴",
            f"基本补贴 {p.base_subsidy} 元（固定）；考核补贴 = {p.performance_subsidy} × 考核得分 ÷ 100，保留两位小数；"
            "合计 = 基本补贴 + 考核补贴。",
        ),
    ]


def assessment_xlsx(result: Assessment, *, title: str, exported_at: datetime | None = None) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    exported_at = timezone.localtime(exported_at or timezone.now())
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "网格员考核"
    ws.cell(
        row=1, column=1, value=f"{title}（{result.period.label}，导出时间 {exported_at:%Y-%m-%d %H:%M}）"
    ).font = bold
    for col, header in enumerate(ASSESSMENT_COLUMNS, start=1):
        ws.cell(row=2, column=col, value=header).font = bold
    money = "0.00"
    r = 2
    for r, line in enumerate(result.lines, start=3):
        values = [
            line.name,
            "、".join(line.grids),
            line.village,
            line.reports,
            line.valid,
            line.valid_rate,
            line.follow_ups,
            line.follow_up_due,
            line.grid_cases,
            line.grid_overdue,
            line.overdue,
            line.grid_rated,
            line.grid_satisfied,
            line.satisfaction,
            line.reports_points,
            line.valid_points,
            line.follow_up_points,
            line.satisfaction_points,
            line.score,
            line.base_subsidy,
            line.performance_subsidy,
            line.total_subsidy,
        ]
        for col, value in enumerate(values, start=1):
            if isinstance(value, Rate):
                _rate_cell(ws, r, col, value)
                continue
            cell = ws.cell(row=r, column=col, value=float(value) if isinstance(value, Decimal) else value)
            if isinstance(value, Decimal):
                cell.number_format = money
    r += 1
    ws.cell(row=r, column=1, value=XLSX_TOTAL).font = bold
    for col, value in zip((20, 21, 22), (result.total_base, result.total_performance, result.total), strict=True):
        cell = ws.cell(row=r, column=col, value=float(value))
        cell.number_format = money
        cell.font = bold
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 14
    for col in range(4, len(ASSESSMENT_COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 10
    ws.freeze_panes = "B3"
    rules = wb.create_sheet("考核办法")
    rules.append(["项目", "口径"])
    for cell in rules[1]:
        cell.font = bold
    for name, text in assessment_definitions(result.policy):
        rules.append([name, text])
    rules.column_dimensions["A"].width = 20
    rules.column_dimensions["B"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
