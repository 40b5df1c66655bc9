"""Quarters (季度): the boards are published per quarter. A quarter is written ``2026-4`` in addresses and the API."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from core.errors import DomainError

NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


def of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def previous(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def first_day(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def label(year: int, quarter: int) -> str:
    return _("%(year)s, quarter %(quarter)s") % {"year": year, "quarter": NAMES.get(quarter, quarter)}


def key(year: int, quarter: int) -> str:
    return f"{year}-{quarter}"


def parse(raw, *, default: tuple[int, int], field: str = "quarter") -> tuple[int, int]:
    """``"2026-4"`` → (2026, 4); blank → ``default``; anything else a DomainError."""
    text = str(raw or "").strip()
    if not text:
        return default
    year, _sep, quarter = text.partition("-")
    if year.isdigit() and quarter.isdigit() and 2000 <= int(year) <= 2100 and 1 <= int(quarter) <= 4:
        return int(year), int(quarter)
    raise DomainError({field: _("Give the quarter as year-quarter, e.g. 2026-4.")})


def recent(today: date, count: int = 8) -> list[tuple[int, int]]:
    """This quarter and the ones before it, newest first."""
    out, current = [], of(today)
    for _n in range(count):
        out.append(current)
        current = previous(*current)
    return out
