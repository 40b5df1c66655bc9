"""The dashboards' pages: a place's figures (county, township, village) for a period, the places one level down
side by side, the .xlsx of every chart's data, and the definitions of the indicators. Thin: the figures come from
dashboards.selectors, the period from the query (core.periods)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import indicators as ind
from core.errors import DomainError, PermissionDenied
from core.periods import YEAR, parse_period, period_form_context
from core.roles import Action
from core.views import require_action
from core.xlsx import workbook
from dashboards import exports, selectors
from registry.views_excel import xlsx_response


def _period(request):
    """The period asked for (this year when none is), or None and the messages."""
    params = request.GET.copy()
    params.setdefault("period", YEAR)
    try:
        return parse_period(params), []
    except DomainError as exc:
        return None, list(exc.messages)


def _keys(request) -> list[str]:
    return [k for k in request.GET.getlist("indicator") if k]


@login_required
@require_action(Action.DASHBOARD_VIEW)
def index(request):
    """The actor's own place (the highest they may read): the county, their township or their first village."""
    places = selectors.places(request.user)
    if len(places) == 1 or (places and places[0].level != "village"):
        query = request.GET.urlencode()
        return redirect(reverse("dashboards:place", args=[places[0].pk]) + (f"?{query}" if query else ""))
    return render(request, "dashboards/index.html", {"places": places})


@login_required
@require_action(Action.DASHBOARD_VIEW)
def place(request, region_id):
    period, errors = _period(request)
    board = None
    if period is not None:
        try:
            board = selectors.board(request.user, region_id, period, keys=_keys(request))
        except PermissionDenied as exc:
            return render(
                request,
                "dashboards/index.html",
                {"places": selectors.places(request.user), "refused": str(exc) or _("You may not read this place.")},
                status=403,
            )
        except DomainError as exc:
            errors = list(exc.messages)
    region = board.region if board else selectors.place(request.user, region_id)
    context = {
        "board": board,
        "region": region,
        "trail": selectors.trail(request.user, region),
        "errors": errors,
        "query": request.GET.urlencode(),
        "charts": exports.chart_data(board, request.GET) if board else None,
        "action": reverse("dashboards:place", args=[region.pk]),
    }
    context.update(period_form_context(request.GET, period, default_kind=YEAR))
    return render(request, "dashboards/place.html", context, status=400 if errors else 200)


@login_required
@require_action(Action.DASHBOARD_VIEW)
def place_xlsx(request, region_id):
    period, errors = _period(request)
    if errors:
        return place(request, region_id)
    try:
        board = selectors.board(request.user, region_id, period, keys=_keys(request))
    except (DomainError, PermissionDenied):
        return place(request, region_id)
    content = workbook(*exports.sheets(board))
    slug = f"{board.region.code}-{period.slug}"
    return xlsx_response(content, f"{board.region.name}指标-{period.slug}.xlsx", f"dashboard-{slug}.xlsx")


@login_required
@require_action(Action.DASHBOARD_VIEW)
def definitions(request):
    rows = ind.all_indicators()
    return render(
        request,
        "dashboards/definitions.html",
        {"modules": exports.by_module(rows)},
    )
