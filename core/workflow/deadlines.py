"""Deadlines: the cases past or near their deadline, and the scheduled run that flags or escalates them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.errors import DomainError
from core.workflow.declarations import OVERDUE, Flow, Step, flows
from core.workflow.taking import _apply, _record, _when, _write

# -- deadlines ---------------------------------------------------------------------------------------------


def _queryset(model_or_qs):
    if isinstance(model_or_qs, models.QuerySet):
        return model_or_qs
    return model_or_qs._default_manager.all()


def overdue_cases(model_or_qs, *, now: datetime | None = None):
    """Open cases whose deadline has passed (pass a scoped queryset to limit them to an actor's scope)."""
    now = now or timezone.now()
    return _queryset(model_or_qs).filter(deadline_at__lt=now, closed_at__isnull=True).order_by("deadline_at")


def about_to_be_overdue(model_or_qs, *, now: datetime | None = None, within_hours: int = 24):
    """Open cases whose deadline falls within the next ``within_hours`` hours (for reminders)."""
    now = now or timezone.now()
    return (
        _queryset(model_or_qs)
        .filter(deadline_at__gte=now, deadline_at__lte=now + timedelta(hours=within_hours), closed_at__isnull=True)
        .order_by("deadline_at")
    )


@dataclass
class DeadlineRun:
    flagged: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def run_deadlines(flow: Flow, *, model: type[models.Model] | None = None, now: datetime | None = None) -> DeadlineRun:
    """Apply ``on_overdue`` to every case of ``flow`` whose deadline has passed: flag it (once) or let the
    system take the escalation step. Each case in its own transaction on the locked row, so a person acting
    at the same moment either goes first (and the case is no longer due) or finds the case moved on.
    Safe to run again: a flagged case is not flagged twice, an escalated one has a new state and deadline.
    """
    model = model or flow.get_model()
    now = now or timezone.now()
    due = model._base_manager.filter(flow=flow.name, deadline_at__lt=now, overdue=False, closed_at__isnull=True)
    report = DeadlineRun()
    calendars: dict[int, WorkingCalendar] = {}
    for pk in due.order_by("deadline_at").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                locked = due.select_for_update().filter(pk=pk).first()
                if locked is None:
                    continue
                state = flow.states.get(locked.state)
                if state is None:
                    continue
                calendar = calendars.setdefault(locked.county_id, WorkingCalendar(locked.county_id))
                deadline = locked.deadline_at
                action, _sep, step_name = state.on_overdue.partition(":")
                step = Step(
                    actor=None,
                    case=locked,
                    flow=flow,
                    transition=flow.transitions.get(step_name) or flow.start,
                    data={"deadline_at": deadline.isoformat()},
                    note=_("The deadline (%(deadline)s) passed.") % {"deadline": _when(deadline)},
                    attachments=[],
                    now=now,
                    calendar=calendar,
                )
                if action == "escalate":
                    _apply(step, system=True, original=locked)
                    report.escalated.append(pk)
                else:
                    _write(locked, locked, {"overdue": True, "version": locked.version + 1}, [])
                    _record(
                        step,
                        name=OVERDUE,
                        from_state=locked.state,
                        to_state=locked.state,
                        deadline_at=deadline,
                        action="casework.overdue",
                    )
                    report.flagged.append(pk)
        except DomainError as exc:
            report.refused[pk] = " ".join(exc.messages)
    return report


def run_all_deadlines(*, now: datetime | None = None) -> dict[str, DeadlineRun]:
    """``run_deadlines`` for every registered flow that names its model (the scheduled job), then each flow's
    ``after_deadlines(report, now)`` hook (reminders and notifications of the module)."""
    now = now or timezone.now()
    reports = {}
    for flow in flows():
        if flow.model is None:
            continue
        reports[flow.name] = report = run_deadlines(flow, now=now)
        if flow.after_deadlines is not None:  # a function, or its dotted path (the module's services)
            hook = flow.after_deadlines
            (import_string(hook) if isinstance(hook, str) else hook)(report, now)
    return reports
