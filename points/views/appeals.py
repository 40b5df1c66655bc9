"""Points pages: appeals (复议) and corrections of ledger entries."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import steps
from core import scope, workflow
from core.roles import Action
from core.views import api_twin, paginate, require_action, submit
from points import selectors, services
from points.flows import APPEAL
from points.forms import (
    ReasonForm,
)


def _entry_reason(request, entry_id, action: str, write, *, done: str, to, template: str):
    """The page of a write that gives a reason about one ledger entry (an appeal of it, a correction of it)."""
    entry = selectors.access_entry(request.user, entry_id, action)
    form = ReasonForm(request.POST or None)
    finished = submit(
        request, form, lambda data: write(actor=request.user, entry=entry, reason=data["reason"]), done=done, to=to
    )
    return finished or render(request, template, {"form": form, "entry": entry})


@login_required
@require_action(Action.POINTS_APPEAL)
@api_twin("POST /api/points/entries/{entry_id}/appeal")
def appeal_file(request, entry_id):
    return _entry_reason(
        request,
        entry_id,
        Action.POINTS_APPEAL,
        services.appeal_file,
        done=_("Your appeal was filed. The review group will investigate."),
        to="points:me",
        template="points/appeal_form.html",
    )


@login_required
@require_action(Action.POINTS_REVIEW)
@api_twin("POST /api/points/entries/{entry_id}/reverse")
def entry_reverse(request, entry_id):
    return _entry_reason(
        request,
        entry_id,
        Action.POINTS_REVIEW,
        services.entry_reverse,
        done=_("Correction recorded."),
        to=lambda reversal: ("points:scheme_detail", {"scheme_id": reversal.scheme_id}),
        template="points/reverse_form.html",
    )


@login_required
@require_action(Action.POINTS_VIEW)
def appeal_list(request):
    """The appeals board (复议): the review group decides from it; a township or county follows the deadlines.
    Overdue appeals come first, with their deadlines; ``?overdue=1`` lists only them."""
    now = timezone.now()
    overdue_only = request.GET.get("overdue") == "1"
    late = list(selectors.overdue_appeals(request.user, now)[:100])
    rows = selectors.overdue_appeals(request.user, now) if overdue_only else selectors.appeals_visible(request.user)
    page = paginate(request, rows, 30)
    for appeal in [*late, *page.object_list]:
        appeal.is_late = selectors.is_late(appeal, now)
        appeal.can_decide = scope.in_scope(request.user, Action.POINTS_REVIEW, appeal)
    return render(request, "points/appeal_list.html", {"page": page, "late": late, "overdue_only": overdue_only})


def _appeal_timeline(appeal) -> list[dict]:
    rows = []
    for event in workflow.history(appeal):
        rows.append(
            {
                "event": event,
                "label": APPEAL.step_label(event.transition),
                "who": event.actor_label or (str(event.actor) if event.actor_id else _("System")),
                "attachments": list(event.attachments.all()),
                "facts": steps.facts(APPEAL, event),
                "overdue": event.transition == workflow.OVERDUE,
            }
        )
    return rows


def appeal_page(request, case, *, failed=None, status=200):
    """An appeal's page (APPEAL's ``page``): the entry, the household's reason, the deadline, the review group's
    decision form (casework's step view takes it) and the timeline. Drawn again with the refused form."""
    panels = steps.panels(request.user, case, APPEAL, failed=failed)
    for panel in panels:
        panel["open"] = True  # deciding is what this page is for: the form is shown, not folded
    return render(
        request,
        "points/appeal.html",
        {
            "appeal": case,
            "state_label": APPEAL.state_label(case.state),
            "late": selectors.is_late(case),
            "steps": panels,
            "timeline": _appeal_timeline(case),
        },
        status=status,
    )


@login_required
def appeal_detail(request, appeal_id):
    return appeal_page(request, selectors.find_appeal(request.user, appeal_id))
