"""When a visit is owed (pure functions, no database).

Calendar periods: a rule "every month" asks for at least one visit in each calendar month (not every 30 days):
a household visited on 31 January owes its next visit by the end of February, and is overdue from 1 March if
February passed without one. Weeks start on Monday; quarters in January, April, July and October.

A rule set on ``since`` owes nothing for the period it was set in unless ``since`` is that period's first day: the
first period owed is the first that begins on or after ``since`` (a rule set on 31 January asks first for a visit
in February).

A household's state for one rule, on ``today``:

- ``done``: visited in the current period;
- ``due``: the current period is owed and has no visit yet (due by its last day);
- ``overdue``: the previous period was owed and ended without a visit, and none since;
- ``none``: nothing owed yet (the rule begins with a later period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WEEK, MONTH, QUARTER, YEAR = "week", "month", "quarter", "year"
ORDER = {WEEK: 0, MONTH: 1, QUARTER: 2, YEAR: 3}  # the strictest first
STATES = ("overdue", "due", "done", "none")


def start(period: str, day: date) -> date:
    """The first day of the period containing ``day``."""
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    if period == MONTH:
        return day.replace(day=1)
    if period == QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == YEAR:
        return date(day.year, 1, 1)
    raise ValueError(period)


def next_start(period: str, day: date) -> date:
    """The first day of the period after the one containing ``day``."""
    first = start(period, day)
    if period == WEEK:
        return first + timedelta(days=7)
    if period == YEAR:
        return date(first.year + 1, 1, 1)
    months = 1 if period == MONTH else 3
    month = first.month - 1 + months
    return date(first.year + month // 12, month % 12 + 1, 1)


def end(period: str, day: date) -> date:
    """The last day of the period containing ``day``."""
    return next_start(period, day) - timedelta(days=1)


def previous_start(period: str, day: date) -> date:
    return start(period, start(period, day) - timedelta(days=1))


def first_owed(period: str, since: date) -> date:
    """The first day of the first period the rule asks a visit for."""
    return since if start(period, since) == since else next_start(period, since)


@dataclass(frozen=True)
class Bounds:
    """For one period kind on one day: the current period's start and end, the previous period's start."""

    current: date
    last_day: date
    previous: date


def bounds(period: str, today: date) -> Bounds:
    return Bounds(start(period, today), end(period, today), previous_start(period, today))


@dataclass(frozen=True)
class Status:
    state: str  # overdue / due / done / none
    period: str
    by: date | None  # due: the last day to visit; overdue: the last day of the period missed; done: None


def status(period: str, since: date, last_visit: date | None, today: date) -> Status:
    b = bounds(period, today)
    owed_from = first_owed(period, since)
    if last_visit is not None and last_visit >= b.current:
        return Status("done", period, None)
    if owed_from <= b.previous and (last_visit is None or last_visit < b.previous):
        return Status("overdue", period, b.current - timedelta(days=1))
    if owed_from <= b.current:
        return Status("due", period, b.last_day)
    return Status("none", period, None)


def worst(statuses: list[Status]) -> Status | None:
    """The state that matters most: overdue before due before done; the earliest day among equals."""
    ranked = [s for s in statuses if s.state != "none"]
    if not ranked:
        return None
    return min(ranked, key=lambda s: (STATES.index(s.state), s.by or date.max, ORDER[s.period]))
