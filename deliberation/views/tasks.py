"""The task pages of 议事协商: set a task for a decision, the task list (overdue, mine) and a task with its steps
(declared in deliberation/flows.py and taken through casework's step view)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.roles import Action
from core.views import api_twin, paginate, require_action, submit
from deliberation import selectors, services
from deliberation.flows import TASK
from deliberation.forms import TaskForm
from deliberation.views.common import get_or_404, render_page, step_panels, timeline
from deliberation.views.topics import owner_choices, topic_page


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
@api_twin("POST /api/deliberation/decisions/{decision_id}/tasks")
def task_create(request, pk):
    actor = request.user
    decision = get_or_404(selectors.decision, actor, pk)
    back = decision.topic if decision.topic_id else None
    owners = owner_choices(decision.village)
    form = TaskForm(request.POST, owners=owners)
    done = submit(
        request,
        form,
        lambda data: services.task_create(
            actor=actor,
            decision=decision,
            title=data["title"],
            owner_name=data["owner_name"],
            due_date=data["due_date"],
            owner=next((u for u in owners if u.pk == data.get("owner")), None),
        ),
        done=_("Task added."),
        to=(
            reverse("deliberation:topic", args=[back.pk]) + "#tasks"
            if back is not None
            else ("deliberation:rules_detail", {"pk": decision.rules_id})
        ),
    )
    if done:
        return done
    if back is not None:
        return topic_page(request, back, task_form=form, status=422)
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)
    return redirect("deliberation:tasks")


@login_required
@require_action(Action.DELIBERATION_VIEW)
def task_list(request):
    actor = request.user
    overdue = request.GET.get("overdue") == "1"
    mine = request.GET.get("mine") == "1"
    state = request.GET.get("state", "")
    state = state if state in TASK.states else ""
    qs = selectors.search_tasks(actor, state=state, overdue=overdue, mine=mine)
    now = timezone.now()

    def decorate(rows):
        rows = list(rows)
        for t in rows:
            t.state_label = TASK.state_label(t.state)
            t.late = selectors.is_late(t, now)
        return rows

    page = paginate(request, qs, 30, decorate=decorate)
    return render_page(
        request,
        "deliberation/tasks.html",
        {
            "page": page,
            "overdue": overdue,
            "mine": mine,
            # "Mine" only for someone who can be given tasks (staff) or has been given one
            "show_mine": mine or selectors.is_staff(actor) or selectors.search_tasks(actor, mine=True).exists(),
            "state": state,
            "states": [(n, TASK.state_label(n)) for n in TASK.states],
            "filtered": overdue or mine or bool(state),
        },
    )


def task_page(request, task, *, failed=None, status=200):
    """The task with its steps (the flow's ``page``: casework's step view draws it again with a refused step's form)
    and its timeline."""
    actor = request.user
    staff = selectors.is_staff(actor)
    task.state_label = TASK.state_label(task.state)
    task.late = selectors.is_late(task)
    return render_page(
        request,
        "deliberation/task.html",
        {
            "task": task,
            "staff": staff,
            "steps": step_panels(request, task, TASK, failed=failed),
            "timeline": timeline(actor, task, TASK, staff),
        },
        status=status,
    )


@login_required
@require_action(Action.DELIBERATION_VIEW)
def task_detail(request, pk):
    return task_page(request, get_or_404(selectors.task, request.user, pk))
