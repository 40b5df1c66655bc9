"""The figures of services on the doorstep (GET /api/doorstep/figures): a period and a place in the caller's
scope, counted afresh (doorstep.figures); ``format=xlsx`` answers the workbook the page downloads. Reads only."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from core.api_types import Id
from core.errors import PermissionDenied
from doorstep import figures as calc

router = Router(tags=["doorstep"])


class PlaceOut(Schema):
    id: int
    code: str
    name: str


class FigureRow(Schema):
    id: int | None
    key: str
    label: str
    counts: dict[str, int]
    rates: dict[str, float | None]


class AgentFigures(Schema):
    id: int
    name: str
    township: str
    active: bool
    counts: dict[str, int]
    on_time_rate: float | None


class FiguresOut(Schema):
    region: PlaceOut
    by: str
    start: date
    end: date
    rows: list[FigureRow]
    total: FigureRow
    levels: list[FigureRow]
    items: list[FigureRow]
    agents: list[AgentFigures]
    definitions: dict[str, str]
    counted_at: datetime


@router.get(
    "/figures",
    response=FiguresOut,
    summary=gettext_lazy(
        "Figures of services on the doorstep for a period and a place: by township or village, by level, by item, "
        "and the agents' workload (format=xlsx: the workbook)"
    ),
)
def figures(request, start: date | None = None, end: date | None = None, region: Id | None = None, format: str = ""):
    actor = request.auth
    if not calc.may_count(actor):
        raise PermissionDenied()
    start, end = calc.period({"start": start.isoformat() if start else "", "end": end.isoformat() if end else ""})
    place = calc.region(actor, region)
    result = calc.figures(actor, place, start=start, end=end)
    if format == "xlsx":
        from registry.views_excel import xlsx_response

        stem = f"{start:%Y%m%d}-{end:%Y%m%d}"
        return xlsx_response(
            calc.xlsx(result), f"便民服务统计-{place.name}-{stem}.xlsx", f"doorstep-figures-{place.code}-{stem}.xlsx"
        )
    return calc.as_dict(result)
