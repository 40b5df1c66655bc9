"""The workflow engine (流程引擎): one machine for every case-like thing (incidents, disputes, services,
expense approvals, 红白事, mutual aid, small-power matters). See docs/workflow.md for a worked example.

A module declares its procedure once, as data::

    FLOW = Flow("incident", label=_("Grid incident"), model="incidents.Incident", initial="reported",
                start_allow=(Role.GRID_WORKER, reporter),
                states=[State("reported", _("Reported"), deadline=Deadline(working_days=1)), ...],
                transitions=[Transition("dispatch", source="reported", target="dispatched", label=_("Dispatch"),
                                        allow=(Role.TOWNSHIP_OFFICIAL,), requires=("assignee",)), ...])

and its services call ``start`` and ``transition``. The engine, in one transaction on the locked case row:

1. finds the case (``NotFound`` when it is missing or outside the actor's scope, answered the same way);
2. refuses with a ``DomainError`` that says why, writing nothing, when the step is unknown, the case has
   moved on (another person was faster: ``expected_version``), the step is not possible from the current
   state, the actor's role or relation to the case does not allow it, its time window has passed, or a
   required field is missing;
3. writes the new state, when it was entered and the deadline it carries (``core.calendar`` working days),
   a ``casework.CaseEvent`` row (with attachments) and an audit event.

A case's state is written nowhere else: ``casework.CaseBase.save`` leaves the workflow columns alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date as date_type
from datetime import datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from casework.models import CaseAttachment, CaseEvent
from core import audit
from core.calendar import WorkingCalendar
from core.errors import DomainError, NotFound
from core.fields import FILES, NOTE, Field
from core.roles import Role
from core.scope import grants

START = "start"  # the event that opens a case
OVERDUE = "overdue"  # the event the deadline run records when it flags a case
RESERVED = frozenset({START, OVERDUE})


class _System:
    """Stands for the platform itself in ``allow``: the deadline run may take the step (escalation)."""

    label = gettext_lazy("the system (when the deadline passes)")

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


# -- declarations ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """How long a state (or a time window) lasts: wall-clock ``hours``, ``working_days`` (core.calendar), or
    ``field``: the number of working days the case itself carries in that field (a deadline set per case by a
    triage rule); a blank field falls back to ``working_days`` when given."""

    hours: int | None = None
    working_days: int | None = None
    field: str | None = None

    def __post_init__(self):
        if self.field is not None:
            if self.hours is not None or not isinstance(self.field, str) or not self.field:
                raise ImproperlyConfigured("Deadline(field=...) names a case field and takes no hours.")
            if self.working_days is None:
                return
        elif (self.hours is None) == (self.working_days is None):
            raise ImproperlyConfigured("Deadline takes either hours or working_days.")
        value = self.hours if self.hours is not None else self.working_days
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ImproperlyConfigured("A deadline is a whole number of hours or working days, 0 or more.")

    def _days(self, case) -> int | None:
        if self.field is not None and case is not None:
            value = getattr(case, self.field, None)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
        return self.working_days

    def due(self, start: datetime, calendar: WorkingCalendar, case=None) -> datetime:
        if self.hours is not None:
            return start + timedelta(hours=self.hours)
        days = self._days(case)
        if days is None:
            raise ImproperlyConfigured(f"The case carries no number of working days in {self.field!r}.")
        return calendar.add_working_days(start, days)

    def __str__(self) -> str:
        if self.hours is not None:
            return ngettext("%(n)s hour", "%(n)s hours", self.hours) % {"n": self.hours}
        if self.working_days is None:
            return _("the working days set for the case")
        return ngettext("%(n)s working day", "%(n)s working days", self.working_days) % {"n": self.working_days}


@dataclass(frozen=True)
class Extend:
    """A step that pushes the current deadline back by ``data[field]`` working days, at most ``max_total``
    over the whole life of the case (hotline practice: extend by at most 10 working days), and only while
    the deadline has not passed."""

    field: str = "days"
    max_total: int = 10
    before_deadline: bool = True


@dataclass(frozen=True)
class SetDeadline:
    """A step that gives the case a new deadline stated by the person taking it (督办: "done by Friday"):
    ``data[field]`` is a date (18:00 that day, the end of the working day) or a moment, which must lie in the
    future and at most ``max_days`` calendar days ahead. The case stays in its state."""

    field: str = "due"
    max_days: int = 90


@dataclass(frozen=True)
class Pick:
    """One form for several steps (办结回访: 满意 or 基本满意 close the case, 不满意 reopens it): the value given
    in ``field`` names the step taken, ``steps`` mapping each value to a step of the same source. The case page
    shows this form in their place, the API describes those steps, and the engine takes the one named, with
    its own fields, rules and notifications; the timeline records that step."""

    field: str
    steps: dict


@dataclass(frozen=True, eq=False)
class Party:
    """Someone allowed because of their relation to the case (the reporter, the assigned department), not
    because of a role in a region. ``test(actor, case)`` answers whether the actor is that person."""

    label: Any
    test: Callable[[Any, models.Model], bool]
    people: Callable[[models.Model], Iterable] | None = None  # who they are, to tell them (user ids or users)

    def admits(self, actor, case) -> bool:
        return actor is not None and getattr(actor, "pk", None) is not None and bool(self.test(actor, case))


@dataclass(frozen=True)
class State:
    """A state of the procedure, the deadline a case carries while in it, and what happens when it passes:
    ``"flag"`` (mark the case overdue and record it) or ``"escalate:<step>"`` (the system takes that step)."""

    name: str
    label: Any
    deadline: Deadline | None = None
    on_overdue: str = "flag"


@dataclass(frozen=True, eq=False)
class Transition:
    """A step from any state of ``source`` to ``target``.

    ``allow``: roles (scoped: the actor holds the role in a region that contains the case), ``Party`` objects
    and/or ``SYSTEM``. ``requires``: keys that must be present in ``data``; ``"note"`` and ``"attachments"``
    name the note and the files. ``window``: the step is possible only this long after the case entered its
    current state (send back a misrouted case within 2 working days). ``deadline``: a ``Deadline`` that
    replaces the target state's, or ``Extend``. ``guards(step)`` may raise DomainError; ``effects(step)``
    may change the locked case's own fields and return their names (never the workflow columns).

    ``fields``: the typed fields the step takes (core.fields), in the order the page shows them; the engine
    cleans ``data`` with them and the required ones join ``requires``. ``confirm``: the step cannot be undone;
    the text says what will happen (the page asks before it posts, the API wants ``confirm: true``).
    ``notify``: roles (their holders over the case's place) and parties (``Party.people``) told when the step
    is taken, in ``notify_text`` (default: the procedure, the case and the step; a function of the ``Step``
    gives a text with the case's own facts, e.g. a meeting's time and place). ``waiting(case, now)``: why
    the step, though the person's, cannot be taken yet (a posting period still running), or "".
    ``offered(case)``: False where the step is not offered at all (a financial draft is submitted, not
    published): pages and the API leave it out; its guards still refuse it when it is taken. ``note=False``:
    the step's form offers no free note (its fields say it all; an effect or the service writes the note).
    """

    name: str
    source: Any
    target: str
    label: Any
    allow: tuple = ()
    requires: tuple = ()
    window: Deadline | None = None
    deadline: Deadline | Extend | SetDeadline | None = None
    guards: tuple = ()
    effects: tuple = ()
    fields: tuple = ()
    confirm: Any = ""
    notify: tuple = ()
    notify_text: Any = ""
    waiting: Callable | None = None
    offered: Callable | None = None
    note: bool = True
    pick: Pick | None = None  # one form for several steps: the one its field's value names is taken
    # after the step is taken from its page form: the message shown (default “Done: <step>.”) and where the page
    # goes, a function of the case (default the case's page); the API is not concerned
    done_text: Any = ""
    done_url: Callable | None = None

    def __post_init__(self):
        source = frozenset([self.source]) if isinstance(self.source, str) else frozenset(self.source)
        object.__setattr__(self, "source", source)
        for name in ("allow", "requires", "guards", "effects", "fields", "notify"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        declared = [f.name for f in self.fields if f.required and f.when is None]  # conditional: in _clean_fields
        object.__setattr__(self, "requires", (*self.requires, *(n for n in declared if n not in self.requires)))

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def irreversible(self) -> bool:
        return bool(self.confirm)


@dataclass
class Step:
    """What guards and effects see: the locked case and everything about the step being taken."""

    actor: Any
    case: models.Model
    flow: Flow
    transition: Transition
    data: dict
    note: str
    attachments: list
    now: datetime
    calendar: WorkingCalendar


_REGISTRY: dict[str, Flow] = {}


def get_flow(name: str) -> Flow:
    return _REGISTRY[name]


def flows() -> list[Flow]:
    return list(_REGISTRY.values())


class Flow:
    """A declared procedure: its states, steps, who opens a case and which model its cases are."""

    def __init__(
        self,
        name: str,
        *,
        label,
        states: Iterable[State],
        transitions: Iterable[Transition],
        initial: str,
        start_allow: Iterable = (),
        start_requires: Iterable[str] = (),
        viewers: Iterable[str] = (),
        model: str | type[models.Model] | None = None,
        after_deadlines: Callable[[DeadlineRun, datetime], Any] | None = None,
        start_notify: Iterable = (),
        start_notify_text: Any = "",
        service: str | Callable | None = None,
        page: str | Callable | None = None,
        detail: str | Callable | None = None,
        find: str | Callable | None = None,
        register: bool = True,
    ):
        self.name = name
        self.label = label
        self.states: dict[str, State] = {}
        for state in states:
            if state.name in self.states:
                raise ImproperlyConfigured(f"Flow {name}: state {state.name!r} is declared twice.")
            self.states[state.name] = state
        self.transitions: dict[str, Transition] = {}
        for tr in transitions:
            if tr.name in self.transitions:
                raise ImproperlyConfigured(f"Flow {name}: step {tr.name!r} is declared twice.")
            self.transitions[tr.name] = tr
        self.initial = initial
        self.start = Transition(
            START,
            source=(),
            target=initial,
            label=gettext_lazy("Opened"),
            allow=start_allow,
            requires=start_requires,
            notify=start_notify,
            notify_text=start_notify_text,
        )
        # casework.steps: the module's service taking a step (``service(actor=, case=, step=, data=, note=,
        # attachments=, version=)``; default: ``transition``) and the function drawing its case page with the
        # step panels (``page(request, case, *, failed=None, status=200)``; default: the generic case page), and
        # what the module adds to the API's case (``detail(request, case) -> dict``, merged over the generic keys)
        self.service = service
        self.page = page
        self.detail = detail
        # the module's scoped selector for one case (``find(actor, pk)``, NotFound when missing or out of scope);
        # the generic page and API read a case through it, else through ``can_see``
        self.find = find
        self.model = model
        self.after_deadlines = after_deadlines
        self._validate()
        every_allow = [who for tr in (self.start, *self.transitions.values()) for who in tr.allow]
        self.viewer_roles = frozenset(viewers) | {who for who in every_allow if isinstance(who, str)}
        self.parties = tuple({id(p): p for p in every_allow if isinstance(p, Party)}.values())
        if register:
            if name in _REGISTRY:
                raise ImproperlyConfigured(f"Two flows are named {name!r}.")
            _REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<Flow {self.name}>"

    def _validate(self) -> None:
        where = f"Flow {self.name}"
        if not self.name or len(self.name) > 40:
            raise ImproperlyConfigured(f"{where}: a flow name has 1 to 40 characters.")
        if self.initial not in self.states:
            raise ImproperlyConfigured(f"{where}: the initial state {self.initial!r} is not declared.")
        for state in self.states.values():
            if not state.name or len(state.name) > 32:
                raise ImproperlyConfigured(f"{where}: state names have 1 to 32 characters.")
        for tr in (self.start, *self.transitions.values()):
            if tr is not self.start and (tr.name in RESERVED or not tr.name or len(tr.name) > 40):
                raise ImproperlyConfigured(f"{where}: {tr.name!r} cannot name a step.")
            unknown = (set(tr.source) | {tr.target}) - set(self.states)
            if unknown:
                raise ImproperlyConfigured(f"{where}: step {tr.name!r} names unknown states {sorted(unknown)}.")
            for who in tr.allow:
                if not (isinstance(who, (str, Party)) or who is SYSTEM):
                    raise ImproperlyConfigured(f"{where}: step {tr.name!r} allows {who!r}; use roles, Party, SYSTEM.")
                if isinstance(who, str) and who not in Role.values:
                    raise ImproperlyConfigured(f"{where}: step {tr.name!r} allows the unknown role {who!r}.")
            if not tr.allow:
                raise ImproperlyConfigured(f"{where}: step {tr.name!r} allows nobody.")
            names = [f.name for f in tr.fields]
            if len(names) != len(set(names)) or not all(isinstance(f, Field) for f in tr.fields):
                raise ImproperlyConfigured(f"{where}: step {tr.name!r} declares a field twice or a non-field.")
            for who in tr.notify:
                if not (isinstance(who, Party) or isinstance(who, str) and who in Role.values):
                    raise ImproperlyConfigured(f"{where}: step {tr.name!r} notifies {who!r}; use roles or Party.")
                if isinstance(who, Party) and who.people is None:
                    raise ImproperlyConfigured(f"{where}: step {tr.name!r} notifies {who.label}, who has no people.")
            if isinstance(tr.deadline, (Extend, SetDeadline)) and tr.target not in tr.source:
                raise ImproperlyConfigured(f"{where}: step {tr.name!r} changes the deadline, so it stays in its state.")
            if tr.pick is not None:
                picked = [self.transitions.get(name) for name in tr.pick.steps.values()]
                if tr.field(tr.pick.field) is None or any(
                    p is None or p.pick is not None or not tr.source <= p.source for p in picked
                ):
                    raise ImproperlyConfigured(
                        f"{where}: step {tr.name!r} picks by a field it declares among steps from its own states."
                    )
        for state in self.states.values():
            action, _sep, step = state.on_overdue.partition(":")
            if action == "flag" and not step:
                continue
            if action != "escalate" or step not in self.transitions:
                raise ImproperlyConfigured(
                    f"{where}: on_overdue of {state.name!r} must be 'flag' or 'escalate:<step>'."
                )
            tr = self.transitions[step]
            if state.name not in tr.source or SYSTEM not in tr.allow:
                raise ImproperlyConfigured(
                    f"{where}: {state.name!r} escalates by {step!r}, which must start there and allow SYSTEM."
                )
            if state.deadline is None:
                raise ImproperlyConfigured(f"{where}: {state.name!r} escalates but has no deadline.")
        for state in self.states.values():
            if self.is_final(state.name) and state.deadline is not None:
                raise ImproperlyConfigured(f"{where}: the final state {state.name!r} cannot carry a deadline.")

    def get_model(self) -> type[models.Model]:
        if isinstance(self.model, str):
            return apps.get_model(self.model)
        if self.model is None:
            raise ImproperlyConfigured(f"Flow {self.name} does not name its model.")
        return self.model

    def outgoing(self, state: str) -> list[Transition]:
        return [tr for tr in self.transitions.values() if state in tr.source]

    def is_final(self, state: str) -> bool:
        return not self.outgoing(state)

    def state_label(self, state: str) -> str:
        found = self.states.get(state)
        return str(found.label) if found else state

    def step_label(self, name: str) -> str:
        if name == START:
            return str(self.start.label)
        if name == OVERDUE:
            return _("Deadline passed")
        found = self.transitions.get(name)
        return str(found.label) if found else name


# -- who may act -------------------------------------------------------------------------------------------


def _covers(grant, case) -> bool:
    path = case.SCOPE_PATHS.get(grant.level)
    if path is None:
        return False
    value = case
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return False
    return value == grant.target_id


def _allowed(actor, case, allow: Iterable) -> bool:
    if actor is None:
        return SYSTEM in allow
    roles = {who for who in allow if isinstance(who, str)}
    if roles and any(g.role in roles and _covers(g, case) for g in grants(actor)):
        return True
    return any(isinstance(who, Party) and who.admits(actor, case) for who in allow)


def can_see(actor, case, flow: Flow) -> bool:
    """May the actor see this case at all? (A role of the flow over the case's region, or a relation to it.)"""
    if actor is None:
        return True
    if any(g.role in flow.viewer_roles and _covers(g, case) for g in grants(actor)):
        return True
    return any(p.admits(actor, case) for p in flow.parties)


def _who(allow: Iterable) -> str:
    labels = []
    for who in allow:
        if who is SYSTEM:
            labels.append(str(SYSTEM.label))
        elif isinstance(who, Party):
            labels.append(str(who.label))
        else:
            labels.append(str(Role(who).label))
    return _list_separator().join(labels)


def _list_separator() -> str:
    return pgettext("list separator", ", ")


def _window_end(tr: Transition, case, calendar: WorkingCalendar) -> datetime | None:
    if tr.window is None or case.state_entered_at is None:
        return None
    return tr.window.due(case.state_entered_at, calendar, case)


def available(actor, case, flow: Flow, *, now: datetime | None = None) -> list[Transition]:
    """The steps this actor may take on the case now (for the buttons of a case page)."""
    if case.flow != flow.name:
        return []
    now = now or timezone.now()
    calendar = WorkingCalendar(case.county_id)
    result = []
    for tr in flow.outgoing(case.state):
        if not _allowed(actor, case, tr.allow) or tr.offered is not None and not tr.offered(case):
            continue
        end = _window_end(tr, case, calendar)
        if end is not None and now > end:
            continue
        result.append(tr)
    return result


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
    target = flow.states[tr.target]
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
    if (tr.deadline is None and tr.target != from_state) or isinstance(tr.deadline, Deadline):
        rule = tr.deadline if tr.deadline is not None else target.deadline
        changes["deadline_at"] = rule.due(step.now, step.calendar, case) if rule is not None else None
        changes["overdue"] = False
    if tr.target != from_state:
        changes.update(state=tr.target, state_entered_at=step.now)
        changes["closed_at"] = step.now if flow.is_final(tr.target) else None
    _write(case, original, changes, sorted(set(effect_fields)))
    if system:
        step.note = step.note or _("The deadline passed; the system took this step.")
    event = _record(
        step,
        name=tr.name,
        from_state=from_state,
        to_state=tr.target,
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
    if actor is not None and not can_see(actor, locked, flow):
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


# -- who is told ------------------------------------------------------------------------------------------


def recipients(who: Iterable, case) -> set[int]:
    """The accounts a step's ``notify`` names: the holders of each role over the case's place (by the model's
    ``SCOPE_PATHS``: its county, township, village, grid or household) and each party's people."""
    from accounts.models import RoleAssignment  # accounts is the platform's, not a domain app

    users: set[int] = set()
    roles = [w for w in who if isinstance(w, str)]
    if roles:
        paths = getattr(case, "SCOPE_PATHS", {})
        place = models.Q(pk__in=[])
        regions = [_value(case, paths[level]) for level in ("county", "township", "village", "group") if level in paths]
        regions = [r for r in regions if r is not None]
        if regions:
            place |= models.Q(region_id__in=regions, grid__isnull=True, household__isnull=True)
        for level, column in (("grid", "grid_id"), ("household", "household_id")):
            value = _value(case, paths[level]) if level in paths else None
            if value is not None:
                place |= models.Q(**{column: value})
        users |= set(
            RoleAssignment.objects.filter(place, role__in=roles, user__is_active=True).values_list("user_id", flat=True)
        )
    for party in (w for w in who if isinstance(w, Party)):
        users |= {getattr(u, "pk", u) for u in party.people(case) or () if u}
    return users


def _value(case, path: str):
    value = case
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def case_url(case) -> str:
    """Where a case is seen: the model's own page, else the generic case page of casework."""
    if hasattr(case, "get_absolute_url"):
        return case.get_absolute_url()
    from django.urls import reverse

    return reverse("casework:case", args=[case.flow, case.pk])


def _tell(step: Step, event: CaseEvent) -> None:
    """After the step commits, tell the people its declaration names (never the one who took it)."""
    tr = step.transition
    if not tr.notify:
        return
    users = recipients(tr.notify, step.case) - {getattr(step.actor, "pk", None)}
    if not users:
        return
    values = {"flow": step.flow.label, "case": str(step.case)[:60], "step": tr.label}
    if callable(tr.notify_text):  # the module's own words, with the facts of the case and the step
        text = str(tr.notify_text(step))
    else:
        text = str(tr.notify_text or _("%(flow)s “%(case)s”: %(step)s")) % values
    url, key = case_url(step.case), f"{step.flow.name}:{event.pk}"
    kind = type(step.case)._meta.app_label  # the module, as the bell's list groups them

    def send():
        from core import notifications

        notifications.notify(sorted(users), kind=kind, text=text, url=url, key=key)

    transaction.on_commit(send)


def history(case: models.Model):
    """The case's events, oldest first, with their attachments."""
    return _events_of(case).select_related("actor").prefetch_related("attachments").order_by("at", "id")


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
        if flow.after_deadlines is not None:
            flow.after_deadlines(report, now)
    return reports
