"""The dashboards for the API (a mini-program, a county's big screen): the indicators and their definitions, and a
place's figures for a period — the same numbers as the page /dashboards/<place>/ and its .xlsx, with the same
scope and the same refusals in Chinese."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema

from core import indicators as ind
from core import scope
from core.api_types import Id, Quarter, Year
from core.errors import PermissionDenied
from core.periods import YEAR, parse_period
from core.roles import Action
from dashboards import selectors

router = Router(tags=["dashboards"])


class IndicatorOut(Schema):
    key: str
    module: str
    name: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    higher_is_better: bool
    levels: list[str]
    min_cases: int
    public: bool


class FigureOut(Schema):
    num: int
    den: int | None
    value: float | None
    display: str
    thin: bool


class UnitFigureOut(FigureOut):
    place_id: int
    place: str


class DashboardLineOut(Schema):
    indicator: str
    figure: FigureOut
    trend: list[FigureOut]
    places: list[UnitFigureOut]


class DashboardPeriodOut(Schema):
    kind: str
    start: date
    end: date
    label: str


class DashboardOut(Schema):
    place_id: int
    place: str
    level: str
    period: DashboardPeriodOut
    months: list[str]
    places_level: str
    counted_at: datetime
    lines: list[DashboardLineOut]


def _indicator(i: ind.Indicator) -> dict:
    return {
        "key": i.key,
        "module": str(i.module),
        "name": str(i.name),
        "definition": str(i.definition),
        "numerator": str(i.numerator_label),
        "denominator": str(i.denominator_label),
        "unit": i.unit,
        "higher_is_better": i.higher_is_better,
        "levels": [level for level in ind.LEVELS if i.applies_to(level)],
        "min_cases": i.min_cases,
        "public": i.public,
    }


def _figure(value: ind.Value) -> dict:
    return {"num": value.num, "den": value.den, "value": value.value, "display": value.display, "thin": value.thin}


@router.get(
    "/indicators",
    response=list[IndicatorOut],
    summary=gettext_lazy("The indicators of the dashboards with their definitions"),
)
def indicators(request):
    if not scope.can(request.auth, Action.DASHBOARD_VIEW):
        raise PermissionDenied()
    return [_indicator(i) for i in ind.all_indicators()]


@router.get(
    "/places/{place_id}",
    response=DashboardOut,
    summary=gettext_lazy("A place's figures for a period, month by month and for the places one level down"),
    description=gettext_lazy(
        "As the page /dashboards/<place>/: `period` month (`month` YYYY-MM), quarter (`year`, `quarter`), year "
        "(`year`, the default: this year) or custom (`start`, `end`); `indicator` (repeated) keeps only those."
    ),
)
def place(
    request,
    place_id: Id,
    period: str = YEAR,
    month: str = "",
    year: Year | None = None,
    quarter: Quarter | None = None,
    start: date | None = None,
    end: date | None = None,
    indicator: list[str] = Query(None),  # noqa: B008 (django-ninja's way to read a repeated parameter)
):
    actor = request.auth
    if not scope.can(actor, Action.DASHBOARD_VIEW):
        raise PermissionDenied()
    chosen = parse_period(
        {
            "period": period,
            "month": month,
            "year": str(year) if year is not None else "",
            "quarter": str(quarter) if quarter is not None else "",
            "start": start.isoformat() if start else "",
            "end": end.isoformat() if end else "",
        }
    )
    board = selectors.board(actor, place_id, chosen, keys=[k for k in (indicator or []) if k])
    names = {u.id: u.name for u in board.units}
    return {
        "place_id": board.region.pk,
        "place": board.region.name,
        "level": board.region.level,
        "period": {"kind": chosen.kind, "start": chosen.start, "end": chosen.end, "label": chosen.label},
        "months": [m.label for m in board.months],
        "places_level": board.child_level,
        "counted_at": board.counted_at,
        "lines": [
            {
                "indicator": line.indicator.key,
                "figure": _figure(line.value),
                "trend": [_figure(v) for v in line.trend],
                "places": [
                    {"place_id": unit_id, "place": names.get(unit_id, ""), **_figure(value)}
                    for unit_id, value in sorted(line.units.items())
                    if unit_id in names
                ],
            }
            for line in board.lines
        ],
    }
