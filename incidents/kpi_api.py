"""The performance figures (考核指标) and the grid workers' monthly assessment for the API: every figure the pages
/incidents/kpi/ and /incidents/assessment/ show, from the same functions (incidents.kpi), with the same scope and
the same refusals (a period or grouping that is not allowed answers 422 with the Chinese message)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router

from core import scope
from core.api_types import Page, PageSize, Quarter, Year
from core.errors import DomainError, PermissionDenied
from core.roles import Action
from incidents import kpi as calc
from incidents.schemas import AssessmentOut, KpiOut

router = Router(tags=["incidents"])


def _rate(rate) -> dict:
    return {"num": rate.num, "den": rate.den, "value": rate.value, "percent": rate.percent}


def _period(period) -> dict:
    return {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label}


def _kpi_row(row) -> dict:
    return {
        "key": row.key,
        "code": row.code,
        "label": row.label,
        "cases": row.cases,
        "response": _rate(row.response),
        "completion": _rate(row.completion),
        "overdue": _rate(row.overdue),
        "satisfaction": _rate(row.satisfaction),
        "reopened": row.reopened,
        "closed_in_village": _rate(row.in_village),
        "closed_in_township": _rate(row.in_township),
        "counts": dict(row.counts),
    }


@router.get(
    "/kpi",
    response=KpiOut,
    summary=gettext_lazy(
        "Performance figures of the cases reported in a period, by township, village, department or grid worker"
    ),
    description=gettext_lazy(
        "As the page /incidents/kpi/: `period` month (`month` YYYY-MM), quarter (`year`, `quarter`), year "
        "(`year`) or custom (`start`, `end`); `group` one of the breakdowns open to the caller (`groupings`). Each "
        "rate comes with its numerator and denominator; the total row is the sum of the rows."
    ),
)
def kpi(
    request,
    period: str = "month",
    month: str = "",
    year: Year | None = None,
    quarter: Quarter | None = None,
    start: date | None = None,
    end: date | None = None,
    group: str = "",
):
    actor = request.auth
    if not scope.can(actor, Action.INCIDENT_KPI):
        raise PermissionDenied()
    groupings = calc.groupings_for(actor)
    if not groupings:
        raise PermissionDenied()
    params = {
        "period": period,
        "month": month,
        "year": str(year) if year is not None else "",
        "quarter": str(quarter) if quarter is not None else "",
        "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else "",
    }
    chosen = calc.parse_period(params)
    grouping = group or groupings[0]
    if grouping not in groupings:
        raise DomainError({"group": _("Choose how to group the figures.")})
    now = timezone.now()
    table = calc.kpi_table(actor, chosen, grouping, now=now)
    return {
        "period": _period(chosen),
        "grouping": grouping,
        "grouping_label": table.grouping_label,
        "groupings": groupings,
        "as_of": now,
        "rows": [_kpi_row(row) for row in table.rows],
        "total": _kpi_row(table.total),
    }


def _line(line) -> dict:
    return {
        "user_id": line.user_id,
        "name": line.name,
        "village": line.village,
        "grids": list(line.grids),
        "reports": line.reports,
        "valid": line.valid,
        "valid_rate": _rate(line.valid_rate),
        "follow_ups": line.follow_ups,
        "waiting_for_rating": line.waiting_for_rating,
        "follow_up_due": line.follow_up_due,
        "follow_up_rate": _rate(line.follow_up_rate),
        "grid_cases": line.grid_cases,
        "grid_overdue": line.grid_overdue,
        "overdue": _rate(line.overdue),
        "grid_rated": line.grid_rated,
        "grid_satisfied": line.grid_satisfied,
        "satisfaction": _rate(line.satisfaction),
        "reports_points": line.reports_points,
        "valid_points": line.valid_points,
        "follow_up_points": line.follow_up_points,
        "satisfaction_points": line.satisfaction_points,
        "score": line.score,
        "base_subsidy": line.base_subsidy,
        "performance_subsidy": line.performance_subsidy,
        "total_subsidy": line.total_subsidy,
    }


@router.get(
    "/assessment",
    response=AssessmentOut,
    summary=gettext_lazy(
        "The grid workers' assessment of a month: every line in the caller's scope, or a grid worker's own"
    ),
    description=gettext_lazy(
        "As the page /incidents/assessment/: `month` YYYY-MM (this month by default). Township, county and "
        "village staff with the performance figures get every grid worker of their grids (paged; the totals are "
        "of every line); a grid worker gets their own line (`own: true`)."
    ),
)
def assessment(request, month: str = "", page: Page = 1, page_size: PageSize = 100):
    actor = request.auth
    may_assess = calc.may_assess(actor)
    if not may_assess and not calc.is_grid_worker(actor):
        raise PermissionDenied()
    today = timezone.localdate()
    period = calc.parse_month(month or f"{today:%Y-%m}")
    now = timezone.now()
    if may_assess:
        result = calc.assessment(actor, period, now=now)
    else:
        own = calc.own_assessment(actor, period, now=now)
        result = calc.Assessment(period, [own] if own else [], now)
    lines = result.lines[(page - 1) * page_size : page * page_size]
    policy = result.policy
    return {
        "period": _period(period),
        "as_of": now,
        "own": not may_assess,
        "policy": {
            "monthly_target": policy.monthly_target,
            "weight_reports": policy.weight_reports,
            "weight_valid": policy.weight_valid,
            "weight_follow_up": policy.weight_follow_up,
            "weight_satisfaction": policy.weight_satisfaction,
            "base_subsidy": policy.base_subsidy,
            "performance_subsidy": policy.performance_subsidy,
            "unrated_days": policy.unrated_days,
        },
        "lines": [_line(line) for line in lines],
        "count": len(result.lines),
        "page": page,
        "page_size": page_size,
        "total_base": result.total_base,
        "total_performance": result.total_performance,
        "total": result.total,
    }
