"""Indicators (指标) as declarations: each app says what it measures, core counts it for any place and period.

An app registers its indicators from ``<app>/plug.py``::

    from core import indicators as ind

    ind.register(ind.Indicator(
        key="incidents.resolved_on_time",
        module=_("Grid incidents"),
        name=_("Resolved on time"),
        definition=_("Of the cases resolved in the period, the share resolved by their deadline."),
        numerator=ind.Measure(Incident, date="created_at", filter=Q(resolved_on_time=True), grid="grid_id"),
        denominator=ind.Measure(Incident, date="created_at", filter=Q(resolved_at__isnull=False), grid="grid_id"),
        numerator_label=_("resolved on time"), denominator_label=_("resolved"),
    ))

A ``Measure`` is one count over one model's rows: those placed in the region (its ``county_id``/``township_id``/
``village_id`` columns, or the columns it names) whose ``date`` falls in the period (no ``date``: the rows there
are now, e.g. the households), matching ``filter``, counting ``distinct`` values of a column when it names one.
An indicator is a share (``PERCENT``: numerator over denominator) or a count (``COUNT``: the numerator alone).
Every figure is computed from the records by the database (``COUNT … GROUP BY``), never typed or kept by hand.

Reads: ``value`` (one place, one period), ``by_unit`` (the places one level down side by side: the townships of
a county, the villages of a township, the grids of a village), ``trend`` (month by month). A figure is kept in
the cache for ``KEPT_SECONDS`` (the pages say when it was counted). Who may read which place is the caller's
question (``dashboards.selectors``): an indicator only counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.db.models import Count, F, Model, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.cache import kept
from core.errors import DomainError
from core.periods import MONTH, QUARTER, YEAR, Period, month_period

PERCENT, COUNT = "percent", "count"
UNITS = {PERCENT: gettext_lazy("Percentage"), COUNT: gettext_lazy("Count")}
COUNTY, TOWNSHIP, VILLAGE, GRID = "county", "township", "village", "grid"
LEVELS = (COUNTY, TOWNSHIP, VILLAGE, GRID)
LEVEL_LABELS = {
    COUNTY: gettext_lazy("County"),
    TOWNSHIP: gettext_lazy("Township"),
    VILLAGE: gettext_lazy("Village"),
    GRID: gettext_lazy("Grid"),
}
# the places compared on a place's dashboard: one level down
CHILD_LEVEL = {COUNTY: TOWNSHIP, TOWNSHIP: VILLAGE, VILLAGE: GRID}
PERIOD_LABELS = {MONTH: gettext_lazy("Month"), QUARTER: gettext_lazy("Quarter"), YEAR: gettext_lazy("Year")}
KEPT_SECONDS = 600
DEFAULT_MIN_CASES = 10


def _default_place() -> dict[str, str]:
    return {COUNTY: "county_id", TOWNSHIP: "township_id", VILLAGE: "village_id"}


@dataclass(frozen=True)
class Measure:
    """One count over ``model``'s rows in a place and period (see the module's docstring)."""

    model: type[Model]
    date: str | None = None
    filter: Q | Callable[[], Q] = field(default_factory=Q)  # a function: a condition that depends on the time
    distinct: str = ""
    # a monthly rollup: rows dated on the first of their month, a ``distinct`` value at most once a month
    once_a_month: bool = False
    grid: str = ""
    place: Mapping[str, str] = field(default_factory=_default_place)

    def column(self, level: str) -> str:
        """The column placing a row at ``level`` ('' when the rows are not placed at that level)."""
        return self.grid if level == GRID else self.place.get(level, "")

    def _dated(self) -> bool:
        return self.date is not None

    def condition(self) -> Q:
        return self.filter() if callable(self.filter) else self.filter

    def _rows(self, level: str, region_id: int, start: date | None, end: date | None, condition: Q | None = None):
        column = self.column(level)
        if not column:
            raise ValueError(f"{self.model.__name__} is not placed at the {level} level")
        condition = self.condition() if condition is None else condition
        qs = self.model._default_manager.filter(condition, **{column: region_id})
        if self.date is not None and start is not None:
            field_ = self.model._meta.get_field(self.date.split("__")[0])
            if field_.get_internal_type() == "DateTimeField":
                bounds = Period(start, end).bounds
                qs = qs.filter(**{f"{self.date}__gte": bounds[0], f"{self.date}__lt": bounds[1]})
            else:
                qs = qs.filter(**{f"{self.date}__gte": start, f"{self.date}__lte": end})
        return qs

    def _count(self, condition: Q | None = None):
        """COUNT(*) when every row counts (an index-only scan can answer it: COUNT(id) must read the table),
        COUNT(DISTINCT …) for ``distinct``; ``condition``: only the rows matching it (COUNT … FILTER (WHERE …))."""
        if self.distinct:
            return Count(self.distinct, distinct=True, filter=condition or None)
        return Count("pk", filter=condition) if condition else Count("*")

    def pairs_with(self, other: Measure) -> bool:
        """Does ``other`` count the same rows in the same way, only its filter differing? Then one statement reads
        the rows once and counts both (``_pair``)."""
        if type(other) is not Measure or self.date is None or self.once_a_month:
            return False
        same = ("model", "date", "distinct", "once_a_month", "grid", "place")
        return all(getattr(self, k) == getattr(other, k) for k in same)

    def _pair(self, other: Measure, level: str, region_id: int, period: Period):
        mine, theirs = self.condition(), other.condition()
        either = (mine | theirs) if mine and theirs else Q()  # an empty Q is every row (Q(a) | Q() would be Q(a))
        rows = self._rows(level, region_id, period.start, period.end, condition=either)
        return rows, {"ind_n": self._count(mine), "ind_d": other._count(theirs)}

    def pair_total(self, other: Measure, level: str, region_id: int, period: Period) -> tuple[int, int]:
        rows, counts = self._pair(other, level, region_id, period)
        found = rows.aggregate(**counts)
        return found["ind_n"] or 0, found["ind_d"] or 0

    def pair_by(self, other: Measure, level: str, region_id: int, period: Period, child: str):
        column = self.column(child)
        rows, counts = self._pair(other, level, region_id, period)
        rows = rows.exclude(**{f"{column}__isnull": True}).values(ind_unit=F(column)).annotate(**counts).order_by()
        nums, dens = {}, {}
        for row in rows:
            if row["ind_n"]:
                nums[row["ind_unit"]] = row["ind_n"]
            if row["ind_d"]:
                dens[row["ind_unit"]] = row["ind_d"]
        return nums, dens

    def pair_monthly(self, other: Measure, level: str, region_id: int, period: Period):
        field_ = self.model._meta.get_field(self.date.split("__")[0])
        tz = timezone.get_default_timezone() if field_.get_internal_type() == "DateTimeField" else None
        rows, counts = self._pair(other, level, region_id, period)
        nums: dict[date, int] = {}
        dens: dict[date, int] = {}
        for row in rows.values(ind_month=TruncMonth(self.date, tzinfo=tz)).annotate(**counts).order_by():
            month = row["ind_month"]
            month = month.date() if isinstance(month, datetime) else month
            nums[month] = nums.get(month, 0) + row["ind_n"]
            dens[month] = dens.get(month, 0) + row["ind_d"]
        return nums, dens

    def total(self, level: str, region_id: int, period: Period) -> int:
        return self._rows(level, region_id, period.start, period.end).aggregate(ind_n=self._count())["ind_n"] or 0

    def by(self, level: str, region_id: int, period: Period, child: str) -> dict[int, int]:
        """Counts per place one level down (its id → count; places with none left out)."""
        column = self.column(child)
        rows = self._rows(level, region_id, period.start, period.end).exclude(**{f"{column}__isnull": True})
        counted = rows.values(ind_unit=F(column)).annotate(ind_n=self._count()).order_by()
        return {row["ind_unit"]: row["ind_n"] for row in counted}

    def monthly(self, level: str, region_id: int, period: Period) -> dict[date, int] | int:
        """Counts per month of the period (first day of the month → count); a measure without a date: its count
        now, the same for every month (an int)."""
        if not self._dated():
            return self.total(level, region_id, period)
        field_ = self.model._meta.get_field(self.date.split("__")[0])
        tz = timezone.get_default_timezone() if field_.get_internal_type() == "DateTimeField" else None
        rows = self._rows(level, region_id, period.start, period.end)
        out: dict[date, int] = {}
        # a monthly rollup's rows are dated on the first of their month already
        bucket = F(self.date) if self.once_a_month else TruncMonth(self.date, tzinfo=tz)
        count = Count("*") if self.once_a_month else self._count()
        for row in rows.values(ind_month=bucket).annotate(ind_n=count).order_by():
            month = row["ind_month"]
            month = month.date() if isinstance(month, datetime) else month
            out[month] = out.get(month, 0) + row["ind_n"]
        return out


def whole_months(period: Period) -> bool:
    """Does ``period`` run from the first day of a month to the last day of a month?"""
    after = period.end.toordinal() + 1
    return period.start.day == 1 and date.fromordinal(after).day == 1


@dataclass(frozen=True)
class MonthlyRollup:
    """A measure read from a rollup kept per month (``rollup``: its ``date`` the month's first day) when the period
    is whole months, and from the rows themselves (``rows``) otherwise: the same count, cheaper."""

    rollup: Measure
    rows: Measure

    def _for(self, period: Period) -> Measure:
        return self.rollup if whole_months(period) else self.rows

    def column(self, level: str) -> str:
        return self.rollup.column(level) if self.rows.column(level) else ""

    def total(self, level: str, region_id: int, period: Period) -> int:
        return self._for(period).total(level, region_id, period)

    def by(self, level: str, region_id: int, period: Period, child: str) -> dict[int, int]:
        return self._for(period).by(level, region_id, period, child)

    def monthly(self, level: str, region_id: int, period: Period):
        return self._for(period).monthly(level, region_id, period)


class Source(Protocol):
    """What an indicator counts from: a ``Measure``, a ``MonthlyRollup``, or an app's own source built on its
    records (e.g. calendar periods due), with these four reads."""

    def column(self, level: str) -> str: ...

    def total(self, level: str, region_id: int, period: Period) -> int: ...

    def by(self, level: str, region_id: int, period: Period, child: str) -> dict[int, int]: ...

    def monthly(self, level: str, region_id: int, period: Period) -> dict[date, int] | int: ...


@dataclass(frozen=True)
class Value:
    """A figure: ``num`` (and ``den`` for a share)."""

    num: int
    den: int | None
    unit: str
    min_cases: int = DEFAULT_MIN_CASES

    @property
    def value(self) -> float | None:
        if self.unit == PERCENT:
            return round(self.num * 100 / self.den, 1) if self.den else None
        return self.num

    @property
    def thin(self) -> bool:
        """A share over fewer cases than the indicator's minimum: shown, but not ranked against the others."""
        return self.unit == PERCENT and (self.den or 0) < self.min_cases

    @property
    def display(self) -> str:
        value = self.value
        if value is None:
            return "—"
        return f"{value:.1f}%" if self.unit == PERCENT else f"{value:,}"


@dataclass(frozen=True)
class Indicator:
    """A figure an app declares (see the module's docstring). ``levels``: the places it is shown for (the grid
    level only when both measures are placed in grids); ``public``: shown on the village's public page too."""

    key: str
    module: Any
    name: Any
    definition: Any
    numerator: Source
    denominator: Source | None = None
    numerator_label: Any = ""
    denominator_label: Any = ""
    unit: str = PERCENT
    higher_is_better: bool = True
    levels: tuple[str, ...] = (COUNTY, TOWNSHIP, VILLAGE, GRID)
    periods: tuple[str, ...] = (MONTH, QUARTER, YEAR)
    min_cases: int = DEFAULT_MIN_CASES
    public: bool = False
    order: int = 500

    def __post_init__(self):
        if (self.unit == PERCENT) != (self.denominator is not None):
            raise ValueError(f"{self.key}: a share has a denominator, a count has none")

    def applies_to(self, level: str) -> bool:
        if level not in self.levels:
            return False
        measures = [m for m in (self.numerator, self.denominator) if m is not None]
        return all(m.column(level) for m in measures)

    def level_labels(self) -> list[str]:
        """The names of the levels the indicator is shown for."""
        return [str(LEVEL_LABELS[level]) for level in LEVELS if self.applies_to(level)]

    def _value(self, num: int, den: int | None) -> Value:
        return Value(num, den if self.unit == PERCENT else None, self.unit, self.min_cases)

    def _kept(self, what: str, level: str, region_id: int, period: Period, build):
        version = f"{self.key}|{what}|{level}|{region_id}|{period.start}|{period.end}"
        return kept("indicator", version, build, KEPT_SECONDS)

    def _paired(self) -> bool:
        """A share whose numerator and denominator count the same rows (their filters differ): one statement."""
        return (
            self.denominator is not None
            and type(self.numerator) is Measure
            and self.numerator.pairs_with(self.denominator)
        )

    def value(self, level: str, region_id: int, period: Period) -> Value:
        def build():
            if self._paired():
                return self.numerator.pair_total(self.denominator, level, region_id, period)
            den = self.denominator.total(level, region_id, period) if self.denominator else None
            return (self.numerator.total(level, region_id, period), den)

        return self._value(*self._kept("value", level, region_id, period, build))

    def by_unit(self, level: str, region_id: int, period: Period) -> dict[int, Value]:
        """The figure of each place one level down that has any case (id → value)."""
        child = CHILD_LEVEL[level]

        def build():
            if self._paired():
                return self.numerator.pair_by(self.denominator, level, region_id, period, child)
            nums = self.numerator.by(level, region_id, period, child)
            dens = self.denominator.by(level, region_id, period, child) if self.denominator else {}
            return nums, dens

        nums, dens = self._kept("by", level, region_id, period, build)
        ids = set(nums) | set(dens)
        return {i: self._value(nums.get(i, 0), dens.get(i, 0)) for i in ids}

    def trend(self, level: str, region_id: int, months: list[Period]) -> list[Value]:
        """The figure month by month over ``months`` (consecutive month periods)."""
        span = Period(months[0].start, months[-1].end)

        def build():
            if self._paired():
                return self.numerator.pair_monthly(self.denominator, level, region_id, span)
            nums = self.numerator.monthly(level, region_id, span)
            dens = self.denominator.monthly(level, region_id, span) if self.denominator else {}
            return nums, dens

        nums, dens = self._kept("trend", level, region_id, span, build)

        def at(counts, month):
            return counts if isinstance(counts, int) else counts.get(month, 0)

        return [self._value(at(nums, m.start), at(dens, m.start)) for m in months]


_indicators: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add (or replace: ``ready()`` may run twice in tests) an app's indicator."""
    _indicators[indicator.key] = indicator
    return indicator


def all_indicators() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda i: (i.order, i.key))


def get(key: str) -> Indicator:
    """The indicator ``key``, or a clear refusal."""
    found = _indicators.get(key)
    if found is None:
        raise DomainError({"indicator": _("There is no indicator “%(key)s”.") % {"key": key}})
    return found


def trend_months(period: Period, *, count: int = 12) -> list[Period]:
    """The months a trend shows for ``period``: the period's own months when it spans ``count`` or more, else the
    ``count`` months ending with the period's last month."""
    last = (period.end.year, period.end.month)
    first = (period.start.year, period.start.month)
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    back = max(span, count) - 1
    year, month = divmod(last[0] * 12 + last[1] - 1 - back, 12)
    out = []
    for _i in range(back + 1):
        out.append(month_period(year, month + 1))
        year, month = divmod(year * 12 + month + 1, 12)
    return out
