"""The monthly disclosure and the month's .xlsx."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import scope
from core.roles import Action
from core.views import api_twin, require_action, submit
from finance import ledger, selectors, services
from finance.disclosure import month_xlsx
from finance.forms import (
    CorrectionForm,
    DisclosureForm,
)
from finance.views.common import _month, _render, _villages

# -- monthly disclosure and export ----------------------------------------------------------------------------


def _to_notice(disclosure):
    """A disclosure generated is a draft notice: the page goes on to it."""
    return ("transparency:detail", {"pk": disclosure.notice_id})


@login_required
@require_action(Action.FINANCE_VIEW)
@api_twin("POST /api/finance/disclosures")
def disclosures(request):
    actor = request.user
    villages, village = _villages(request)
    if village is None:
        raise PermissionDenied()
    today = timezone.localdate()
    months = selectors.month_choices(today.replace(day=1) - timedelta(days=1), 24)
    can_generate = scope.region_in_scope(actor, Action.FINANCE_RECORD, village)
    # a month already generated (and not withdrawn) is not offered again: the service would refuse it
    generated = selectors.generated_months(village.pk)
    open_months = [m for m in months if m not in generated]
    form = DisclosureForm(request.POST or None, months=open_months) if can_generate and open_months else None

    def write(data):
        year, month = (int(x) for x in data["month"].split("-"))
        row = services.disclosure_generate(actor=actor, village=village, year=year, month=month)
        messages.success(
            request,
            _("The disclosure of %(month)s was generated as a draft financial notice: submit it for checking.")
            % {"month": f"{year}-{month:02d}"},
        )
        return row

    done = form is not None and submit(request, form, write, to=_to_notice)
    if done:
        return done
    preview = None
    if request.GET.get("preview"):
        try:
            year, month = (int(x) for x in request.GET["preview"].split("-"))
            summary = ledger.month_summary(village.pk, year, month)
        except (ValueError, OverflowError):
            summary = None
        if summary is not None:
            from finance.disclosure import disclosure_text

            preview = {"month": f"{year}-{month:02d}", "text": disclosure_text(village, summary)[1]}
    from transparency.flows import NOTICE

    rows = list(selectors.disclosures(actor, village))
    for row in rows:
        row.state_label = NOTICE.state_label(row.notice.state)
        row.can_correct = can_generate and selectors.correctable(row)
    return _render(
        request,
        "finance/disclosures.html",
        {
            "villages": villages,
            "village": village,
            "form": form,
            "rows": rows,
            "preview": preview,
            "months": [f"{y}-{m:02d}" for y, m in months[:12]],
            "all_generated": can_generate and not open_months,
        },
    )


@login_required
@require_action(Action.FINANCE_RECORD)
@api_twin("POST /api/finance/disclosures/{disclosure_id}/correct")
def disclosure_correct(request, pk):
    """更正 a published disclosure: the page shows what the correction will say (the figures that changed, the
    entries reversed since) and asks for the reason; the correction is a draft financial notice to check."""
    row = selectors.disclosure(request.user, pk)
    if not scope.in_scope(request.user, Action.FINANCE_RECORD, row):
        raise Http404()
    form = CorrectionForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.disclosure_correct(actor=request.user, disclosure=row, reason=data["reason"]),
        done=_("The correction was generated as a draft financial notice: submit it for checking."),
        to=_to_notice,
    )
    if done:
        return done
    from finance.disclosure import changes, correction_text, statement_lines
    from finance.services.disclosures import reversed_since

    summary = ledger.month_summary(row.village_id, row.year, row.month)
    reason = form["reason"].value() or "……"
    status = 400 if request.method == "POST" else 200
    return _render(
        request,
        "finance/disclosure_correct.html",
        {
            "row": row,
            "village": row.village,
            "form": form,
            "correctable": selectors.correctable(row),
            "changed": changes(row, statement_lines(summary)),
            "preview": correction_text(row.village, summary, row, reason, reversed_since(row))[1],
        },
        status=status,
    )


@login_required
@require_action(Action.FINANCE_VIEW)
def export(request):
    villages, village = _villages(request)
    if village is None:
        raise Http404()
    year, month = _month(request)
    summary = ledger.month_summary(village.pk, year, month)
    content = month_xlsx(village, summary)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"ledger-{village.code}-{year}-{month:02d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
