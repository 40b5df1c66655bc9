"""The month's overview, the ledger with its filters and totals, an entry with its vouchers and reversal,
recording income."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import scope
from core.roles import Action
from core.views import api_twin, file_response, paginate, require_action, submit
from finance import ledger, selectors, services
from finance.forms import (
    IncomeForm,
    ReverseForm,
    VoucherForm,
)
from finance.models import Direction
from finance.views.common import _month, _recording_form, _render, _shift, _villages

# -- overview and ledger --------------------------------------------------------------------------------------


def _year_rows(village, year: int) -> list[dict]:
    """The year's months that have begun, from the first one the books show anything in (the months before the
    village's first entry would only repeat 0.00)."""
    rows = [
        {"label": f"{year}-{m:02d}", "opening": o, "income": i, "expense": e, "closing": c}
        for m, o, i, e, c in ledger.monthly_balances(village.pk, year)
        if date(year, m, 1) <= timezone.localdate()
    ]
    while rows and not (rows[0]["opening"] or rows[0]["income"] or rows[0]["expense"]):
        rows.pop(0)
    return rows


@login_required
@require_action(Action.FINANCE_VIEW)
def home(request):
    actor = request.user
    villages, village = _villages(request)
    year, month = _month(request)
    context = {"villages": villages, "village": village, "year": year, "month": month}
    if village is not None:
        summary = ledger.month_summary(village.pk, year, month)
        pending = selectors.expenses(actor).filter(village=village, state="pending").count()
        approved = selectors.expenses(actor).filter(village=village, state="approved").count()
        context.update(
            summary=summary,
            pending=pending,
            approved=approved,
            months=_year_rows(village, year),
            year_begun=date(year, 1, 1) <= timezone.localdate(),
            month_value=f"{year}-{month:02d}",
            prev_month=_shift(year, month, -1),
            next_month=_shift(year, month, 1),
        )
    context.update(
        queue=len(selectors.my_queue(actor)),
        can_record=scope.can(actor, Action.FINANCE_RECORD),
    )
    return _render(request, "finance/home.html", context)


@login_required
@require_action(Action.FINANCE_VIEW)
def ledger_list(request):
    actor = request.user
    villages, village = _villages(request)
    if village is None:
        raise PermissionDenied()
    year, month = _month(request)
    direction = request.GET.get("direction", "")
    direction = direction if direction in Direction.values else ""
    categories = selectors.categories(village.county_id, active_only=False)
    chosen = selectors.category(actor, village.county_id, request.GET.get("category"))
    qs = selectors.ledger(actor, village=village, year=year, month=month, category=chosen, direction=direction)
    page = paginate(request, qs, 50)
    summary = ledger.month_summary(village.pk, year, month)
    shown = list(qs)
    shown_income = sum((e.signed_amount for e in shown if e.direction == Direction.INCOME), 0)
    shown_expense = sum((e.signed_amount for e in shown if e.direction == Direction.EXPENSE), 0)
    query = {"village": village.pk, "month": f"{year}-{month:02d}"}
    context = {
        "villages": villages,
        "village": village,
        "page": page,
        "summary": summary,
        "year": year,
        "month": month,
        "month_value": f"{year}-{month:02d}",
        "directions": Direction.choices,
        "direction": direction,
        "categories": categories,
        "category": chosen,
        "filtered": bool(direction or chosen),
        "shown_income": shown_income,
        "shown_expense": shown_expense,
        "prev_month": _shift(year, month, -1),
        "next_month": _shift(year, month, 1),
        "export_url": reverse("finance:export") + "?" + urlencode(query),
        "can_record": scope.region_in_scope(actor, Action.FINANCE_RECORD, village),
    }
    return _render(request, "finance/ledger.html", context)


def _to_entry(entry):
    return ("finance:entry", {"pk": entry.pk})


@login_required
@require_action(Action.FINANCE_VIEW)
@api_twin("POST /api/finance/entries/{entry_id}/reverse")
def entry_detail(request, pk):
    actor = request.user
    entry = selectors.entry(actor, pk)
    can_record = scope.in_scope(actor, Action.FINANCE_RECORD, entry)
    reversed_by = selectors.entries(actor).filter(reverses=entry).first()
    reversible = can_record and not entry.is_reversal and reversed_by is None
    reverse_form = ReverseForm(request.POST or None) if reversible else None

    def write(data):
        reversal = services.entry_reverse(actor=actor, entry=entry, reason=data["reason"], date=data["date"])
        messages.success(request, _("Reversing entry %(number)s recorded.") % {"number": reversal.number})
        return reversal

    done = reverse_form is not None and submit(request, reverse_form, write, to=_to_entry)
    if done:
        return done
    vouchers = selectors.vouchers_of(entry)
    if entry.expense_id:
        vouchers += selectors.vouchers_of(entry.expense)
    context = {
        "entry": entry,
        "reversed_by": reversed_by,
        "vouchers": vouchers,
        "reverse_form": reverse_form,
        "voucher_form": VoucherForm() if can_record else None,
        "expense": entry.expense if entry.expense_id else None,
    }
    return _render(request, "finance/entry.html", context)


@login_required
@require_POST
@require_action(Action.FINANCE_RECORD)
@api_twin("POST /api/finance/entries/{entry_id}/vouchers")
def entry_vouchers(request, pk):
    entry = selectors.entry(request.user, pk)
    form = VoucherForm(request.POST, request.FILES)

    def write(data):
        stored = services.entry_attach(actor=request.user, entry=entry, files=data["vouchers"])
        messages.success(request, _("%(n)s voucher(s) attached.") % {"n": len(stored)})
        return entry

    done = submit(request, form, write, to=_to_entry)
    if done:
        return done
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("finance:entry", pk=entry.pk)


@login_required
def voucher(request, pk):
    found = selectors.voucher(request.user, pk)
    return file_response(found.file, content_type=found.content_type, name=found.name)


@login_required
@require_action(Action.FINANCE_RECORD)
@api_twin("POST /api/finance/entries/income", "POST /api/finance/entries/{entry_id}/vouchers")
def income_new(request):
    actor = request.user
    villages, village, form = _recording_form(request, IncomeForm, Direction.INCOME)

    def write(data):
        entry = services.entry_record_income(
            actor=actor, village=village, **{**data, "vouchers": data.get("vouchers") or ()}
        )
        messages.success(request, _("Income %(number)s recorded.") % {"number": entry.number})
        return entry

    done = submit(request, form, write, to=_to_entry)
    return done or _render(
        request, "finance/income_form.html", {"form": form, "villages": villages, "village": village}
    )
