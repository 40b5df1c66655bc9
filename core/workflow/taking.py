"""Taking a step: opening a case and every step, each in one transaction on the locked case row."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import date as date_type
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.models import CaseAttachment, CaseEvent
from core import audit
from core.calendar import WorkingCalendar
from core.errors import DomainError, NotFound
from core.fields import FILES, LABELS, NOTE, Choice
from core.workflow.access import _allowed, _list_separator, _who, _window_end, available, can_see
from core.workflow.declarations import (
    _REGISTRY,
    START,
    STAY,
    Deadline,
    Extend,
    Flow,
    SetDeadline,
    Step,
    Transition,
    get_flow,
)
from core.workflow.telling import _tell

# -- taking a step -----------------------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, models.Model):
            return o.pk
        return super().default(o)


def _jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=_Encoder))


def _present(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {}, ())


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _lock(case):
    if case.pk is None:
        raise NotFound()
    locked = type(case)._base_manager.select_for_update().filter(pk=case.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _check(step: Step, *, system: bool) -> None:
    """Every refusal, in the order a person can act on it. Raises DomainError; writes nothing."""
    tr, case = step.transition, step.case
    if not _allowed(step.actor, case, tr.allow):
        if step.actor is None:
            raise DomainError(_("“%(step)s” is not taken by the system.") % {"step": tr.label}, code="role")
        raise DomainError(
            _("Only %(who)s may “%(step)s”.") % {"who": _who(tr.allow), "step": tr.label},
            code="role",
        )
    end = _window_end(tr, case, step.calendar)
    if end is not None and step.now > end:
        raise DomainError(
            _("“%(step)s” was possible until %(until)s (%(window)s after the case reached “%(state)s”).")
            % {"step": tr.label, "until": _when(end), "window": tr.window, "state": step.flow.state_label(case.state)},
            code="window",
        )
    if not system:
        errors = _clean_fields(step)
        for key in tr.requires:
            if key in errors or tr.field(key) is not None:
                continue
            if key == "note":
                ok = _present(step.note)
            elif key == "attachments":
                ok = bool(step.attachments)
            else:
                ok = _present(step.data.get(key))
            if not ok:
                errors[key] = [ValidationError(_("Required to “%(step)s”.") % {"step": tr.label}, code="required")]
        if errors:
            raise DomainError(errors)
    for guard in tr.guards:
        guard(step)


def _clean_fields(step: Step) -> dict:
    """Clean the step's declared fields in place (data, note, attachments); return the errors by field."""
    errors: dict[str, list] = {}
    for f in step.transition.fields:
        if not f.applies(actor=step.actor, case=step.case):
            continue
        if f.name == NOTE:
            raw = step.note
        elif f.name == FILES:
            raw = step.attachments
        else:
            raw = step.data.get(f.name)
        try:
            value = f.clean(raw, actor=step.actor, case=step.case)
        except ValidationError as exc:
            errors[f.name] = [exc]
            continue
        if value is None and f.required:
            errors[f.name] = [
                ValidationError(_("Required to “%(step)s”.") % {"step": step.transition.label}, code="required")
            ]
        elif f.name == NOTE:
            step.note = value or ""
        elif f.name == FILES:
            step.attachments = list(value or [])
        elif value is None:
            step.data.pop(f.name, None)
        else:
            step.data[f.name] = value
            if isinstance(f, Choice) and callable(f.options):
                # a choice among the case's own rows (a mediator, a department): the timeline keeps its name as
                # it read when the step was taken (the row may change or leave the list later)
                label = dict(f.choices(actor=step.actor, case=step.case)).get(value)
                step.data.setdefault(LABELS, {})[f.name] = label
    return errors


def _extended_deadline(step: Step, rule: Extend) -> datetime:
    case, tr = step.case, step.transition
    raw = step.data.get(rule.field)
    try:
        days = int(raw)
        if isinstance(raw, float) or str(raw).strip() != str(days):
            raise ValueError
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= rule.max_total:
        raise DomainError(
            {rule.field: _("Give a whole number of working days from 1 to %(max)s.") % {"max": rule.max_total}}
        )
    if case.deadline_at is None:
        raise DomainError(_("This case has no deadline to extend."), code="deadline")
    if rule.before_deadline and step.now > case.deadline_at:
        raise DomainError(
            _("The deadline (%(deadline)s) has passed; it can no longer be extended.")
            % {"deadline": _when(case.deadline_at)},
            code="deadline",
        )
    used = 0
    for data in _events_of(case).filter(flow=step.flow.name, transition=tr.name).values_list("data", flat=True):
        try:
            used += int((data or {}).get(rule.field) or 0)
        except (TypeError, ValueError):
            continue
    if used + days > rule.max_total:
        raise DomainError(
            {
                rule.field: _("The deadline can be extended by at most %(max)s working days in all; %(left)s are left.")
                % {"max": rule.max_total, "left": max(rule.max_total - used, 0)}
            }
        )
    step.data[rule.field] = days
    return step.calendar.add_working_days(case.deadline_at, days)


