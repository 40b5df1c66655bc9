"""Expenses: the list, 待我审批, the request with item lines and its correction, an expense with its signing
chain and the steps the person may take."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from casework import steps as casework_steps
from core import scope, workflow
from core.errors import DomainError
from core.roles import Action
from core.views import api_twin, paginate, require_action, submit
from finance import selectors, services
from finance.flows import EXPENSE
from finance.forms import (
    LINE_ROWS,
    ExpenseForm,
)
from finance.models import Direction, Post
from finance.rules import band_label
from finance.views.common import _recording_form, _render

# -- expenses -------------------------------------------------------------------------------------------------


def _decorate(expenses):
    rows = list(expenses)
    for e in rows:
        e.state_label = EXPENSE.state_label(e.state)
        e.waiting_for = Post(e.current_post).label if e.current_post else ""
    return rows


@login_required
def expense_list(request):
    actor = request.user
    if not (scope.can(actor, Action.FINANCE_VIEW) or scope.can(actor, Action.FINANCE_APPROVE)):
        raise PermissionDenied()
    villages = list(selectors.villages(actor))
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), None)
    state = request.GET.get("state", "")
    state = state if state in EXPENSE.states else ""
    qs = selectors.expenses(actor)
    if village is not None:
        qs = qs.filter(village=village)
    if state:
        qs = qs.filter(state=state)
    page = paginate(request, qs.order_by("-requested_at", "-id"), 20, decorate=_decorate)
    context = {
        "page": page,
        "villages": villages,
        "village": village,
        "states": [(name, EXPENSE.state_label(name)) for name in EXPENSE.states],
        "state": state,
        "filtered": bool(village or state),
        "can_request": scope.can(actor, Action.FINANCE_RECORD),
    }
    return _render(request, "finance/expenses.html", context)


@login_required
@require_action(Action.FINANCE_APPROVE)
def queue(request):
    rows = _decorate(selectors.my_queue(request.user))
    return _render(request, "finance/queue.html", {"expenses": rows})


def _line_rows(form_data, lines=None) -> list[dict]:
    rows = []
    for n in range(LINE_ROWS):
        if form_data is not None:
            rows.append(
                {
                    "n": n,
                    "description": form_data.get(f"line_desc_{n}", ""),
                    "amount": form_data.get(f"line_amount_{n}", ""),
                }
            )
        else:
            line = (lines or [])[n] if lines and n < len(lines) else None
            rows.append(
                {
                    "n": n,
                    "description": line.description if line else "",
                    "amount": f"{line.amount:.2f}" if line else "",
                }
            )
    return rows


def _line_error(form) -> str:
    return " ".join(str(e) for e in form.errors.get("lines", [])) if hasattr(form, "errors") else ""


def _expense_form_context(form, villages, village, *, expense=None):
    return {
        "form": form,
        "villages": villages,
        "village": village,
        "expense": expense,
        "line_rows": _line_rows(form.data if form.is_bound else None, list(expense.lines.all()) if expense else None),
        "lines_error": getattr(form, "lines_error", ""),
        "bands": [
            {
                "label": label,
                "posts": [Post(p).label for p in band.posts],
                "needs_deliberation": band.needs_deliberation,
            }
            for band, label in _band_rows(village)
        ]
        if village
        else [],
    }


def _band_rows(village):
    out, lower = [], None
    for band in selectors.bands_for(village):
        out.append((band, band_label(band.max_amount, lower)))
        lower = band.max_amount
    return out


def _lines_apart(form, write):
    """``write`` with a refusal of the item lines kept for the table of lines (``form.lines_error``); the rest
    of the refusal goes on the form."""

    def run(data):
        try:
            return write(data)
        except DomainError as exc:
            if not (hasattr(exc, "error_dict") and "lines" in exc.error_dict):
                raise
            form.lines_error = " ".join(m for e in exc.error_dict["lines"] for m in e.messages)
            raise DomainError({k: v for k, v in exc.error_dict.items() if k != "lines"}) from exc

    return run


def _expense_values(form, data) -> dict:
    """What the expense form gives the service: its fields, the item lines and the vouchers."""
    return {**data, "lines": form.lines(), "vouchers": data.get("vouchers") or ()}


def _to_expense(expense):
    return ("finance:expense", {"pk": expense.pk})


@login_required
@require_action(Action.FINANCE_RECORD)
@api_twin("POST /api/finance/expenses")
def expense_new(request):
    actor = request.user
    villages, village, form = _recording_form(request, ExpenseForm, Direction.EXPENSE)

    def write(data):
        expense = services.expense_submit(actor=actor, village=village, **_expense_values(form, data))
        messages.success(request, _("Expense %(number)s submitted for signing.") % {"number": expense.number})
        return expense

    done = submit(request, form, _lines_apart(form, write), to=_to_expense)
    return done or _render(request, "finance/expense_form.html", _expense_form_context(form, villages, village))


@login_required
@api_twin("POST /api/finance/expenses/{expense_id}/resubmit", "POST /api/finance/expenses/{expense_id}/vouchers")
def expense_correct(request, pk):
    actor = request.user
    expense = selectors.expense(actor, pk)
    if expense.state != "returned" or expense.requester_id != actor.pk:
        raise Http404()
    categories = selectors.categories(expense.county_id, direction=Direction.EXPENSE)
    initial = {
        "title": expense.title,
        "category": expense.category_id,
        "payee": expense.payee,
        "payee_is_person": expense.payee_is_person,
        "amount": f"{expense.amount:.2f}",
        "deliberation_ref": expense.deliberation_ref,
    }
    form = ExpenseForm(request.POST or None, request.FILES or None, categories=categories, initial=initial)
    write = _lines_apart(
        form,
        lambda data: services.expense_resubmit(
            actor=actor,
            expense=expense,
            version=int(request.POST.get("version") or expense.version),
            **_expense_values(form, data),
        ),
    )
    done = submit(
        request,
        form,
        write,
        done=_("Expense corrected and submitted again; the signing starts over."),
        to=_to_expense(expense),
    )
    return done or _render(
        request,
        "finance/expense_form.html",
        _expense_form_context(form, [expense.village], expense.village, expense=expense),
    )


def chain_rows(expense) -> list[dict]:
    """The expense's chain: each step with its post, who signed it and when (this submission), who is next."""
    signed = {}
    for event in workflow.history(expense):
        data = event.data or {}
        if event.transition in ("sign", "sign_last") and data.get("round") == expense.round:
            signed[data.get("step")] = event
    rows = []
    for index, post in enumerate(expense.chain):
        event = signed.get(index)
        rows.append(
            {
                "n": index + 1,
                "post": Post(post).label,
                "event": event,
                "current": expense.state == "pending" and index == expense.step_index,
                "holders": selectors.post_holders(expense.village_id, post)
                if expense.state == "pending" and index == expense.step_index
                else [],
            }
        )
    return rows


