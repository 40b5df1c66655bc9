"""Facts (enter once, 最多报一次): what the apps record, told to whoever listens, never typed a second time.

An app declares the facts its procedures record in ``<app>/facts.py`` (a ``FACTS`` list, registered by
``core.plugins.DomainConfig.ready``)::

    FACTS = [
        Fact("meetings.attended", _("Attended a meeting"), subject="person",
             conditions=(Condition("kind", _("Kind of meeting"), choices=MeetingKind.choices),)),
    ]

and calls ``happened`` when its procedure reaches that point (in its own transaction), ``undone`` when the
procedure takes it back::

    facts.happened("meetings.attended", source=attendance.meeting, actor=actor, village=meeting.village,
                   occurred_on=day, person=entry.person, household=entry.household, attrs={"kind": meeting.kind})

Core imports no domain app: the points app listens through ``register_listener`` (its ``plug.register``). A
listener that fails never fails the fact's procedure: each call runs in a savepoint of its own, rolled back and
logged when it raises.

``source`` is the record the fact comes from ("app.model:pk", or the model instance itself): with the fact's key
and the subject, it names the fact once, so that recording it twice (a resent form) makes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SUBJECTS = ("household", "person")


@dataclass(frozen=True)
class Condition:
    """A condition a rule item may set on a fact: the fact's ``attrs[key]`` must be one of the chosen values
    (``choices``: (value, label) pairs; a rule item keeps the list of values it accepts)."""

    key: str
    label: Any
    choices: tuple[tuple[str, Any], ...] | list = ()


# Conditions every fact takes (the listener applies them): only the first such fact of the subject in a month.
FIRST_IN_MONTH = "first_in_month"
GENERIC_CONDITIONS = {FIRST_IN_MONTH: _("Only the first time in a month")}


@dataclass(frozen=True)
class Fact:
    """A fact an app records: ``subject`` is what it is about ("household" or "person"; a person's fact also
    names the person's household); ``conditions`` what a rule item may ask of it."""

    key: str
    label: Any
    subject: str = "household"
    conditions: tuple[Condition, ...] = ()
    order: int = 100

    def condition(self, key: str) -> Condition | None:
        return next((c for c in self.conditions if c.key == key), None)


@dataclass(frozen=True)
class Occurrence:
    """One happening of a fact, as the listeners get it."""

    fact: Fact
    source: str
    actor: Any
    village_id: int
    occurred_on: date
    household: Any = None
    person: Any = None
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Listener:
    """Who acts on facts (the points app): ``happened(occurrence)``; ``undone(fact, source, actor, on)``."""

    key: str
    happened: Callable[[Occurrence], Any]
    undone: Callable[[Fact, str, Any, date | None], Any]


_facts: dict[str, Fact] = {}
_listeners: dict[str, Listener] = {}


def register(fact: Fact) -> Fact:
    if fact.subject not in SUBJECTS:
        raise ValueError(f"Fact {fact.key!r}: subject must be one of {SUBJECTS}.")
    _facts[fact.key] = fact
    return fact


def get(key: str) -> Fact | None:
    return _facts.get(key)


def all_facts() -> list[Fact]:
    return sorted(_facts.values(), key=lambda f: (f.order, f.key))


def register_listener(listener: Listener) -> Listener:
    _listeners[listener.key] = listener
    return listener


def source_ref(source) -> str:
    """ "app.model:pk" of a model instance (a string is taken as it is)."""
    if isinstance(source, str):
        return source
    return f"{source._meta.label_lower}:{source.pk}"


def _fact(key: str) -> Fact:
    fact = _facts.get(key)
    if fact is None:  # a programming error of the calling app, not bad input
        raise LookupError(f"Unknown fact {key!r}: declare it in the app's facts.py FACTS.")
    return fact


def _call(listener: Listener, what: str, *args) -> None:
    try:
        with transaction.atomic():
            getattr(listener, what)(*args)
    except Exception:  # the fact's own procedure never fails because of a listener
        logger.exception("Fact listener %s failed on %s", listener.key, what)


def happened(
    fact_key: str,
    *,
    source,
    actor,
    village,
    occurred_on: date,
    household=None,
    person=None,
    attrs: Mapping[str, Any] | None = None,
) -> None:
    """The procedure recording ``source`` reached the fact ``fact_key`` about ``household`` / ``person``."""
    occurrence = Occurrence(
        fact=_fact(fact_key),
        source=source_ref(source),
        actor=actor,
        village_id=getattr(village, "pk", village),
        occurred_on=occurred_on,
        household=household,
        person=person,
        attrs=dict(attrs or {}),
    )
    for listener in list(_listeners.values()):
        _call(listener, "happened", occurrence)


def undone(fact_key: str, source, *, actor, on: date | None = None) -> None:
    """The procedure took the fact back (a case reopened, a signature withdrawn): what it earned is undone."""
    fact, ref = _fact(fact_key), source_ref(source)
    for listener in list(_listeners.values()):
        _call(listener, "undone", fact, ref, actor, on)
