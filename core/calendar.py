"""Working days (工作日) for deadlines, following the national holiday schedule with its make-up working days
(调休), kept as data in ``casework.WorkingDay``.

A day is a working day when its row says so; a day without a row follows the weekend rule (Monday to
Friday work). Rows come from two places: ``load_year`` copies the State Council's schedule from the
chinese-calendar package (national rows), and the county administrator enters what that package does not
know yet, or a local holiday, on the calendar page (county rows, which win over national ones).

Counting follows the rule of 民事诉讼法 Art. 85 that hotline practice uses: the day a period starts does not
count, and a period ends at the end of its last working day. The end of a working day is 18:00 in the
platform's time zone (Asia/Shanghai), ``END_OF_WORKING_DAY``. So a case dispatched on Monday at 10:00 with
five working days is due the following Monday at 18:00, and one dispatched on 2026-09-30 is due on 2026-10-13
(the National Day holiday does not count, the make-up Saturday 2026-10-10 does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

END_OF_WORKING_DAY = time(18, 0)
MAX_WORKING_DAYS = 1000  # a longer period is a mistake, not a deadline
_SEARCH_LIMIT_DAYS = 400  # a year with no working day at all is a data error

# chinese-calendar names its holidays in English; these are the names shown to people.
HOLIDAY_NAMES = {
    "New Year's Day": gettext_lazy("New Year's Day"),
    "Spring Festival": gettext_lazy("Spring Festival"),
    "Tomb-sweeping Day": gettext_lazy("Tomb-sweeping Day"),
    "Labour Day": gettext_lazy("Labour Day"),
    "Dragon Boat Festival": gettext_lazy("Dragon Boat Festival"),
    "National Day": gettext_lazy("National Day"),
    "Mid-autumn Festival": gettext_lazy("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": gettext_lazy("Anti-Fascist War Victory Day"),
}


def holiday_label(note: str) -> str:
    """The name of a day as people read it: a known holiday translated, an administrator's note as typed."""
    return str(HOLIDAY_NAMES.get(note, note))


class CalendarDataMissing(Exception):
    """chinese-calendar has no official schedule for the year (the State Council publishes it each autumn)."""

    def __init__(self, year: int, known: tuple[int, int] | None):
        self.year = year
        self.known = known
        super().__init__(year)

    def __str__(self) -> str:
        if self.known:
            return _(
                "The installed chinese-calendar has no official holiday schedule for %(year)s (it knows "
                "%(first)s–%(last)s). Enter %(year)s's holidays and make-up working days on the calendar page "
                "once the State Council publishes them, or update chinese-calendar and load again."
            ) % {"year": self.year, "first": self.known[0], "last": self.known[1]}
        return _("chinese-calendar is not installed; enter %(year)s's schedule on the calendar page.") % {
            "year": self.year
        }


def _county_id(county) -> int | None:
    if county is None:
        return None
    return getattr(county, "pk", county)


def _local(moment: datetime) -> datetime:
    tz = timezone.get_default_timezone()
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, tz)
    return timezone.localtime(moment, tz)


