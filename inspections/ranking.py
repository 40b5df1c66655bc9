"""The boards of a quarter as pure functions (no database): who is on the 表扬栏 and the 曝光台, and which village
groups are at the top and the bottom.

The rule (docs/inspections.md):

- only inspected households are ranked; a household not inspected is listed as such, on no board;
- the size of a board is ``round(n × share)`` (half up) of the n ranked households, and at least 1 (when n ≥ 1);
- ties at the cut-off are all included: every household scoring as much as the last one inside the cut is on the
  board, so a board may be longer than its size (the page says so);
- the praise board is drawn first; the exposure board is drawn from the households not on it (no household is on
  both), so with everyone on the same score the praise board holds them all and the exposure board nobody;
- ranks are competition ranks (1, 2, 2, 4 …);
- village groups are ranked the same way by their mean score (the groups with at least one inspected household),
  with the group share for the top and the bottom.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def board_size(n: int, percent) -> int:
    """How many a board holds before ties: ``round(n × percent / 100)`` half up, at least 1 when n ≥ 1."""
    if n <= 0:
        return 0
    size = (Decimal(n) * Decimal(str(percent)) / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(1, min(n, int(size)))


def ranks(scores: Mapping[Hashable, float]) -> dict:
    """Competition ranks, highest score first (1, 2, 2, 4)."""
    ordered = sorted(scores.items(), key=lambda kv: -kv[1])
    out, previous, rank = {}, None, 0
    for position, (key, score) in enumerate(ordered, start=1):
        if score != previous:
            rank, previous = position, score
        out[key] = rank
    return out


def _top(scores: Mapping[Hashable, float], size: int, *, reverse: bool) -> set:
    if size <= 0 or not scores:
        return set()
    ordered = sorted(scores.values(), reverse=not reverse)
    cut = ordered[size - 1]
    return {k for k, v in scores.items() if (v <= cut if reverse else v >= cut)}


@dataclass(frozen=True)
class Boards:
    ranks: dict
    top: set
    bottom: set
    top_size: int
    bottom_size: int


def boards(scores: Mapping[Hashable, float], top_percent, bottom_percent) -> Boards:
    """The top board (ties at its cut-off included) and the bottom board drawn from the rest."""
    n = len(scores)
    top_size, bottom_size = board_size(n, top_percent), board_size(n, bottom_percent)
    top = _top(scores, top_size, reverse=False)
    rest = {k: v for k, v in scores.items() if k not in top}
    bottom = _top(rest, min(bottom_size, len(rest)), reverse=True)
    return Boards(ranks(scores), top, bottom, top_size, bottom_size)
