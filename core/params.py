"""Numbers read from a page's query string (?year=, ?village=, ?page=): parsed once, here, within a range.

A value that is missing, not a whole number or out of its range gives the default, the way a filter left empty
does: a year of 10000 (``date()`` refuses it) or an id past a bigint (the database refuses it) never reaches the
code below (they answered 500). The API's bounds are the same (``core.api_types``).
"""

from __future__ import annotations

import re

from core.api_types import MAX_ID, MAX_YEAR, MIN_YEAR

_WHOLE = re.compile(r"-?[0-9]{1,19}")


def int_param(raw, *, default=None, low: int, high: int):
    """``raw`` (a query-string value) as an int in [low, high], else ``default``."""
    text = str(raw if raw is not None else "").strip()
    if not _WHOLE.fullmatch(text):
        return default
    value = int(text)
    return value if low <= value <= high else default


def id_param(raw, default=None):
    """A row id (a filter's choice): a positive bigint, else ``default`` (no filter)."""
    return int_param(raw, default=default, low=1, high=MAX_ID)


def year_param(raw, default: int, *, low: int = MIN_YEAR, high: int = MAX_YEAR) -> int:
    """A year of the platform's range, else ``default`` (usually this year)."""
    return int_param(raw, default=default, low=low, high=high)