def end_of_day(day: date) -> datetime:
    """18:00 of ``day`` in the platform's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, END_OF_WORKING_DAY), timezone.get_default_timezone())


class WorkingCalendar:
    """The working days of one county (national schedule plus the county's own rows), read a year at a time.

    Keep one instance for a batch (e.g. the deadline run over many cases of one county): each year is read
    with one query and then answered from memory.
    """

    def __init__(self, county=None):
        self.county_id = _county_id(county)
        self._years: dict[int, dict[date, tuple[bool, str, str]]] = {}

    def _rows(self, year: int) -> dict[date, tuple[bool, str, str]]:
        """date → (is working, note, 'national' | 'county') for the days of ``year`` that have a row."""
        if year not in self._years:
            from casework.models import WorkingDay

            where = Q(region__isnull=True)
            if self.county_id is not None:
                where |= Q(region_id=self.county_id)
            rows = (
                WorkingDay.objects.filter(where, date__year=year)
                .order_by("region_id")  # national rows (NULL) first on SQLite, last on PostgreSQL: sorted below
                .values_list("date", "region_id", "is_working", "note")
            )
            found: dict[date, tuple[bool, str, str]] = {}
            for day, region_id, is_working, note in sorted(rows, key=lambda r: r[1] is not None):
                found[day] = (is_working, note, "county" if region_id is not None else "national")
            self._years[year] = found
        return self._years[year]

    def entries(self, year: int) -> dict[date, tuple[bool, str, str]]:
        """The days of ``year`` that have a row: date → (is working, note, 'national' | 'county')."""
        return dict(self._rows(year))

    def has_schedule(self, year: int) -> bool:
        """Has anyone (the national load or the county) entered this year's holidays?"""
        return bool(self._rows(year))

    def entry(self, day: date) -> tuple[bool, str, str] | None:
        return self._rows(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        row = self.entry(day)
        if row is not None:
            return row[0]
        return day.weekday() < 5

    def next_working_day(self, day: date, *, include_today: bool = False) -> date:
        current = day if include_today else day + timedelta(days=1)
        for _i in range(_SEARCH_LIMIT_DAYS):
            if self.is_working_day(current):
                return current
            current += timedelta(days=1)
        raise ValueError(f"no working day within {_SEARCH_LIMIT_DAYS} days after {day}")

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """18:00 of the n-th working day after the day of ``start`` (that day never counts).

        ``n == 0`` means "by the end of today": 18:00 of ``start``'s day if it is a working day, else of the
        next working day.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0 or n > MAX_WORKING_DAYS:
            raise ValueError(f"working days must be a whole number from 0 to {MAX_WORKING_DAYS}, not {n!r}")
        day = _local(start).date()
        if n == 0:
            return end_of_day(self.next_working_day(day, include_today=True))
        for _i in range(n):
            day = self.next_working_day(day)
        return end_of_day(day)

    def working_days_between(self, a: datetime | date, b: datetime | date) -> int:
        """Working days after ``a``'s day up to and including ``b``'s day (negative when ``b`` is earlier)."""
        first = _local(a).date() if isinstance(a, datetime) else a
        last = _local(b).date() if isinstance(b, datetime) else b
        if last < first:
            return -self.working_days_between(last, first)
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def is_working_day(day: date, *, county=None) -> bool:
    return WorkingCalendar(county).is_working_day(day)


def add_working_days(start: datetime, n: int, *, county=None) -> datetime:
    """18:00 (Asia/Shanghai) of the n-th working day after ``start``'s day; see ``WorkingCalendar``."""
    return WorkingCalendar(county).add_working_days(start, n)


def working_days_between(a: datetime | date, b: datetime | date, *, county=None) -> int:
    return WorkingCalendar(county).working_days_between(a, b)


# -- the national schedule from chinese-calendar ---------------------------------------------------------


def official_years() -> tuple[int, int] | None:
    """The first and last year the installed chinese-calendar knows, or None if it is not installed."""
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover - it is a requirement
        return None
    years = [d.year for d in constants.holidays]
    return (min(years), max(years)) if years else None


def official_schedule(year: int) -> dict[date, tuple[bool, str]]:
    """date → (is working, holiday name) for the days of ``year`` that differ from the weekend rule or are
    named holidays, from chinese-calendar. Raises CalendarDataMissing for a year it does not know."""
    known = official_years()
    if known is None or not known[0] <= year <= known[1]:
        raise CalendarDataMissing(year, known)
    import chinese_calendar

    result: dict[date, tuple[bool, str]] = {}
    day = date(year, 1, 1)
    while day.year == year:
        working = chinese_calendar.is_workday(day)
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
        weekend_rule = day.weekday() < 5
        if working != weekend_rule or (name and not working):
            result[day] = (working, name or "")
        day += timedelta(days=1)
    return result


@dataclass
class LoadResult:
    year: int
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    holidays: int = 0
    makeup_days: int = 0


@transaction.atomic
def load_year(year: int) -> LoadResult:
    """Copy ``year``'s national schedule from chinese-calendar into WorkingDay rows (idempotent).

    Rows the administrator entered are left alone; national rows the package no longer lists are removed.
    Raises CalendarDataMissing when the package does not know the year.
    """
    from casework.models import CalendarSource, WorkingDay
    from core import audit

    schedule = official_schedule(year)
    result = LoadResult(year=year)
    existing = {
        row.date: row for row in WorkingDay.objects.select_for_update().filter(region__isnull=True, date__year=year)
    }
    for day, (working, name) in sorted(schedule.items()):
        if working:
            result.makeup_days += 1
        elif day.weekday() < 5:
            result.holidays += 1
        row = existing.pop(day, None)
        if row is None:
            WorkingDay.objects.create(date=day, is_working=working, note=name, source=CalendarSource.OFFICIAL)
            result.created += 1
        elif row.source != CalendarSource.OFFICIAL:
            result.unchanged += 1
        elif row.is_working != working or row.note != name:
            row.is_working, row.note = working, name
            row.save(update_fields=["is_working", "note", "updated_at"])
            result.updated += 1
        else:
            result.unchanged += 1
    stale = [row.pk for row in existing.values() if row.source == CalendarSource.OFFICIAL]
    if stale:
        WorkingDay.objects.filter(pk__in=stale).delete()
        result.removed = len(stale)
    if result.created or result.updated or result.removed:
        audit.record(
            None,
            "casework.calendar.load",
            target_label=str(year),
            after={
                "year": year,
                "created": result.created,
                "updated": result.updated,
                "removed": result.removed,
            },
        )
    return result
