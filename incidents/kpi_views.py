"""Performance figures (考核指标) and the grid workers' monthly assessment: pages and .xlsx files.

Thin: the period and grouping come from the query string, every number from incidents.kpi (scoped selectors).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.periods import period_form_context
from core.roles import Action
from core.views import paginate, require_action
from incidents import kpi as calc
from registry.views_excel import xlsx_response


def _errors(exc: DomainError) -> list[str]:
    return list(exc.messages)


def _kpi_request(request):
    """(period, grouping, groupings, errors) from the query; bad input gives messages and no period."""
    groupings = calc.groupings_for(request.user)
    if not groupings:
        raise PermissionDenied()
    errors = []
    try:
        period = calc.parse_period(request.GET)
    except DomainError as exc:
        period, errors = None, _errors(exc)
    grouping = request.GET.get("group") or groupings[0]
    if grouping not in groupings:
        errors.append(_("Choose how to group the figures."))
        grouping = groupings[0]
    return period, grouping, groupings, errors


@login_required
@require_action(Action.INCIDENT_KPI)
def kpi(request):
    period, grouping, groupings, errors = _kpi_request(request)
    table = calc.kpi_table(request.user, period, grouping) if period is not None and not errors else None
    context = {
        "table": table,
        "grouping": grouping,
        "groupings": [(g, calc.GROUPINGS[g]) for g in groupings],
        "errors": errors,
        "query": request.GET.urlencode(),
    }
    context.update(period_form_context(request.GET, period))
    context["period"] = period
    return render(request, "incidents/kpi.html", context, status=400 if errors else 200)


@login_required
@require_action(Action.INCIDENT_KPI)
def kpi_xlsx(request):
    period, grouping, groupings, errors = _kpi_request(request)
    if errors or period is None:
        return kpi(request)
    now = timezone.now()
    table = calc.kpi_table(request.user, period, grouping, now=now)  # the breakdown on the page
    content = calc.kpi_xlsx([table], title="网格事件考核指标", exported_at=now)
    slug = f"{period.slug}-{grouping}"
    return xlsx_response(content, f"网格事件考核指标-{slug}.xlsx", f"incident-kpi-{slug}.xlsx")


def _assessment_request(request):
    """(period, errors, whole table allowed?) — a grid worker without INCIDENT_KPI sees their own line only."""
    may_assess = calc.may_assess(request.user)
    if not may_assess and not calc.is_grid_worker(request.user):
        raise PermissionDenied()
    today = timezone.localdate()
    try:
        period = calc.parse_month(request.GET.get("month") or f"{today:%Y-%m}")
        errors = []
    except DomainError as exc:
        period, errors = None, _errors(exc)
    return period, errors, may_assess


@login_required
def assessment(request):
    period, errors, may_assess = _assessment_request(request)
    result = own = None
    if period is not None:
        if may_assess:
            result = calc.assessment(request.user, period)
        else:
            own = calc.own_assessment(request.user, period)
    today = timezone.localdate()
    return render(
        request,
        "incidents/assessment.html",
        {
            "result": result,
            "page": paginate(request, result.lines, 100) if result is not None else None,
            "own": own,
            "period": period,
            "errors": errors,
            "month_value": request.GET.get("month") or f"{today:%Y-%m}",
            "max_month": f"{today:%Y-%m}",
            "policy": calc.DEFAULT_POLICY,
            "may_assess": may_assess,
        },
        status=400 if errors else 200,
    )


@login_required
def assessment_xlsx(request):
    period, errors, may_assess = _assessment_request(request)
    if errors or period is None:
        return assessment(request)
    now = timezone.now()
    if may_assess:
        result = calc.assessment(request.user, period, now=now)
    else:
        own = calc.own_assessment(request.user, period, now=now)
        result = calc.Assessment(period, [own] if own else [], now)
    content = calc.assessment_xlsx(result, title="网格员月度考核", exported_at=now)
    slug = period.slug
    return xlsx_response(content, f"网格员考核-{slug}.xlsx", f"grid-worker-assessment-{slug}.xlsx")
