"""The audit trail in words: each event's before/after as labelled values, in the interface language.

An event stores plain values (``{"state": "reported", "flow": "incident", "step": "dispatch"}``); the audit page
shows them as ``状态：待分派`` … A key's label comes from, in this order:

1. the registrations of the apps (``core.plugins.register_audit_fields``), by the longest prefix of the event's code;
2. the field of that name on the event's target model (its ``verbose_name``; its choices name the values, a
   foreign key's id is shown by the row's name);
3. the generic labels core registers for every event (``reason``, ``note``, ``name`` …, ``core/audit_labels.py``);
4. nothing: the key as it is (the test suite makes sure the demo data never gets there).

The workflow's keys (``flow``, ``step``, ``state``) are read through the flow the event names, so a state or a step
is shown by the label its flow declares. Values: yes/no, "—" for nothing, a moment in local time (2026-12-07 18:00),
lists joined with "、".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from core import plugins

_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
NOTHING = "—"


@dataclass(frozen=True)
class _Key:
    """How one key of one event is shown."""

    label: str
    values: dict
    model: type[models.Model] | None = None
    flow_part: str = ""  # "flow", "step" or "state": read through the event's flow
    format: Any = None
    known: bool = True  # False: nobody labels this key, it is shown as it is


def _target_model(event) -> type[models.Model] | None:
    if not event.target_type:
        return None
    try:
        return apps.get_model(event.target_type)
    except (LookupError, ValueError):
        return None


def _model_field(model, key: str):
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        pass
    else:
        if not found.auto_created or found.concrete:  # not a reverse relation
            return found
    for f in model._meta.concrete_fields:
        if f.attname == key:
            return f
    return None


def _has_own_label(f) -> bool:
    """A verbose name someone wrote (Django's default is the name with spaces, English)."""
    return str(f.verbose_name) != f.name.replace("_", " ")


FLOW_KEYS = ("flow", "step", "state")


def _registered(found: plugins.AuditField, flow_part: str = "") -> _Key:
    related = apps.get_model(found.model) if found.model else None
    values = {k: str(v) for k, v in found.value_labels().items()}
    return _Key(str(found.label), values, related, flow_part, found.format)


def _key(event, key: str, model, flow) -> _Key:
    flow_part = key if key in FLOW_KEYS and flow is not None else ""
    found = plugins.audit_field(event.action, key, generic=False)
    if found is not None:
        return _registered(found, flow_part)
    f = _model_field(model, key)
    if f is not None and _has_own_label(f):
        related = f.related_model if f.is_relation and f.many_to_one else None
        values = {k: str(v) for k, v in f.flatchoices} if f.choices else {}
        return _Key(str(f.verbose_name), values, related, flow_part)
    found = plugins.audit_field(event.action, key)
    if found is not None:
        return _registered(found, flow_part)
    return _Key(key, {}, known=False)


def _plain(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (list, tuple)):
        return "、".join(_plain(v) for v in value) or NOTHING
    if isinstance(value, dict):
        return "；".join(f"{k}：{_plain(v)}" for k, v in value.items())
    return str(value)


def _flow_of(event):
    from core.workflow import get_flow

    for side in (event.after, event.before):
        if isinstance(side, dict) and isinstance(side.get("flow"), str):
            try:
                return get_flow(side["flow"])
            except KeyError:
                return None
    return None


def _flow_value(flow, part: str, value) -> str:
    if flow is None or not isinstance(value, str):
        return _plain(value)
    if part == "flow":
        return str(flow.label)
    if part == "state":
        state = flow.states.get(value)
        return str(state.label) if state is not None else value
    from core.workflow import OVERDUE, START

    if value == START:
        return str(flow.start.label)
    if value == OVERDUE:
        return _("Deadline passed")  # casework.overdue: the deadline run's own mark
    step = flow.transitions.get(value)
    return str(step.label) if step is not None else value


@dataclass(frozen=True)
class Detail:
    """One line of an event's details: a label and the value before and after (None: that side has no such key)."""

    label: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before is not None and self.after is not None and self.before != self.after


def describe(events) -> list:
    """Put ``details`` — a list of ``Detail`` (label, value before, value after, in words) — on each event of a
    page: the keys of ``after`` in their order, then those only in ``before``.

    The ids of related rows are read in one query per model for the whole page."""
    events = list(events)
    plans = []
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for event in events:
        model, flow = _target_model(event), _flow_of(event)
        before = event.before if isinstance(event.before, dict) else {}
        after = event.after if isinstance(event.after, dict) else {}
        rows = []
        for key in [*after, *(k for k in before if k not in after)]:
            how = _key(event, key, model, flow)
            for value in (before.get(key), after.get(key)):
                if how.model is not None:
                    for v in value if isinstance(value, list) else [value]:
                        if isinstance(v, (int, str)) and str(v).isdigit():
                            wanted[how.model].add(int(v))
            rows.append((how, key in before, before.get(key), key in after, after.get(key)))
        plain = [side for side in (event.before, event.after) if side not in (None, "") and not isinstance(side, dict)]
        plans.append((event, flow, rows, plain))
    names = {}
    for related, ids in wanted.items():
        for pk, row in related._base_manager.in_bulk(ids).items():
            names[(related, pk)] = str(row)

    def shown(how: _Key, flow, value) -> str:
        if how.format is not None and value not in (None, "", [], {}):
            return str(how.format(value))
        if how.flow_part:
            return _flow_value(flow, how.flow_part, value)
        if isinstance(value, list) and (how.values or how.model):
            return "、".join(shown(how, flow, v) for v in value) or NOTHING
        if how.values and not isinstance(value, (list, dict)) and value in how.values:
            return how.values[value]
        if how.model is not None and isinstance(value, (int, str)) and str(value).isdigit():
            return names.get((how.model, int(value)), str(value))
        return _plain(value)

    for event, flow, rows, plain in plans:
        event.details = [
            Detail(how.label, shown(how, flow, old) if had else None, shown(how, flow, new) if has else None)
            for how, had, old, has, new in rows
        ]
        event.details += [Detail("", None, _plain(value)) for value in plain]
    return events


def unlabelled_keys(event) -> list[str]:
    """The keys of an event that would be shown as they are (no label anywhere): what the tests look for."""
    model, flow = _target_model(event), _flow_of(event)
    missing = []
    for side in (event.before, event.after):
        if isinstance(side, dict):
            missing += [k for k in side if not _key(event, k, model, flow).known]
    return missing
