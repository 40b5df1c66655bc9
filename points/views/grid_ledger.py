"""一网格一档: a grid's monthly ledger of points, on the page, printed and as a spreadsheet."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from core.roles import Action
from core.views import require_action
from points import ledger_export
from registry.views_excel import xlsx_response


def _ledger(request, scheme_id):
    scheme, grids = ledger_export.ledger_access(request.user, scheme_id)
    grid = ledger_export.pick_grid(grids, request.GET.get("grid"))
    month = ledger_export.parse_month(request.GET.get("month"))
    return grids, ledger_export.grid_month_ledger(scheme, grid, month)


def _ledger_query(ledger, month: date) -> str:
    return urlencode({"grid": ledger.grid.pk, "month": f"{month:%Y-%m}"})


@login_required
@require_action(Action.POINTS_VIEW)
def ledger(request, scheme_id):
    grids, data = _ledger(request, scheme_id)
    if request.GET.get("print"):
        return render(request, "points/lists/ledger_print.html", {"ledger": data, "printed_on": timezone.localdate()})
    return render(
        request,
        "points/lists/ledger.html",
        {
            "ledger": data,
            "scheme": data.scheme,
            "grids": grids,
            "query": _ledger_query(data, data.month),
            "previous": _ledger_query(data, ledger_export.previous_month(data.month)),
            "next": _ledger_query(data, ledger_export.next_month(data.month))
            if data.month < timezone.localdate().replace(day=1)
            else "",
        },
    )


@login_required
@require_action(Action.POINTS_VIEW)
def ledger_print(request, scheme_id):
    _grids, data = _ledger(request, scheme_id)
    return render(request, "points/lists/ledger_print.html", {"ledger": data, "printed_on": timezone.localdate()})


@login_required
@require_action(Action.POINTS_VIEW)
def ledger_xlsx(request, scheme_id):
    _grids, data = _ledger(request, scheme_id)
    filename, fallback = ledger_export.export_filename(data)
    return xlsx_response(ledger_export.build_xlsx(data), filename, fallback)
