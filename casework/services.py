"""Writes of the working-day calendar: the county administrator's entries (county rows), audited.

The national rows come from chinese-calendar through ``core.calendar.load_year`` (``load_calendar``).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from casework.models import CalendarSource, WorkingDay
from core import audit, scope
from core.calendar import WorkingCalendar
from core.errors import DomainError, NotFound
from core.roles import Action
from regions.models import Region, RegionLevel

# The permission to keep the calendar. ``calendar.manage`` is proposed for core.roles; until it exists the
# county administrator's ``accounts.manage`` stands in for it.
MANAGE = Action.CALENDAR_MANAGE
MAX_RANGE_DAYS = 62


def _require_county(actor, county: Region | None) -> None:
    if county is None or county.level != RegionLevel.COUNTY:
        raise DomainError({"county": _("Choose a county.")})
    if not scope.region_in_scope(actor, MANAGE, county):
        raise NotFound()


def _snapshot(row: WorkingDay | None) -> dict | None:
    if row is None:
        return None
    return {"is_working": row.is_working, "note": row.note, "source": row.source}


@transaction.atomic
def calendar_days_set(
    *, actor, county: Region, first: date, last: date | None = None, is_working: bool, note: str = ""
) -> list[WorkingDay]:
    """Make every day from ``first`` to ``last`` a working day or a day off for ``county`` (county rows,
    which win over the national schedule). One audit event per day changed."""
    _require_county(actor, county)
    last = last or first
    errors = {}
    if first is None:
        errors["first"] = _("Give a date.")
    elif last < first:
        errors["last"] = _("The last day cannot be before the first.")
    elif (last - first).days >= MAX_RANGE_DAYS:
        errors["last"] = _("Enter at most %(n)s days at once.") % {"n": MAX_RANGE_DAYS}
    note = (note or "").strip()
    if len(note) > 100:
        errors["note"] = _("Keep the note to 100 characters.")
    if errors:
        raise DomainError(errors)
    existing = {
        row.date: row for row in WorkingDay.objects.select_for_update().filter(region=county, date__range=(first, last))
    }
    changed = []
    day = first
    while day <= last:
        row = existing.get(day)
        before = _snapshot(row)
        if row is None:
            row = WorkingDay(date=day, region=county)
        row.is_working = bool(is_working)
        row.note = note
        row.source = CalendarSource.ADMIN
        row.updated_by = actor
        if before != _snapshot(row):
            row.save()
            audit.record(
                actor,
                "casework.calendar.change",
                target=None,
                region=county,
                target_label=day.isoformat(),
                before=before,
                after=_snapshot(row),
                note=note,
            )
            changed.append(row)
        day += timedelta(days=1)
    return changed


@transaction.atomic
def calendar_day_reset(*, actor, county: Region, day: date) -> bool:
    """Drop the county's own entry for ``day``: the national schedule (or the weekend rule) applies again."""
    _require_county(actor, county)
    row = WorkingDay.objects.select_for_update().filter(region=county, date=day).first()
    if row is None:
        return False
    before = _snapshot(row)
    row.delete()
    national = WorkingCalendar(None)
    audit.record(
        actor,
        "casework.calendar.reset",
        target=None,
        region=county,
        target_label=day.isoformat(),
        before=before,
        after={"is_working": national.is_working_day(day), "source": "national"},
    )
    return True
