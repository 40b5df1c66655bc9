"""A dashboard's data as the charts read it (JSON) and as the .xlsx downloads it: the same numbers, one place."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import indicators as ind
from core.xlsx import Sheet


def by_module(rows: list[ind.Indicator]) -> list[tuple[str, list[ind.Indicator]]]:
    out: dict[str, list[ind.Indicator]] = {}
    for row in rows:
        out.setdefault(str(row.module), []).append(row)
    return list(out.items())


def _number(value: ind.Value):
    return value.value


def chart_data(board, params) -> dict:
    """Per indicator: its trend (month labels and values) and the places one level down (names, values, the
    dashboard each opens, whether too few cases to compare), for static/dashboards/dashboards.js."""
    query = params.copy()
    query.pop("indicator", None)
    suffix = f"?{query.urlencode()}" if query else ""
    # each place's address once (a reverse() per place and indicator was ~360 calls on a county's page)
    urls = {u.id: reverse("dashboards:place", args=[u.id]) + suffix if u.opens else "" for u in board.units}
    charts = {}
    for line in board.lines:
        i = line.indicator
        units = []
        for unit in board.units:
            value = line.units.get(unit.id)
            units.append(
                {
                    "name": unit.name,
                    "value": value.value if value else None,
                    "thin": value.thin if value else i.unit == ind.PERCENT,
                    "url": urls[unit.id],
                }
            )
        charts[i.key] = {
            "name": str(i.name),
            "unit": i.unit,
            "higher": i.higher_is_better,
            "months": [m.label for m in board.months],
            "trend": [v.value for v in line.trend],
            "units": units if line.compared else [],
        }
    return charts


def _caption(board, what: str) -> str:
    return _("%(place)s · %(what)s · %(period)s (counted %(at)s)") % {
        "place": board.region.name,
        "what": what,
        "period": board.period.label,
        "at": f"{timezone.localtime(board.counted_at):%Y-%m-%d %H:%M}",
    }


def _cell(value: ind.Value | None):
    return "" if value is None or value.value is None else value.value


def sheets(board) -> list[Sheet]:
    """The figures, the trend, the places one level down and the definitions, as sheets."""
    lines = board.lines
    figures = Sheet(
        _("Indicators"),
        _caption(board, _("Indicators")),
        [_("Module"), _("Indicator"), _("Value"), _("Unit"), _("Numerator"), _("Denominator"), _("Too few cases")],
        [
            [
                str(line.indicator.module),
                str(line.indicator.name),
                _cell(line.value),
                "%" if line.indicator.unit == ind.PERCENT else _("count"),
                line.value.num,
                "" if line.value.den is None else line.value.den,
                _("yes") if line.value.thin else "",
            ]
            for line in lines
        ],
    )
    trend = Sheet(
        _("Trend by month"),
        _caption(board, _("Trend by month")),
        [_("Month")] + [str(line.indicator.name) for line in lines],
        [[m.label] + [_cell(line.trend[n]) for line in lines] for n, m in enumerate(board.months)],
    )
    compared = [line for line in lines if line.compared]
    level = str(ind.LEVEL_LABELS[board.child_level])
    units = Sheet(
        _("Comparison"),
        _caption(board, _("Comparison of the places one level down")),
        [level] + [str(line.indicator.name) for line in compared],
        [[u.name] + [_cell(line.units.get(u.id)) for line in compared] for u in board.units],
    )
    definitions = Sheet(
        _("Definitions"),
        _("How the indicators are defined"),
        [_("Indicator"), _("Definition"), _("Numerator"), _("Denominator"), _("Higher is better")],
        [
            [
                str(line.indicator.name),
                str(line.indicator.definition),
                str(line.indicator.numerator_label),
                str(line.indicator.denominator_label),
                _("yes") if line.indicator.higher_is_better else _("no"),
            ]
            for line in lines
        ],
    )
    return [figures, trend, units, definitions]
