"""Decisions and their tasks over the API."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from casework import steps as casework_steps
from core.api_types import Id
from core.errors import NotFound
from core.roles import Action
from deliberation import selectors, services
from deliberation.api._common import _require, _timeline, router
from deliberation.api.topics import _decision, _task
from deliberation.flows import TASK
from deliberation.schemas import DecisionOut, TaskDetail, TaskIn, TaskOut

# -- decisions and tasks ----------------------------------------------------------------------------------------


@router.get("/decisions/{int:decision_id}", response=DecisionOut, summary=gettext_lazy("A decision with its tasks"))
def decision_detail(request, decision_id: Id):
    return _decision(selectors.decision(request.auth, decision_id))


@router.post(
    "/decisions/{int:decision_id}/tasks", response={201: TaskDetail}, summary=gettext_lazy("Set a task for a decision")
)
def task_create(request, decision_id: Id, payload: TaskIn):
    from accounts.models import User

    actor = request.auth
    decision = selectors.decision(actor, decision_id)
    owner = None
    if payload.owner_id is not None:
        owner = User.objects.filter(pk=payload.owner_id, assignments__region_id=decision.village_id).first()
        if owner is None:
            raise NotFound()
    task = services.task_create(
        actor=actor,
        decision=decision,
        title=payload.title,
        owner_name=payload.owner_name,
        due_date=payload.due_date,
        owner=owner,
    )
    return 201, _task_detail(actor, selectors.task(actor, task.pk))


def _task_detail(actor, task) -> dict:
    data = _task(task)
    data.update(
        {
            "steps": casework_steps.describe(actor, task, TASK),
            "timeline": _timeline(actor, task, TASK, selectors.is_staff(actor)),
        }
    )
    return data


@router.get(
    "/tasks", response=list[TaskOut], summary=gettext_lazy("Tasks the caller may see; overdue=true for the late ones")
)
def task_list(request, overdue: bool = False, state: str = "", mine: bool = False):
    _require(request.auth, Action.DELIBERATION_VIEW)
    now = timezone.now()
    return [_task(t, now) for t in selectors.search_tasks(request.auth, state=state, overdue=overdue, mine=mine)[:500]]


@router.get("/tasks/{int:task_id}", response=TaskDetail, summary=gettext_lazy("A task with its progress notes"))
def task_detail(request, task_id: Id):
    return _task_detail(request.auth, selectors.task(request.auth, task_id))