def _stated_deadline(step: Step, rule: SetDeadline) -> datetime:
    raw = step.data.get(rule.field)
    moment = None
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date_type):
        moment = datetime.combine(raw, time(18, 0))
    elif isinstance(raw, str) and raw.strip():
        try:
            moment = datetime.fromisoformat(raw.strip())
            if len(raw.strip()) <= 10:
                moment = datetime.combine(moment.date(), time(18, 0))
        except ValueError:
            moment = None
    if moment is None:
        raise DomainError({rule.field: _("Give the new deadline as a date, e.g. 2026-12-01.")})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment <= step.now:
        raise DomainError({rule.field: _("The new deadline must lie in the future.")})
    if moment > step.now + timedelta(days=rule.max_days):
        raise DomainError(
            {rule.field: _("The new deadline can be at most %(days)s days ahead.") % {"days": rule.max_days}}
        )
    step.data[rule.field] = moment.isoformat()
    return moment


def _content_type(case) -> ContentType:
    return ContentType.objects.get_for_model(type(case))


def _events_of(case):
    return CaseEvent.objects.filter(content_type=_content_type(case), object_id=case.pk)


def _record(step: Step, *, name: str, from_state: str, to_state: str, deadline_at, action: str) -> CaseEvent:
    case, actor = step.case, step.actor
    event = CaseEvent.objects.create(
        content_type=_content_type(case),
        object_id=case.pk,
        flow=step.flow.name,
        transition=name,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor)[:150] if getattr(actor, "pk", None) else "",
        at=step.now,
        note=step.note,
        data=_jsonable(step.data),
        deadline_at=deadline_at,
        county_id=case.county_id,
        township_id=case.township_id,
        village_id=case.village_id,
    )
    for upload in step.attachments:
        CaseAttachment.objects.create(
            event=event,
            file=upload,
            name=os.path.basename(upload.name or "")[:200] or "file",
            size=getattr(upload, "size", 0) or 0,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
            thumbnail=getattr(upload, "thumbnail", None) or "",
        )
    audit.record(
        actor,
        action,
        case,
        before={"state": from_state} if from_state else None,
        after={
            "flow": step.flow.name,
            "step": name,
            "state": to_state,
            "deadline_at": deadline_at.isoformat() if deadline_at else None,
        },
        note=step.note,
    )
    return event


def _write(case, original, changes: dict, effect_fields: list[str]) -> None:
    """Store the workflow columns (by an UPDATE on the locked row) and the effects' own fields."""
    type(case)._base_manager.filter(pk=case.pk).update(**changes)
    for key, value in changes.items():
        setattr(case, key, value)
        setattr(original, key, value)
    if effect_fields:
        case.save(update_fields=effect_fields)
        for name in effect_fields:
            attname = case._meta.get_field(name).attname
            setattr(original, attname, getattr(case, attname))


def _apply(step: Step, *, system: bool, original) -> CaseEvent:
    flow, tr, case = step.flow, step.transition, step.case
    _check(step, system=system)
    from_state = case.state
    to_state = from_state if tr.target == STAY else tr.target
    target = flow.states[to_state]
    changes: dict[str, Any] = {"version": case.version + 1}
    if isinstance(tr.deadline, Extend):
        changes["deadline_at"] = _extended_deadline(step, tr.deadline)
        changes["overdue"] = False
    elif isinstance(tr.deadline, SetDeadline):
        changes["deadline_at"] = _stated_deadline(step, tr.deadline)
        changes["overdue"] = False
    effect_fields: list[str] = []
    for effect in tr.effects:  # effects first: a deadline may be read from a field an effect sets
        effect_fields.extend(effect(step) or ())
    if (tr.deadline is None and to_state != from_state) or isinstance(tr.deadline, Deadline):
        rule = tr.deadline if tr.deadline is not None else target.deadline
        changes["deadline_at"] = rule.due(step.now, step.calendar, case) if rule is not None else None
        changes["overdue"] = False
    if to_state != from_state:
        changes.update(state=to_state, state_entered_at=step.now)
        changes["closed_at"] = step.now if flow.is_final(to_state) else None
    _write(case, original, changes, sorted(set(effect_fields)))
    if system:
        step.note = step.note or _("The deadline passed; the system took this step.")
    event = _record(
        step,
        name=tr.name,
        from_state=from_state,
        to_state=to_state,
        deadline_at=case.deadline_at,
        action="casework.transition",
    )
    _tell(step, event)
    return event


def start(
    *,
    actor,
    case: models.Model,
    flow: Flow,
    note: str = "",
    data: dict | None = None,
    attachments: Iterable = (),
    now: datetime | None = None,
) -> CaseEvent:
    """Open a case: put it in the flow's initial state with its deadline and record the first event.

    ``case`` may be unsaved (it is inserted) or saved but not yet opened. Who may open it is the flow's
    ``start_allow``, checked against the case's place (so place it in its village first).
    """
    inserted = case.pk is None
    try:
        with transaction.atomic():
            if inserted:
                case.save()
            return _open(actor=actor, case=case, flow=flow, note=note, data=data, attachments=attachments, now=now)
    except Exception:
        if inserted:  # the insert was rolled back with everything else
            case.pk = None
            case._state.adding = True
        raise


