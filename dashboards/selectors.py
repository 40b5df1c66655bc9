"""What a person may see on the dashboards: the places they may open (their county, township or villages by
``Action.DASHBOARD_VIEW``), the places one level down compared on a place's dashboard, and the figures of every
indicator (core.indicators) for a place and period. Figures are counts: no case or person is shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import indicators as ind
from core import scope
from core.errors import DomainError, NotFound, PermissionDenied
from core.periods import Period
from core.roles import Action
from regions.models import Grid, Region, RegionLevel

LEVEL_ORDER = {RegionLevel.COUNTY: 0, RegionLevel.TOWNSHIP: 1, RegionLevel.VILLAGE: 2}


def places(actor) -> list[Region]:
    """The counties, townships and villages whose dashboards the actor may open at the top of their reach."""
    ids = [g.target_id for g in scope.grants_for(actor, Action.DASHBOARD_VIEW) if g.level in LEVEL_ORDER]
    regions = Region.objects.filter(pk__in=ids).select_related("county", "township")
    return sorted(regions, key=lambda r: (LEVEL_ORDER[r.level], r.code))


def place(actor, region_id) -> Region:
    """The county, township or village ``region_id`` if the actor may read its dashboard; else refused."""
    try:
        region = Region.objects.select_related("county", "township").get(pk=int(region_id))
    except (Region.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if region.level not in LEVEL_ORDER:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.DASHBOARD_VIEW, region):
        raise PermissionDenied(_("This place is outside the places whose figures you may read."))
    return region


def trail(actor, region: Region) -> list[Region]:
    """The places above ``region`` (county, township) the actor may open, then ``region``: the drill-down path."""
    above = [r for r in (region.county, region.township) if r is not None and r.pk != region.pk]
    return [r for r in above if scope.region_in_scope(actor, Action.DASHBOARD_VIEW, r)] + [region]


@dataclass(frozen=True)
class Unit:
    """A place compared on a dashboard: a township of the county, a village of the township, a grid of the
    village. ``opens``: it has a dashboard of its own (grids do not)."""

    id: int
    name: str
    opens: bool


def units(region: Region) -> list[Unit]:
    if region.level == RegionLevel.COUNTY:
        rows = Region.objects.filter(level=RegionLevel.TOWNSHIP, county=region).order_by("code")
        return [Unit(r.pk, r.name, True) for r in rows.only("pk", "name")]
    if region.level == RegionLevel.TOWNSHIP:
        rows = Region.objects.filter(level=RegionLevel.VILLAGE, township=region).order_by("code")
        return [Unit(r.pk, r.name, True) for r in rows.only("pk", "name")]
    rows = Grid.objects.filter(village=region, is_active=True).order_by("code")
    return [Unit(g.pk, g.name, False) for g in rows.only("pk", "name")]


@dataclass
class Line:
    """One indicator on a place's dashboard: its figure, its trend and the places one level down."""

    indicator: ind.Indicator
    value: ind.Value
    trend: list[ind.Value]
    units: dict[int, ind.Value] = field(default_factory=dict)
    compared: bool = False  # measured one level down (grids: only for what is placed in grids)


@dataclass
class Board:
    region: Region
    period: Period
    months: list[Period]
    units: list[Unit]
    lines: list[Line]
    counted_at: object

    @property
    def child_level(self) -> str:
        return ind.CHILD_LEVEL[self.region.level]

    @property
    def child_label(self) -> str:
        return str(ind.LEVEL_LABELS[self.child_level])

    @property
    def scorecards(self) -> list[dict]:
        """The places one level down side by side, a table per module: its indicators measured one level down and
        a row per place (its name, the dashboard it opens, its figure of each; a place without a case: zero)."""
        out = []
        urls = {u.id: reverse("dashboards:place", args=[u.id]) if u.opens else "" for u in self.units}
        for module, lines in self.modules:
            compared = [line for line in lines if line.compared]
            if not compared:
                continue
            rows = []
            for unit in self.units:
                cells = [
                    line.units.get(unit.id) or ind.Value(0, 0, line.indicator.unit, line.indicator.min_cases)
                    for line in compared
                ]
                rows.append({"name": unit.name, "url": urls[unit.id], "cells": cells})
            out.append({"module": module, "lines": compared, "rows": rows})
        return out

    @property
    def modules(self) -> list[tuple[str, list[Line]]]:
        out: dict[str, list[Line]] = {}
        for line in self.lines:
            out.setdefault(str(line.indicator.module), []).append(line)
        return list(out.items())


def indicators_for(level: str, keys: list[str] | None = None) -> list[ind.Indicator]:
    """The indicators shown at ``level`` (all of them, or those named: an unknown name is refused)."""
    chosen = [ind.get(k) for k in keys] if keys else ind.all_indicators()
    return [i for i in chosen if i.applies_to(level)]


def board(actor, region_id, period: Period, *, keys: list[str] | None = None) -> Board:
    region = place(actor, region_id)
    if period.end > timezone.localdate() and period.start > timezone.localdate():
        raise DomainError({"period": _("The period has not begun yet.")})
    level = region.level
    months = ind.trend_months(period)
    child = ind.CHILD_LEVEL[level]
    lines = []
    for indicator in indicators_for(level, keys):
        compared = indicator.applies_to(child)
        lines.append(
            Line(
                indicator,
                indicator.value(level, region.pk, period),
                indicator.trend(level, region.pk, months),
                indicator.by_unit(level, region.pk, period) if compared else {},
                compared,
            )
        )
    return Board(region, period, months, units(region), lines, timezone.now())


def public_lines(region: Region, period: Period) -> list[tuple[ind.Indicator, ind.Value]]:
    """The indicators a village shows its villagers on its public page (``public``), for ``period``."""
    return [
        (i, i.value(region.level, region.pk, period))
        for i in ind.all_indicators()
        if i.public and i.applies_to(region.level)
    ]
