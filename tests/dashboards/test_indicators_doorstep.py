"""The doorstep's indicators (doorstep/indicators.py) on the story of tests/doorstep/test_figures.py (requests made
and stepped through the services in March 2025 in three villages of two townships, one in May), against counts
made in plain Python over the requests and the numbers that story is known to give."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import indicators as ind
from core.periods import Period, month_period, quarter_period
from doorstep import figures as calc
from doorstep import indicators
from doorstep.models import ServiceRequest
from tests.doorstep.conftest import build_doorstep
from tests.doorstep.test_circle import layout  # noqa: F401 (a fixture)
from tests.doorstep.test_figures import made  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MARCH = month_period(2025, 3)
MAY = month_period(2025, 5)


@pytest.fixture
def ds(world):
    return build_doorstep(world)


def _day(request):
    return timezone.localtime(request.opened_at, TZ).date()


def _completed(r):
    return r.completed_at is not None


FIGURES = {
    "made": lambda r: True,
    "completed": _completed,
    "on_time": lambda r: _completed(r) and r.completed_on_time is True,
    "in_village": lambda r: _completed(r) and r.level == "village" and not r.went_upstream,
    "rated": lambda r: r.rating != "",
    "satisfied": lambda r: r.rating in ("satisfied", "basic"),
}
PARTS = {
    "doorstep.requests": ("made", None),
    "doorstep.on_time": ("on_time", "completed"),
    "doorstep.in_village": ("in_village", "completed"),
    "doorstep.satisfaction": ("satisfied", "rated"),
}


def _expected(key, rows, period: Period, where):
    def count(name):
        return sum(1 for r in rows if period.start <= _day(r) <= period.end and where(r) and FIGURES[name](r))

    num, den = PARTS[key]
    return (count(num), count(den) if den else None)


def _rows():
    return list(ServiceRequest.objects.all())


# the indicators of the requests (this file's story); the 15-minute circle (a figure of now) is tested below
COUNTED = [i for i in indicators.INDICATORS if i.key in PARTS]


def test_the_declarations():
    assert [i.key for i in indicators.INDICATORS] == [*PARTS, "doorstep.within_15_minutes"]
    for i in indicators.INDICATORS:
        assert i.applies_to(ind.VILLAGE) and not i.applies_to(ind.GRID)
        assert 400 <= i.order < 500
    assert {i.key: i.unit for i in indicators.INDICATORS}["doorstep.requests"] == ind.COUNT


def test_the_numbers_the_story_gives(world, made):  # noqa: F811
    """The figures page's numbers for the county in March (tests/doorstep/test_figures.py)."""
    got = {i.key: i.value(ind.COUNTY, world.county.pk, MARCH) for i in COUNTED}
    assert got["doorstep.requests"].num == 5
    assert (got["doorstep.on_time"].num, got["doorstep.on_time"].den) == (1, 2)
    assert (got["doorstep.in_village"].num, got["doorstep.in_village"].den) == (1, 2)
    assert (got["doorstep.satisfaction"].num, got["doorstep.satisfaction"].den) == (1, 2)
    assert got["doorstep.in_village"].display == "50.0%"


def test_every_place_and_period(world, made):  # noqa: F811
    rows = _rows()
    places = {
        (ind.COUNTY, world.county.pk): lambda r: True,
        (ind.TOWNSHIP, world.township_a.pk): lambda r: r.township_id == world.township_a.pk,
        (ind.TOWNSHIP, world.township_b.pk): lambda r: r.township_id == world.township_b.pk,
        (ind.VILLAGE, world.village_a1.pk): lambda r: r.village_id == world.village_a1.pk,
        (ind.VILLAGE, world.village_a2.pk): lambda r: r.village_id == world.village_a2.pk,
        (ind.VILLAGE, world.village_b1.pk): lambda r: r.village_id == world.village_b1.pk,
    }
    for indicator in COUNTED:
        for (level, region_id), where in places.items():
            for period in (MARCH, MAY, quarter_period(2025, 2)):
                cache.clear()
                got = indicator.value(level, region_id, period)
                assert (got.num, got.den) == _expected(indicator.key, rows, period, where), (indicator.key, level)


