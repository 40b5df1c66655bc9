"""积分公示: the public notice of a village's published quarters (no login). The pages around the lists are
points/views/lists.py; the grid's monthly ledger is points/views/grid_ledger.py.

The public pages render a publication's frozen snapshot and nothing else: masked names, grid, score,
stars, rank and the lists. A later correction of the ledger never changes what was posted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.views import public as _public
from points.models import ListKind, Publication
from regions.models import Region, RegionLevel

# -- the public notice ------------------------------------------------------------------------------------

ROW_FIELDS = ("rank", "name", "grid", "score", "stars", "lists")
CORRECTION_FIELDS = ("name", "grid", "points", "entry", "entry_date", "year", "quarter", "publication")
NOTICE_PAGE_SIZE = 50
LIST_ORDER = (ListKind.RED, ListKind.BLACK)


def points_text(value) -> str:
    """Points without trailing zeros: 12.50 → 12.5, 10.00 → 10, -5.00 → -5."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def public_snapshot(snapshot: dict) -> dict:
    """Only the keys a notice shows: whatever else a snapshot might hold never reaches a page or the API."""
    snapshot = snapshot or {}
    lists = snapshot.get("lists") or {}
    return {
        "scheme": str(snapshot.get("scheme", "")),
        "village": str(snapshot.get("village", "")),
        "year": snapshot.get("year"),
        "quarter": snapshot.get("quarter"),
        "rows": [{k: row.get(k) for k in ROW_FIELDS} for row in snapshot.get("rows") or []],
        "corrections": [{k: c.get(k) for k in CORRECTION_FIELDS} for c in snapshot.get("corrections") or []],
        "lists": {
            kind: {
                "names": list((lists.get(kind) or {}).get("names") or []),
                "consequences": list((lists.get(kind) or {}).get("consequences") or []),
                "consequence_text": str((lists.get(kind) or {}).get("consequence_text") or ""),
                "duration_quarters": int((lists.get(kind) or {}).get("duration_quarters") or 0),
            }
            for kind in LIST_ORDER
            if kind in lists
        },
    }


def notice_title(village: str, scheme: str, year, quarter) -> str:
    return _("%(village)s %(scheme)s notice (Q%(quarter)s %(year)s)") % {
        "village": village,
        "scheme": scheme,
        "year": year,
        "quarter": quarter,
    }


def notice(publication: Publication) -> dict:
    """What a notice shows, from the frozen snapshot only."""
    snap = public_snapshot(publication.snapshot)
    labels = {ListKind.RED: _("Red list"), ListKind.BLACK: _("Black list")}
    raw_rows = (publication.snapshot or {}).get("rows") or []
    rows = []
    for index, row in enumerate(snap["rows"]):
        on = row.get("lists") or []
        raw = raw_rows[index] if index < len(raw_rows) and isinstance(raw_rows[index], dict) else {}
        rows.append(
            {
                "rank": row.get("rank"),
                "name": row.get("name") or "",
                "grid": row.get("grid") or "",
                # on the sheet the village's name before the grid's says nothing: 兴山村第1网格 → 第1网格
                "grid_short": (row.get("grid") or "").removeprefix(snap["village"]) or (row.get("grid") or ""),
                "score": points_text(row.get("score")),
                "stars": int(row.get("stars") or 0),
                "red": ListKind.RED in on,
                "black": ListKind.BLACK in on,
                # 户号, searched for on the page; notices posted before it was kept have none
                "number": str(raw.get("number") or ""),
            }
        )
    corrections = [
        {
            "name": c.get("name") or "",
            "grid": c.get("grid") or "",
            "points": points_text(c.get("points")),
            "entry": c.get("entry"),
            "entry_date": _iso_date(c.get("entry_date")),
            "year": c.get("year"),
            "quarter": c.get("quarter"),
            "publication": c.get("publication"),
        }
        for c in snap["corrections"]
    ]
    lists = [
        {
            "kind": kind,
            "label": labels[kind],
            "names": data["names"],
            "consequences": data["consequences"],
            "consequence_text": data["consequence_text"],
            "duration_quarters": data["duration_quarters"],
        }
        for kind, data in snap["lists"].items()
    ]
    return {
        "publication": publication,
        "id": publication.pk,
        "title": notice_title(snap["village"], snap["scheme"], snap["year"], snap["quarter"]),
        "village": snap["village"],
        "scheme": snap["scheme"],
        "year": snap["year"],
        "quarter": snap["quarter"],
        "posted_on": timezone.localtime(publication.published_at).date(),
        "rows": rows,
        "shown": rows,
        "corrections": corrections,
        "lists": lists,
        "has_stars": any(r["stars"] for r in rows),
        "has_numbers": any(r["number"] for r in rows),
    }


def _iso_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _same_number(wanted: str, number: str) -> bool:
    """户号 as typed: exactly, or without its leading zeros (12 finds 0012)."""
    return bool(number) and (number == wanted or number.lstrip("0") == wanted.lstrip("0") != "")


def notice_page(request, data: dict, *, per_page: int = NOTICE_PAGE_SIZE) -> dict:
    """The rows the notice page shows: a page of them (``?page=``), or the rows of one 户号 (``?number=``)."""
    wanted = (request.GET.get("number") or "").strip()[:32]
    if wanted:
        data["number"] = wanted
        data["shown"] = [r for r in data["rows"] if _same_number(wanted, r["number"])]
        data["page"] = None
    else:
        page = Paginator(data["rows"], per_page).get_page(request.GET.get("page"))
        data["shown"], data["page"] = list(page.object_list), page
    return data


def _village_or_404(code: str) -> Region:
    village = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).select_related("township", "county").first()
    if village is None:
        raise Http404()
    return village


def public_village(request, village_code):
    """The village's notice board: each scheme's latest notice in full, earlier ones listed, latest first."""
    village = _village_or_404(village_code)
    publications = list(
        Publication.objects.filter(scheme__village=village)
        .select_related("scheme")
        .order_by("scheme__name", "scheme_id", "-year", "-quarter")
    )
    sections: list[dict] = []
    for publication in publications:
        if not sections or sections[-1]["scheme"].pk != publication.scheme_id:
            latest = notice(publication)
            latest["shown"], latest["more"] = latest["rows"][:NOTICE_PAGE_SIZE], len(latest["rows"]) > NOTICE_PAGE_SIZE
            sections.append({"scheme": publication.scheme, "latest": latest, "earlier": []})
        else:
            sections[-1]["earlier"].append(publication)
    sections.sort(key=lambda s: (-s["latest"]["publication"].year, -s["latest"]["publication"].quarter))
    return _public(render(request, "points/public/village.html", {"village": village, "sections": sections}))


def _publication_or_404(publication_id) -> Publication:
    return get_object_or_404(Publication.objects.select_related("scheme", "scheme__village"), pk=publication_id)


def public_publication(request, publication_id):
    publication = _publication_or_404(publication_id)
    if request.GET.get("print"):
        return public_publication_print(request, publication_id)
    return _public(
        render(
            request,
            "points/public/publication.html",
            {
                "notice": notice_page(request, notice(publication)),
                "village": publication.scheme.village,
                "scheme": publication.scheme,
            },
        )
    )


def public_publication_print(request, publication_id):
    """The notice laid out for an A4 notice board, with the posting date and a place for the branch's seal."""
    publication = _publication_or_404(publication_id)
    return _public(
        render(
            request,
            "points/public/print.html",
            {"notice": notice(publication), "village": publication.scheme.village, "scheme": publication.scheme},
        )
    )