def _open(*, actor, case, flow, note, data, attachments, now) -> CaseEvent:
    """The body of ``start``, inside its transaction."""
    locked = _lock(case)
    if locked.flow or locked.state:
        raise DomainError(
            _("This case has already been opened; it is “%(state)s”.")
            % {"state": get_flow(locked.flow).state_label(locked.state) if locked.flow in _REGISTRY else ""},
            code="started",
        )
    # who may open a confidential case (a dispute recorded by a grid worker) need not see it afterwards
    opener = flow.confidential and _allowed(actor, locked, flow.start.allow)
    if actor is not None and not opener and not can_see(actor, locked, flow):
        raise NotFound()
    step = Step(
        actor=actor,
        case=locked,
        flow=flow,
        transition=flow.start,
        data=dict(data or {}),
        note=(note or "").strip(),
        attachments=list(attachments),
        now=now or timezone.now(),
        calendar=WorkingCalendar(locked.county_id),
    )
    _check(step, system=False)
    initial = flow.states[flow.initial]
    changes = {
        "flow": flow.name,
        "state": flow.initial,
        "state_entered_at": step.now,
        "opened_at": step.now,
        "deadline_at": initial.deadline.due(step.now, step.calendar, locked) if initial.deadline else None,
        "overdue": False,
        "closed_at": None,
        "version": locked.version + 1,
    }
    _write(locked, case, changes, [])
    event = _record(
        step, name=START, from_state="", to_state=flow.initial, deadline_at=locked.deadline_at, action="casework.start"
    )
    _tell(step, event)
    return event


def transition(
    *,
    actor,
    case: models.Model,
    flow: Flow,
    name: str,
    data: dict | None = None,
    note: str = "",
    attachments: Iterable = (),
    expected_version: int | None = None,
    now: datetime | None = None,
) -> CaseEvent:
    """Take the step ``name`` on ``case`` as ``actor`` and return the recorded event.

    ``expected_version`` is the ``case.version`` the actor was looking at (a page sends it back with the
    form): if anyone changed the case since, the step is refused instead of being taken on a case the actor
    has not seen. ``case`` (the caller's instance) is updated with the new state.
    """
    with transaction.atomic():
        locked = _lock(case)
        if not can_see(actor, locked, flow):
            raise NotFound()
        if locked.flow != flow.name:
            raise DomainError(
                _("This case is not handled by the procedure “%(flow)s”.") % {"flow": flow.label}, code="flow"
            )
        tr = flow.transitions.get(name)
        if tr is None:
            raise DomainError(_("There is no step “%(step)s” in this procedure.") % {"step": name}, code="unknown")
        state = flow.state_label(locked.state)
        if expected_version is not None and locked.version != expected_version:
            raise DomainError(
                _("Someone else changed this case meanwhile; it is now “%(state)s”. Look at it again before you act.")
                % {"state": state},
                code="stale",
            )
        if locked.state not in tr.source:
            possible = available(actor, locked, flow, now=now)
            if flow.is_final(locked.state):
                message = _("This case is “%(state)s”; no further step can be taken.") % {"state": state}
            elif possible:
                message = _(
                    "This case is now “%(state)s”, so “%(step)s” is not possible. Possible now: %(possible)s."
                ) % {
                    "state": state,
                    "step": tr.label,
                    "possible": _list_separator().join(str(p.label) for p in possible),
                }
            else:
                message = _(
                    "This case is now “%(state)s”, so “%(step)s” is not possible, and no step is yours now."
                ) % {
                    "state": state,
                    "step": tr.label,
                }
            raise DomainError(message, code="state")
        if tr.pick is not None:
            tr = _picked(flow, tr, data or {})
        step = Step(
            actor=actor,
            case=locked,
            flow=flow,
            transition=tr,
            data=dict(data or {}),
            note=(note or "").strip(),
            attachments=list(attachments),
            now=now or timezone.now(),
            calendar=WorkingCalendar(locked.county_id),
        )
        return _apply(step, system=actor is None, original=case)


def _picked(flow: Flow, tr: Transition, data: dict) -> Transition:
    """The step a ``Pick`` form takes: the one its field's value names (refused, naming the field, without it)."""
    value = data.get(tr.pick.field)
    value = str(getattr(value, "pk", value) if value is not None else "").strip()
    if not value:
        raise DomainError({tr.pick.field: _("Required to “%(step)s”.") % {"step": tr.label}}, code="required")
    if value not in tr.pick.steps:
        raise DomainError({tr.pick.field: _("Choose one of the options.")}, code="invalid_choice")
    return flow.transitions[tr.pick.steps[value]]


def history(case: models.Model):
    """The case's events, oldest first, with their attachments."""
    return _events_of(case).select_related("actor").prefetch_related("attachments").order_by("at", "id")
