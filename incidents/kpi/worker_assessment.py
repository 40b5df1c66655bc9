"""The grid workers' monthly assessment (网格员考核): weighted parts from their reports, one line per post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from core import scope
from core.periods import Period, Rate
from core.roles import Action, Role
from incidents.kpi.figures import SATISFIED, _kpi_grants
from incidents.models import Incident
from incidents.supervision import UNRATED_DAYS

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
    return bool(scope.targets(actor, "grid", role=Role.GRID_WORKER))


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
