"""The village's honour boards of a quarter without login (乡村八榜公示), and an A4 print for the notice board.

Nothing personal beyond what an honour is (个人信息保护法 Art. 34): the honouree's name, the board, the rank and
the deeds (checked for ID numbers and phones when nominated); no nominator, no objector, no ID or phone."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from core.errors import DomainError, NotFound
from core.views import public as _public
from honours import quarters, selectors
from regions import selectors as region_selectors


def _context(request, village_code) -> dict:
    try:
        village = region_selectors.public_village(village_code)
    except NotFound:
        raise Http404() from None
    published = selectors.published_quarters(village)
    today = timezone.localdate()
    default = published[0] if published else quarters.of(today)
    try:
        year, quarter = quarters.parse(request.GET.get("quarter"), default=default)
    except DomainError:
        raise Http404() from None
    rows = selectors.quarter_boards(village, year, quarter)
    return {
        "village": village,
        "rows": rows,
        "honoured": sum(len(r["honourees"]) for r in rows),
        "quarter_label": quarters.label(year, quarter),
        "quarter_key": quarters.key(year, quarter),
        "quarters": [(quarters.key(*q), quarters.label(*q)) for q in published],
        "now": timezone.now(),
    }


def boards(request, village_code):
    return _public(render(request, "honours/public/boards.html", _context(request, village_code)))


def boards_print(request, village_code):
    return _public(render(request, "honours/public/print.html", _context(request, village_code)))
