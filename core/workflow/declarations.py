"""The declarations of the engine: a flow, its states and steps, deadlines, parties, typed fields (core.fields)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.calendar import WorkingCalendar
from core.fields import Field
from core.roles import Action, Role

if TYPE_CHECKING:
    from core.workflow.deadlines import DeadlineRun


START = "start"  # the event that opens a case
OVERDUE = "overdue"  # the event the deadline run records when it flags a case
RESERVED = frozenset({START, OVERDUE})
STAY = "="  # a step's target: the case stays in whichever of the step's states it is in (a note, a risk level)


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


@dataclass(frozen=True)
class Tell:
    """Others a step tells in their own words, beside the step's ``notify``: ``who`` (roles and parties, as
    ``notify``), ``text`` (a string or a function of the ``Step``) and the ``message`` kind (it may go by SMS).
    A person already told by ``notify`` or an earlier ``Tell`` of the step is not told again."""

    who: tuple
    text: Any
    message: str = ""

    def __post_init__(self):
        object.__setattr__(self, "who", tuple(self.who))


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
    gives a text with the case's own facts, e.g. a meeting's time and place); ``message`` names its message kind
    (core.plugins.MessageKind), which may also reach the people told by SMS. ``tells``: ``Tell`` entries for
    others told in their own words and message kind (the reporter of an incident, beside its handlers).
    ``waiting(case, now)``: why the step, though the person's, cannot be taken yet (a posting period still
    running), or "".
    ``offered(case)``: False where the step is not offered at all (a financial draft is submitted, not
    published): pages and the API leave it out; its guards still refuse it when it is taken. ``note=False``:
    the step's form offers no free note (its fields say it all; an effect or the service writes the note).
    ``queue``: which queue it belongs to (e.g. ``"township"``: a case waiting for this step is in the
    township's review queue), so a module reads its queues from the steps instead of keeping a list beside them.
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
    message: str = ""  # the message kind (core.plugins.MessageKind) of what ``notify`` sends: it may go by SMS
    tells: tuple = ()  # Tell: others told in other words (the reporter of a case, beside its handlers)
    waiting: Callable | None = None
    offered: Callable | None = None
    note: bool = True
    pick: Pick | None = None  # one form for several steps: the one its field's value names is taken
    # after the step is taken from its page form: the message shown (default “Done: <step>.”) and where the page
    # goes, a function of the case (default the case's page); the API is not concerned
    done_text: Any = ""
    done_url: Callable | None = None
    queue: str = ""  # which queue it belongs to ("" = none but the case's own page)

    def __post_init__(self):
        source = frozenset([self.source]) if isinstance(self.source, str) else frozenset(self.source)
        object.__setattr__(self, "source", source)
        for name in ("allow", "requires", "guards", "effects", "fields", "notify", "tells"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not all(isinstance(t, Tell) for t in self.tells):
            raise ImproperlyConfigured(f"Step {self.name!r} tells with a non-Tell; use Tell(who, text).")
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
        view: Iterable[str] = (),
        model: str | type[models.Model] | None = None,
        after_deadlines: str | Callable[[DeadlineRun, datetime], Any] | None = None,
        start_notify: Iterable = (),
        start_notify_text: Any = "",
        service: str | Callable | None = None,
        page: str | Callable | None = None,
        detail: str | Callable | None = None,
        find: str | Callable | None = None,
        confidential: bool = False,
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
        # a confidential procedure (a dispute: 人民调解法 Art. 15) is seen by its parties only (``Party`` in
        # ``allow``): neither a ``view`` action nor a role that may open a case or take a step shows it to anyone
        self.confidential = confidential
        self.view = tuple(view)
        self.model = model
        self.after_deadlines = after_deadlines
        self._validate()
        every_allow = [who for tr in (self.start, *self.transitions.values()) for who in tr.allow]
        # who sees a case: the actions of core.scope that let a role read cases of this kind (the ones the app's
        # selectors read them by) and the roles acting on a step, over the case's place (``SCOPE_PATHS``)
        self.step_roles = frozenset(who for who in every_allow if isinstance(who, str))
        # a confidential case is seen by the parties of its steps: whoever opened it need not see it afterwards
        seeing = [w for tr in self.transitions.values() for w in tr.allow] if confidential else every_allow
        self.parties = tuple({id(p): p for p in seeing if isinstance(p, Party)}.values())
        if register:
            if name in _REGISTRY:
                raise ImproperlyConfigured(f"Two flows are named {name!r}.")
            _REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<Flow {self.name}>"

    def _validate(self) -> None:
        where = f"Flow {self.name}"
        unknown_actions = set(self.view) - set(Action.values)
        if unknown_actions:
            raise ImproperlyConfigured(f"{where}: view names unknown actions {sorted(unknown_actions)}.")
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
            unknown = (set(tr.source) | {tr.target}) - set(self.states) - {STAY}
            if unknown:
                raise ImproperlyConfigured(f"{where}: step {tr.name!r} names unknown states {sorted(unknown)}.")
            for who in tr.allow:
                if not (isinstance(who, (str, Party)) or who is SYSTEM):
                    raise ImproperlyConfigured(f"{where}: step {tr.name!r} allows {who!r}; use roles, Party, SYSTEM.")
                if isinstance(who, str) and who not in Role.values:
                    raise ImproperlyConfigured(f"{where}: step {tr.name!r} allows the unknown role {who!r}.")
            if not tr.allow:
                raise ImproperlyConfigured(f"{where}: step {tr.name!r} allows nobody.")
            told = (*tr.notify, *(w for t in tr.tells for w in t.who))
            roles_named = [w for w in (*told, *(() if tr is self.start else tr.allow)) if isinstance(w, str)]
            if self.confidential and roles_named:
                raise ImproperlyConfigured(
                    f"{where}: step {tr.name!r} of a confidential procedure allows or tells a role; name parties."
                )
            names = [f.name for f in tr.fields]
            if len(names) != len(set(names)) or not all(isinstance(f, Field) for f in tr.fields):
                raise ImproperlyConfigured(f"{where}: step {tr.name!r} declares a field twice or a non-field.")
            for who in (*tr.notify, *(w for t in tr.tells for w in t.who)):
                if not (isinstance(who, Party) or isinstance(who, str) and who in Role.values):
                    raise ImproperlyConfigured(f"{where}: step {tr.name!r} notifies {who!r}; use roles or Party.")
                if isinstance(who, Party) and who.people is None:
                    raise ImproperlyConfigured(f"{where}: step {tr.name!r} notifies {who.label}, who has no people.")
            if isinstance(tr.deadline, (Extend, SetDeadline)) and tr.target not in (*tr.source, STAY):
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
