"""Every figure of the village ledger, computed from ``LedgerEntry`` rows only (never typed, never stored):
opening and closing balance of a month, income and expense by category, the itemised list.

A reversal counts negatively in its own direction and category, in the month of its date, so an entry and its
reversal net to zero wherever both are counted.
"""

from __future__ import annotations

import calendar
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from finance.models import ZERO, Direction, LedgerEntry

_SIGNED = Case(
    When(reverses__isnull=True, then=F("amount")),
    default=-F("amount"),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)


def _cents(value) -> Decimal:
    """A database sum as a Decimal to the cent. PostgreSQL sums NUMERIC exactly; SQLite (tests, a laptop) sums in
    binary floating point, which is exact to the cent below 10^13 yuan once rounded to cents."""
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def balance_before(village_id: int, day: date) -> Decimal:
    """The balance at the start of ``day``: all income minus all expense dated before it (reversals netted)."""
    totals = LedgerEntry.objects.filter(village_id=village_id, date__lt=day).aggregate(
        income=Coalesce(Sum(_SIGNED, filter=Q(direction=Direction.INCOME)), Value(ZERO)),
        expense=Coalesce(Sum(_SIGNED, filter=Q(direction=Direction.EXPENSE)), Value(ZERO)),
    )
    return _cents(totals["income"]) - _cents(totals["expense"])


@dataclass
class CategoryLine:
    category: object
    direction: str
    amount: Decimal = ZERO
    count: int = 0


@dataclass
class MonthSummary:
    village_id: int
    year: int
    month: int
    start: date
    end: date
    opening: Decimal
    income: Decimal
    expense: Decimal
    closing: Decimal
    entries: list = field(default_factory=list)
    income_lines: list = field(default_factory=list)  # CategoryLine per top category (with subtotals)
    expense_lines: list = field(default_factory=list)
    by_category: dict = field(default_factory=dict)  # category id → CategoryLine (leaf categories)
    welfare: list = field(default_factory=list)  # entries of 惠民资金 categories


def month_summary(village_id: int, year: int, month: int) -> MonthSummary:
    """The month of a village: opening balance, income and expense by category, closing balance, the entries."""
    start, end = month_bounds(year, month)
    opening = balance_before(village_id, start)
    entries = list(
        LedgerEntry.objects.filter(village_id=village_id, date__gte=start, date__lte=end)
        .select_related("category", "category__parent", "reverses")
        .order_by("date", "id")
    )
    income = sum((e.signed_amount for e in entries if e.direction == Direction.INCOME), ZERO)
    expense = sum((e.signed_amount for e in entries if e.direction == Direction.EXPENSE), ZERO)
    by_category: dict[int, CategoryLine] = {}
    tops: dict[str, OrderedDict] = {Direction.INCOME: OrderedDict(), Direction.EXPENSE: OrderedDict()}
    for e in entries:
        line = by_category.setdefault(e.category_id, CategoryLine(e.category, e.direction))
        line.amount += e.signed_amount
        line.count += 1
        top = e.category.top
        top_line = tops[e.direction].setdefault(top.pk, CategoryLine(top, e.direction))
        top_line.amount += e.signed_amount
        top_line.count += 1
    sort = lambda lines: sorted(lines, key=lambda line: line.category.code)  # noqa: E731
    return MonthSummary(
        village_id=village_id,
        year=year,
        month=month,
        start=start,
        end=end,
        opening=opening,
        income=income,
        expense=expense,
        closing=opening + income - expense,
        entries=entries,
        income_lines=sort(tops[Direction.INCOME].values()),
        expense_lines=sort(tops[Direction.EXPENSE].values()),
        by_category=by_category,
        welfare=[e for e in entries if e.category.is_welfare],
    )


def category_totals(village_id: int, start: date, end: date) -> dict[int, Decimal]:
    """category id → signed total of the entries dated in [start, end] (a database aggregate)."""
    rows = (
        LedgerEntry.objects.filter(village_id=village_id, date__gte=start, date__lte=end)
        .values("category_id")
        .annotate(total=Sum(_SIGNED))
    )
    return {row["category_id"]: _cents(row["total"]) for row in rows}


def monthly_balances(village_id: int, year: int) -> list[tuple[int, Decimal, Decimal, Decimal, Decimal]]:
    """(month, opening, income, expense, closing) for each month of ``year``."""
    out = []
    for month in range(1, 13):
        s = month_summary(village_id, year, month)
        out.append((month, s.opening, s.income, s.expense, s.closing))
    return out
