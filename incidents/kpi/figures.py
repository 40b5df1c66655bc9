"""The KPI table: counts of cases per township, village, department or grid worker, computed by the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.errors import DomainError
from core.periods import Period, Rate
from core.roles import Action, Role
from incidents.models import Department, Incident, Level, Rating

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


def case_conditions(now: datetime) -> dict[str, Q]:
    """The condition of each count of ``COUNTS`` (but ``cases``, every case): what the KPI table, its benchmark floor
    and the dashboards' indicators (incidents.indicators) count by.

    ``now`` decides which unanswered cases are already late: a case waiting in the dispatched state after its
    deadline counts as not responded in time.
    """
    dispatched = ~Q(level="")
    late_unanswered = Q(responded_at__isnull=True, state="dispatched", deadline_at__lt=now)
    closed = Q(state="closed")
    return {
        "responded_on_time": dispatched & Q(responded_on_time=True),
        "response_due": dispatched & (Q(responded_on_time__isnull=False) | late_unanswered),
        "resolved_on_time": Q(resolved_at__isnull=False, resolved_on_time=True),
        "resolved": Q(resolved_at__isnull=False),
        "overdue": Q(ever_overdue=True),
        "satisfied": Q(rating__in=SATISFIED),
        "rated": ~Q(rating=""),
        "reopened": Q(reopen_count__gt=0),
        "closed": closed,
        "closed_in_village": closed & Q(level=Level.VILLAGE),
        "closed_in_township": closed & Q(level__in=(Level.VILLAGE, Level.TOWNSHIP)),
    }


def count_expressions(now: datetime) -> dict[str, Count]:
    """The counts of the figures as aggregate expressions (COUNT … FILTER (WHERE …) on PostgreSQL)."""
    conditions = case_conditions(now)
    return {"cases": Count("pk"), **{name: Count("pk", filter=conditions[name]) for name in COUNTS[1:]}}


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
    return [g for g in scope.grants_for(actor, Action.INCIDENT_KPI) if g.level in scope.REGION_LEVELS]


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
