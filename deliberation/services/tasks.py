"""Tasks set for a decision (a case with a working-day deadline) and their steps."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.calendar import WorkingCalendar
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from core.roles import Action
from deliberation.flows import FINAL_TOPIC_STATES, TASK
from deliberation.models import Decision, Task
from deliberation.services._common import _check, _date
from transparency.privacy import check_public_text

# -- tasks ----------------------------------------------------------------------------------------------------


def task_create(*, actor, decision: Decision, title, owner_name, due_date, owner=None, now=None) -> Task:
    """A task carrying out a decision: owner, due date (its deadline is 18:00 of the last working day up to it)."""
    locked = Decision.objects.select_related("topic", "rules").filter(pk=getattr(decision, "pk", decision)).first()
    if locked is None or not scope.in_scope(actor, Action.DELIBERATION_MANAGE, locked):
        raise NotFound()
    if locked.topic is not None and locked.topic.state in FINAL_TOPIC_STATES:
        raise DomainError(_("The result of this decision has been published; no new task can be added."), code="state")
    now = now or timezone.now()
    errors = {}
    title = _check(errors, _text, title, "title", max_length=150)
    owner_name = _check(errors, _text, owner_name, "owner_name", max_length=50)
    due = _check(errors, _date, due_date, "due_date")
    today = timezone.localtime(now).date()
    if due is not None and "due_date" not in errors:
        if due <= today:
            errors["due_date"] = [_("The task must be due after today.")]
        elif due > today + timedelta(days=366):
            errors["due_date"] = [_("A task is due within a year.")]
    if owner is not None and not any(g.village_id == locked.village_id for g in scope.grants(owner)):
        errors["owner"] = [_("Choose an account of the village.")]
    if errors:
        raise DomainError(errors)
    check_public_text(title=title)
    days = WorkingCalendar(locked.county_id).working_days_between(today, due)
    task = Task(
        decision=locked,
        title=title,
        owner=owner,
        owner_name=owner_name,
        due_date=due,
        working_days=max(days, 0),
        created_by=actor,
        created_at=now,
    )
    task.place_in(locked.village)
    with transaction.atomic():
        workflow.start(actor=actor, case=task, flow=TASK, note=title, now=now)
        audit.record(
            actor,
            "deliberation.task.create",
            task,
            after=audit.snapshot(task, ["title", "owner_name", "due_date", "decision"]),
        )
    return task


def task_step(*, actor, task: Task, step: str, data: dict | None = None, note: str = "", version=None, now=None):
    return workflow.transition(
        actor=actor, case=task, flow=TASK, name=step, data=data or {}, note=note, expected_version=version, now=now
    )
