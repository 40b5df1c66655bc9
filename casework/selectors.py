"""Reads of the working-day calendar, for the calendar page and the API."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from core import scope
from core.calendar import WorkingCalendar, holiday_label
from regions.models import Region, RegionLevel


def counties(actor) -> list[Region]:
    """The counties the actor works in (any role): whose calendar they may read."""
    return list(Region.objects.filter(pk__in=scope.county_ids(actor), level=RegionLevel.COUNTY).order_by("code"))


@dataclass
class Day:
    date: date
    is_working: bool
    kind: str  # workday / weekend / holiday / makeup
    note: str
    source: str  # "" (weekend rule), "national", "county"
    in_month: bool
    today: bool

    @property
    def label(self) -> str:
        return holiday_label(self.note)


def day_of(cal: WorkingCalendar, day: date, *, in_month: bool = True, today: date | None = None) -> Day:
    entry = cal.entry(day)
    working, note, source = entry if entry is not None else (day.weekday() < 5, "", "")
    weekend = day.weekday() >= 5
    if working:
        kind = "makeup" if weekend else "workday"
    else:
        kind = "holiday" if (not weekend or note) else "weekend"
    return Day(day, working, kind, note, source, in_month, day == today)


@dataclass
class Month:
    number: int
    first: date
    weeks: list[list[Day]]
    working_days: int


def year_grid(county: Region | None, year: int) -> tuple[list[Month], dict]:
    """Twelve month grids (weeks from Monday) and the year's counts."""
    cal = WorkingCalendar(county)
    today = timezone.localdate()
    months, totals = [], {"working": 0, "holidays": 0, "makeup": 0, "county_entries": 0}
    for number in range(1, 13):
        weeks, working = [], 0
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, number):
            row = []
            for day in week:
                in_month = day.month == number
                cell = day_of(cal, day, in_month=in_month, today=today)
                row.append(cell)
                if in_month:
                    working += cell.is_working
                    totals["holidays"] += cell.kind == "holiday" and day.weekday() < 5
                    totals["makeup"] += cell.kind == "makeup"
                    totals["county_entries"] += cell.source == "county"
            weeks.append(row)
        totals["working"] += working
        months.append(Month(number, date(year, number, 1), weeks, working))
    totals["has_schedule"] = cal.has_schedule(year)
    return months, totals


def exceptions(county: Region | None, year: int) -> list[Day]:
    """The days of ``year`` that are not what the weekend rule says, or carry a name."""
    cal = WorkingCalendar(county)
    return [day_of(cal, d) for d in sorted(cal.entries(year))]
