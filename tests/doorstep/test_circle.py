"""The 15-minute circle (doorstep/circle.py) on a hand-made layout: households at known distances just inside and
just outside the radius, households without coordinates counted apart, points out of use or unplaced counting for
no one, and the grid search checked against a plain comparison with every point."""

import math
import random

import pytest

from core.errors import DomainError
from doorstep import circle
from doorstep.models import Level, ServicePoint
from regions.models import Region
from registry.models import Household
from tests.factories import make_household

pytestmark = pytest.mark.django_db

ORIGIN = (26.0, 102.0)
RADIUS = 1000 / 1.3  # 15 minutes at 4 km/h, in a straight line with the detour factor 1.3


def north(metres: float, origin=ORIGIN) -> tuple[float, float]:
    return origin[0] + metres / circle.METRES_PER_DEGREE, origin[1]


def east(metres: float, origin=ORIGIN) -> tuple[float, float]:
    return origin[0], origin[1] + metres / (circle.METRES_PER_DEGREE * math.cos(math.radians(origin[0])))


def _place(household, where):
    household.latitude, household.longitude = where if where else (None, None)
    household.save(update_fields=["latitude", "longitude"])
    return household


def _point(world, where, *, village=None, active=True, name=None):
    township = village.township_id if village else world.township_a.pk
    lat, lng = where if where else (None, None)
    return ServicePoint.objects.create(
        county=world.county,
        township_id=township,
        village=village,
        level=Level.VILLAGE if village else Level.TOWNSHIP,
        name=name or f"点{ServicePoint.objects.count() + 1}",
        latitude=lat,
        longitude=lng,
        active=active,
    )


@pytest.fixture
def layout(world):
    """安家村 (a1): a room at ORIGIN; households 700 m and 780 m north, 760 m and 790 m east, one not placed.
    和平村 (a2): one household 2 km north (outside), a point out of use beside it. 新桥村 (b1): none placed."""
    a1 = world.village_a1
    room = _point(world, ORIGIN, village=a1, name="安家村便民服务室")
    _place(world.households["a1"], north(700))
    _place(world.households["a1b"], north(780))
    _place(make_household(a1, "0003", head="东一"), east(760))
    _place(make_household(a1, "0004", head="东二"), east(790))
    make_household(a1, "0005", head="无坐标")
    _place(world.households["a2"], north(2000))
    _point(world, north(2010), village=world.village_a2, active=False, name="和平村旧服务室")
    _point(world, None, name="甲镇便民服务中心")
    return room


def test_the_radius_is_the_stated_walk():
    assert circle.WALKING_SPEED_KMH == 4.0 and circle.DETOUR_FACTOR == 1.3
    assert circle.walk_metres(15, circle.WALKING_SPEED_KMH) == pytest.approx(1000)
    assert circle.haversine_m(*ORIGIN, *north(760)) == pytest.approx(760, abs=0.5)
    assert circle.haversine_m(*ORIGIN, *east(760)) == pytest.approx(760, abs=0.5)


def test_county_figures_per_village(world, layout):
    result = circle.compute(world.county)
    assert result.radius_m == pytest.approx(RADIUS)
    rows = {r.name: r for r in result.rows}
    assert list(rows) == ["安家村", "和平村", "新桥村"]
    a1 = rows["安家村"]
    assert (a1.households, a1.located, a1.within, a1.unlocated) == (5, 4, 2, 1)
    assert a1.share == 50.0
    assert a1.nearest.name == "安家村便民服务室" and a1.nearest.id == layout.pk
    a2 = rows["和平村"]
    assert (a2.households, a2.located, a2.within, a2.unlocated) == (1, 1, 0, 0)
    # the point out of use beside it does not count; the nearest is the room 2 km south
    assert a2.nearest.name == "安家村便民服务室"
    assert a2.nearest.distance_m == pytest.approx(2000, abs=1)
    assert a2.nearest.minutes == pytest.approx(2000 * 1.3 / (4000 / 60), abs=0.1)
    b1 = rows["新桥村"]
    assert (b1.households, b1.located, b1.within, b1.unlocated) == (1, 0, 0, 1)
    assert b1.share is None and b1.nearest is None
    total = result.total
    assert (total.households, total.located, total.within, total.unlocated) == (7, 5, 2, 2)
    assert total.share == 40.0
    assert [p["name"] for p in result.points] == ["安家村便民服务室"]
    assert result.unplaced_points == ["甲镇便民服务中心"]


def test_a_longer_walk_or_a_township_or_a_village(world, layout):
    longer = circle.compute(world.county, minutes=30)  # 2,000 m of way: 1,538 m in a straight line
    assert {r.name: r.within for r in longer.rows} == {"安家村": 4, "和平村": 0, "新桥村": 0}
    slower = circle.compute(world.county, speed_kmh=3.0)  # 750 m of way: 577 m
    assert {r.name: r.within for r in slower.rows}["安家村"] == 0
    township = circle.compute(world.township_a)
    assert [r.name for r in township.rows] == ["安家村", "和平村"] and township.total.households == 6
    village = circle.compute(world.village_a1)
    assert [r.name for r in village.rows] == ["安家村"] and village.total.within == 2


def test_points_of_a_neighbouring_village_count(world, layout):
    _point(world, north(300, north(2000)), village=world.village_a2, name="和平村便民服务室")
    result = circle.compute(world.county)
    assert {r.name: r.within for r in result.rows}["和平村"] == 1


def test_taking_a_point_out_of_use_changes_the_circle(world, layout):
    before = circle.kept(world.county)
    assert before.total.within == 2
    ServicePoint.objects.filter(pk=layout.pk).update(active=False)
    after = circle.kept(world.county)
    assert after.total.within == 0 and after.rows[0].nearest is None


def test_bad_parameters_are_refused(world):
    for kwargs in ({"minutes": 0}, {"minutes": 61}, {"speed_kmh": 0}, {"speed_kmh": "x"}, {"detour": 0.5}):
        with pytest.raises(DomainError):
            circle.compute(world.county, **kwargs)
    with pytest.raises(DomainError):
        circle.compute(Region(level="group", name="一组"))


@pytest.mark.parametrize("latitude", [26.0, 49.5])
def test_the_grid_finds_what_comparing_with_every_point_finds(world, latitude):
    """Random households around a few points, near and across the cells' edges, at a southern and a northern
    latitude: the grid search and a plain comparison with every point agree on every village's count."""
    rng = random.Random(7)
    origin = (latitude, 120.0)
    points = [
        _point(world, (origin[0] + rng.uniform(-0.02, 0.02), origin[1] + rng.uniform(-0.03, 0.03))) for _ in range(6)
    ]
    village = world.village_b1
    rows = []
    for i in range(600):
        lat = origin[0] + rng.uniform(-0.03, 0.03)
        lng = origin[1] + rng.uniform(-0.045, 0.045)
        h = Household(number=f"R{i:04d}", head_name="随机", latitude=lat, longitude=lng)
        h.place_in(village)
        rows.append(h)
    Household.objects.bulk_create(rows)
    expected = sum(
        1
        for h in rows
        if any(circle.haversine_m(h.latitude, h.longitude, p.latitude, p.longitude) <= RADIUS for p in points)
    )
    result = circle.compute(village)
    assert 50 < expected < 590  # some in, some out
    assert result.total.within == expected and (result.total.located, result.total.households) == (600, 601)