def test_the_same_figures_as_the_doorstep_page(world, ds, made):  # noqa: F811
    page = calc.figures(ds.users["county_official"], world.county, start=MARCH.start, end=MARCH.end).total
    rates = {key: (num, den) for key, _label, num, den in calc.RATES}
    for indicator in COUNTED:
        got = indicator.value(ind.COUNTY, world.county.pk, MARCH)
        if indicator.unit == ind.COUNT:
            assert got.num == page.counts["made"]
            continue
        num, den = rates[
            {
                "doorstep.on_time": "on_time_rate",
                "doorstep.in_village": "in_village_share",
                "doorstep.satisfaction": "satisfaction",
            }[indicator.key]
        ]
        assert (got.num, got.den) == (page.counts[num], page.counts[den])


def test_by_unit_and_trend(world, made):  # noqa: F811
    rows = _rows()
    for indicator in COUNTED:
        cache.clear()
        got = indicator.by_unit(ind.COUNTY, world.county.pk, MARCH)
        expected = {}
        for t in (world.township_a.pk, world.township_b.pk):
            pair = _expected(indicator.key, rows, MARCH, lambda r, t=t: r.township_id == t)
            if any(pair):
                expected[t] = pair
        assert {k: (v.num, v.den) for k, v in got.items()} == expected, indicator.key
        cache.clear()
        got = indicator.by_unit(ind.TOWNSHIP, world.township_a.pk, MARCH)
        expected = {}
        for v in (world.village_a1.pk, world.village_a2.pk):
            pair = _expected(indicator.key, rows, MARCH, lambda r, v=v: r.village_id == v)
            if any(pair):
                expected[v] = pair
        assert {k: (v.num, v.den) for k, v in got.items()} == expected, indicator.key
        cache.clear()
        months = ind.trend_months(MAY, count=4)  # February to May 2025
        trend = indicator.trend(ind.TOWNSHIP, world.township_a.pk, months)
        where = lambda r: r.township_id == world.township_a.pk  # noqa: E731
        assert [(v.num, v.den) for v in trend] == [_expected(indicator.key, rows, m, where) for m in months]
    cache.clear()
    requests = indicators.INDICATORS[0].trend(ind.TOWNSHIP, world.township_a.pk, ind.trend_months(MAY, count=4))
    assert [v.num for v in requests] == [0, 4, 0, 1]  # r1, r2, r3, r5 in March; r6 in May
    # village 安家村 by village: a1's three March requests
    cache.clear()
    assert indicators.INDICATORS[0].value(ind.VILLAGE, world.village_a1.pk, MARCH).num == 3


def test_the_15_minute_circle_is_a_figure_of_now(world, layout):  # noqa: F811
    """tests/doorstep/test_circle.py's layout: 安家村 has five households, four placed, two of them within 769 m of
    its room (700 m and 760 m; 780 m and 790 m are not); 和平村's one is 2 km away; 新桥村's is not placed."""
    from core.periods import year_period

    cache.clear()
    walk = ind.get("doorstep.within_15_minutes")
    for period in (year_period(2026), month_period(2025, 3)):  # the same whatever the period
        value = walk.value(ind.COUNTY, world.county.pk, period)
        assert (value.num, value.den, value.display) == (2, 5, "40.0%")
    by_village = walk.by_unit(ind.TOWNSHIP, world.township_a.pk, year_period(2026))
    assert {k: (v.num, v.den) for k, v in by_village.items()} == {
        world.village_a1.pk: (2, 4),
        world.village_a2.pk: (0, 1),
    }
    by_township = walk.by_unit(ind.COUNTY, world.county.pk, year_period(2026))
    assert {k: (v.num, v.den) for k, v in by_township.items()} == {world.township_a.pk: (2, 5)}
    trend = walk.trend(ind.VILLAGE, world.village_a1.pk, [month_period(2026, m) for m in (1, 2, 3)])
    assert [(v.num, v.den) for v in trend] == [(2, 4)] * 3
    assert not walk.applies_to(ind.GRID)
