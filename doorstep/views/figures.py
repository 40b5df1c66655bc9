"""The figures of services on the doorstep: a period and a place (the actor's county by township, a township by
village, or a village), the totals, the figures by level and by item, and the agents' workload (listed by name,
never ranked); the same as an .xlsx (``?format=xlsx``). Thin: every number comes from doorstep.figures. Reads
only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from core.roles import Action
from core.views import require_action
from doorstep import figures as calc


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return params.urlencode()


@login_required
@require_action(Action.SERVICE_FIGURES)
def figures_page(request):
    actor = request.user
    start, end = calc.period(request.GET)
    place = calc.region(actor, request.GET.get("region"))
    if request.GET.get("format") == "xlsx":
        from registry.views_excel import xlsx_response

        result = calc.figures(actor, place, start=start, end=end)
        stem = f"{start:%Y%m%d}-{end:%Y%m%d}"
        return xlsx_response(
            calc.xlsx(result), f"便民服务统计-{place.name}-{stem}.xlsx", f"doorstep-figures-{place.code}-{stem}.xlsx"
        )
    result = calc.cached_figures(actor, place, start=start, end=end)
    choices = calc.regions(actor)
    if place.pk not in {r.pk for r in choices}:
        choices.append(place)
    up = None
    if place.parent_id and place.level != "county":
        parent = place.parent
        from core import scope

        if scope.region_in_scope(actor, Action.SERVICE_FIGURES, parent):
            up = parent
    return render(
        request,
        "doorstep/figures.html",
        {
            "result": result,
            "place": place,
            "up": up,
            "choices": choices,
            "columns": calc.COLUMNS,
            "rates": calc.RATES,
            "agent_columns": calc.AGENT_COLUMNS,
            "definitions": calc.DEFINITIONS,
            "xlsx_query": _query(request, format="xlsx", region=str(place.pk), start=f"{start}", end=f"{end}"),
            "period_query": f"start={start}&end={end}",
        },
    )


urlpatterns = [
    path("figures/", figures_page, name="figures"),
]