@login_required
def expense_detail(request, pk):
    return expense_page(request, selectors.expense(request.user, pk))


def expense_page(request, case, *, failed=None, status=200):
    """An expense with its chain, the steps the person may take now (declared on the flow; they post to the
    casework step view, which draws this page again with a refused form) and its timeline (the flow's page)."""
    actor = request.user
    expense = case
    expense.state_label = EXPENSE.state_label(expense.state)
    timeline = []
    for event in workflow.history(expense):
        timeline.append(
            {
                "event": event,
                "label": EXPENSE.step_label(event.transition) if event.transition != "start" else _("Submitted"),
                "who": event.actor_label or _("system"),
                "post": Post(event.data["post"]).label if (event.data or {}).get("post") in Post.values else "",
                "facts": casework_steps.facts(EXPENSE, event),
            }
        )
    entry = getattr(expense, "entry", None)
    context = {
        "expense": expense,
        "lines": list(expense.lines.all()),
        "vouchers": selectors.vouchers_of(expense),
        "chain": chain_rows(expense),
        "steps": casework_steps.panels(actor, expense, EXPENSE, failed=failed),
        "timeline": timeline,
        "entry": entry,
        "can_correct": expense.state == "returned" and expense.requester_id == actor.pk,
    }
    return _render(request, "finance/expense.html", context, status=status)
