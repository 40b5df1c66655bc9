"""Dates in Chinese text: one way of writing a range everywhere."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _


def date_range(start: date | None, end: date | None, fmt: str = "%Y-%m-%d") -> str:
    """A range of days as people write it: 2026-12-06 至 2026-12-08; one date when both ends are the same day
    (2026-12-06, never "2026-12-06 – 2026-12-06"); an open end is left out."""
    if start is None and end is None:
        return ""
    if start is None or end is None or start == end:
        return (start or end).strftime(fmt)
    return _("%(a)s to %(b)s") % {"a": start.strftime(fmt), "b": end.strftime(fmt)}
