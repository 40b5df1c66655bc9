"""Writes of the 红白理事会: the village's limits (a new version each time) and a household's declaration; every
step after it is the declared procedure's (customs/flows.py), taken through ``event_step``."""

from __future__ import annotations

import decimal
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.numbering import next_number
from casework.steps import documented
from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.fields import Choice, Date, Decimal, Integer, clean_text, clean_value
from core.roles import Action, Role
from customs import limits
from customs.audit_labels import AuditAction
from customs.flows import CUSTOMS
from customs.models import Event, EventKind, LimitSet
from regions.models import Region, RegionLevel

MAX_NOTICE_DAYS = 60
DECLARE_AHEAD_DAYS = 366


def _number_field(measure, name: str):
    top = limits.MAX_VALUE if measure.money else 100000
    return (Decimal if measure.money else Integer)(name, name, required=False, min=0, max=top)


def _figures(kind: str, given: dict | None, field_prefix: str) -> dict:
    """The numbers given for the measures of ``kind`` (others are ignored), cleaned; {key: "number"}."""
    out = {}
    for m in limits.measures_for(kind):
        value = clean_value(_number_field(m, f"{field_prefix}{m.key}"), (given or {}).get(m.key))
        if value is not None:
            out[m.key] = limits.plain(value)
    return out


def _money(value, field: str):
    cleaned = clean_value(Decimal(field, field, required=False, min=0, max=limits.MAX_VALUE), value)
    return None if cleaned is None else decimal.Decimal(cleaned)


# -- the limits -----------------------------------------------------------------------------------------------


def limits_in_force(village_id: int, on: date) -> LimitSet | None:
    return (
        LimitSet.objects.filter(village_id=village_id, effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )


@transaction.atomic
def limits_set(
    *, actor, village: Region, values: dict, notice_days: dict | None = None, effective_from=None, basis: str = ""
) -> LimitSet:
    """A new version of the village's limits (the old ones stay with the events declared under them)."""
    if village is None or village.level != RegionLevel.VILLAGE:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.CUSTOMS_RULES, village):
        raise NotFound()
    Region.objects.select_for_update().filter(pk=village.pk).first()
    day = clean_value(Date("effective_from", "effective_from", required=False), effective_from)
    day = date.fromisoformat(day) if day else timezone.localdate()
    latest = LimitSet.objects.filter(village=village).order_by("-version").first()
    if latest is not None and day < latest.effective_from:
        raise DomainError(
            {
                "effective_from": _("New limits take effect on or after the current ones (%(day)s).")
                % {"day": latest.effective_from.isoformat()}
            }
        )
    cleaned = {}
    for kind in EventKind.values:
        kind_values = {}
        for m in limits.measures_for(kind):
            value = clean_value(_number_field(m, limits.field_name(kind, m.key)), (values.get(kind) or {}).get(m.key))
            if value is not None:
                kind_values[m.key] = limits.plain(value)
        cleaned[kind] = kind_values
    if not any(cleaned.values()):
        raise DomainError(_("Set at least one limit."))
    notice = {}
    for kind in EventKind.values:
        field = Integer(f"notice__{kind}", f"notice__{kind}", required=False, min=0, max=MAX_NOTICE_DAYS)
        value = clean_value(field, (notice_days or {}).get(kind))
        notice[kind] = int(value or 0)
    row = LimitSet.objects.create(
        version=(latest.version + 1) if latest else 1,
        effective_from=day,
        values=cleaned,
        notice_days=notice,
        basis=clean_text(basis, "basis", max_length=200, required=False),
        made_by=actor,
        county_id=village.county_id,
        township_id=village.township_id,
        village=village,
    )
    audit.record(
        actor,
        AuditAction.LIMITS_SET,
        row,
        region=village,
        after={
            "version": row.version,
            "effective_from": day.isoformat(),
            "values": cleaned,
            "notice_days": notice,
            "basis": row.basis,
        },
    )
    return row


# -- declarations ---------------------------------------------------------------------------------------------


def _may_declare(actor, household) -> bool:
    """The household itself, or a grid worker or cadre of its village (on its behalf)."""
    return scope.in_scope(actor, Action.CUSTOMS_DECLARE, household)


def acting_for_itself(actor, household) -> bool:
    return household.pk in scope.targets(actor, "household", role=Role.VILLAGER)


@transaction.atomic
def event_declare(
    *, actor, household, kind, host, event_date, phone="", place="", plan=None, budget=None, note="", now=None
) -> Event:
    """事前申报: the household tells the council of the event before it, with its plan (tables, gift money …)."""
    from registry.models import Household

    found = Household.objects.filter(pk=getattr(household, "pk", household)).first()
    if found is None or not _may_declare(actor, found):
        raise NotFound()
    kind = clean_value(Choice("kind", "kind", options=list(EventKind.choices)), kind)
    day = clean_value(Date("event_date", "event_date"), event_date)
    day = date.fromisoformat(day)
    today = timezone.localdate(now) if now else timezone.localdate()
    if day < today:
        raise DomainError(
            {
                "event_date": _(
                    "A declaration comes before the event: %(day)s has passed. "
                    "Tell the council of an event already held."
                )
                % {"day": day.isoformat()}
            }
        )
    if day > today + timedelta(days=DECLARE_AHEAD_DAYS):
        raise DomainError({"event_date": _("Declare an event at most a year ahead.")})
    if Event.objects.filter(household=found, kind=kind, event_date=day).exclude(state="withdrawn").exists():
        raise DomainError({"event_date": _("This household has declared this event for that day already.")})
    in_force = limits_in_force(found.village_id, day)
    notice = int((in_force.notice_days or {}).get(kind, 0)) if in_force else 0
    event = Event(
        household=found,
        kind=kind,
        host=clean_text(host, "host", max_length=50),
        phone=clean_text(phone, "phone", max_length=20, required=False),
        place=clean_text(place, "place", max_length=120, required=False),
        event_date=day,
        plan=_figures(kind, plan, ""),
        budget=_money(budget, "budget"),
        limits=in_force,
        declared_late=(day - today).days < notice,
        declared_by=actor,
        on_behalf=not acting_for_itself(actor, found),
    )
    event.place_in(found.village)
    county = Region.objects.get(pk=found.county_id)
    event.number = next_number(Event, region_id=found.county_id, prefix=f"HB{county.code}-{day.year}-", width=5)
    workflow.start(
        actor=actor,
        case=event,
        flow=CUSTOMS,
        note=clean_text(note, "note", max_length=1000, required=False),
        data={"kind": kind, "event_date": day.isoformat(), **event.plan},
        now=now,
    )
    audit.record(
        actor,
        AuditAction.EVENT_DECLARE,
        event,
        region=found.village,
        after={
            "number": event.number,
            "kind": kind,
            "event_date": day.isoformat(),
            "declared_late": event.declared_late,
            "on_behalf": event.on_behalf,
        },
    )
    return event


# an event's declared steps (customs/flows.py); photos are images or PDFs
event_step = documented(CUSTOMS)
