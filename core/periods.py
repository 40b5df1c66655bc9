"""The periods figures are counted over (month, quarter, year, custom dates) and a rate with its parts: the
incidents' KPIs and the dashboards' indicators read them."""

from __future__ import annotations

import calendar as pycalendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import formats
from core.errors import DomainError

# -- periods ----------------------------------------------------------------------------------------------

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
PERIOD_KINDS = {
    MONTH: gettext_lazy("Month"),
    QUARTER: gettext_lazy("Quarter"),
    YEAR: gettext_lazy("Year"),
    CUSTOM: gettext_lazy("Custom dates"),
}
MAX_PERIOD_DAYS = 366 * 5
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    """The days [start, end] (Asia/Shanghai dates) in which the counted cases were reported."""

    start: date
    end: date
    kind: str = CUSTOM

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The aware moments [from, to) covering the days: an index range on created_at, no date cast."""
        tz = timezone.get_default_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), tz),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz),
        )

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == YEAR:
            return str(self.start.year)
        return formats.date_range(self.start, self.end)

    @property
    def slug(self) -> str:
        """For file names: 2026-03, 2026Q1, 2026, 20260101-20260315."""
        if self.kind == CUSTOM:
            return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"
        return self.label


def month_period(year: int, month: int) -> Period:
    last = pycalendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), MONTH)


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(date(year, first, 1), month_period(year, first + 2).end, QUARTER)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), YEAR)


def _year(value: str, field_name: str, today: date) -> int:
    value = (value or "").strip()
    if not re.fullmatch(r"\d{4}", value) or not FIRST_YEAR <= int(value) <= today.year:
        raise DomainError(
            {field_name: _("Enter a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": today.year}}
        )
    return int(value)


def parse_month(value: str, *, today: date | None = None, field_name: str = "month") -> Period:
    """'2026-03' → that month; a month not yet begun or not of that form is refused with a clear message."""
    today = today or timezone.localdate()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise DomainError(
            {field_name: _("Enter the month as YYYY-MM, e.g. %(example)s.") % {"example": f"{today:%Y-%m}"}}
        )
    year, month = int(match.group(1)), int(match.group(2))
    if year < FIRST_YEAR or (year, month) > (today.year, today.month):
        raise DomainError(
            {field_name: _("Choose a month that has begun, up to %(month)s.") % {"month": f"{today:%Y-%m}"}}
        )
    return month_period(year, month)


def parse_period(params, *, today: date | None = None) -> Period:
    """The period asked for by a page's query: ``period`` = month (``month`` YYYY-MM), quarter (``year``,
    ``quarter`` 1–4), year (``year``) or custom (``start``, ``end`` as YYYY-MM-DD). Nothing asked: this month."""
    today = today or timezone.localdate()
    kind = (params.get("period") or MONTH).strip()
    if kind not in PERIOD_KINDS:
        raise DomainError({"period": _("Choose month, quarter, year or custom dates.")})
    if kind == MONTH:
        return parse_month(params.get("month") or f"{today:%Y-%m}", today=today)
    if kind == QUARTER:
        year = _year(params.get("year") or str(today.year), "year", today)
        raw = (params.get("quarter") or "").strip() or str((today.month - 1) // 3 + 1)
        if raw not in {"1", "2", "3", "4"}:
            raise DomainError({"quarter": _("Choose a quarter from 1 to 4.")})
        return quarter_period(year, int(raw))
    if kind == YEAR:
        return year_period(_year(params.get("year") or str(today.year), "year", today))
    days = {}
    for name in ("start", "end"):
        raw = (params.get(name) or "").strip()
        try:
            days[name] = date.fromisoformat(raw)
        except ValueError:
            raise DomainError({name: _("Enter a date as YYYY-MM-DD.")}) from None
        if days[name].year < FIRST_YEAR:
            raise DomainError({name: _("Enter a date from %(year)s on.") % {"year": FIRST_YEAR}})
    if days["start"] > days["end"]:
        raise DomainError({"end": _("The end date is before the start date.")})
    if (days["end"] - days["start"]).days >= MAX_PERIOD_DAYS:
        raise DomainError({"end": _("Choose a period of at most five years.")})
    return Period(days["start"], days["end"], CUSTOM)


def period_form_context(params, period: Period | None, *, default_kind: str = MONTH) -> dict:
    """What the period chooser (``core/_period_fields.html``) shows: the kind asked for and each field's value
    (as typed, or the period shown's)."""
    today = timezone.localdate()
    shown = period or (year_period(today.year) if default_kind == YEAR else month_period(today.year, today.month))
    kind = params.get("period")
    return {
        "period_kinds": list(PERIOD_KINDS.items()),
        "period_kind": kind if kind in PERIOD_KINDS else default_kind,
        "month_value": params.get("month") or f"{shown.start:%Y-%m}",
        "year_value": params.get("year") or str(shown.start.year),
        "quarter_value": params.get("quarter") or str((shown.start.month - 1) // 3 + 1),
        "start_value": params.get("start") or f"{shown.start:%Y-%m-%d}",
        "end_value": params.get("end") or f"{shown.end:%Y-%m-%d}",
        "quarters": ["1", "2", "3", "4"],
    }


# -- rates --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A share with its numerator and denominator; no value (shown "—") when the denominator is 0."""

    num: int
    den: int

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None

    @property
    def percent(self) -> str:
        value = self.value
        return "—" if value is None else f"{value * 100:.1f}%"

    def __str__(self) -> str:
        return self.percent
