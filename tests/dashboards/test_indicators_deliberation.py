"""Deliberation's indicators (deliberation/indicators.py) against counts made in plain Python over decisions taken
through the services at chosen moments: 六步议事 topics of three villages in two townships decided in February and
March 2025, some made public, one with its result published, one never decided."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import indicators as ind
from core.periods import month_period, quarter_period
from core.roles import Role
from deliberation import indicators, services
from deliberation.models import Decision, Origin
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MARCH = month_period(2025, 3)
FEBRUARY = month_period(2025, 2)


def at(month, day, hour=10):
    return datetime(2025, month, day, hour, tzinfo=TZ)


@pytest.fixture
def decided(world):
    """(topic, decided, published, result published) per village; moments are Beijing time."""
    world.users["cadre_a2"] = make_user("cadre_a2", Role.VILLAGE_CADRE, world.village_a2)
    cadres = {
        world.village_a1.pk: world.users["cadre_a1"],
        world.village_a2.pk: world.users["cadre_a2"],
        world.village_b1.pk: world.users["cadre_b1"],
    }

    def topic(village, proposed, decided=None, published=None, result=None, title="修建村民活动广场"):
        cadre = cadres[village.pk]
        dlist = services.list_ensure(actor=cadre, village=village)
        entry = dlist.entries.get(name="人居环境整治、移风易俗")
        t = services.topic_propose(
            actor=cadre,
            village=village,
            entry=entry,
            title=title,
            text="在村委会旁修建活动广场。",
            origin=Origin.BRANCH,
            now=proposed,
        )
        services.topic_step(actor=cadre, topic=t, step="confirm", now=proposed)
        services.topic_step(actor=cadre, topic=t, step="vet", note="符合政策", now=proposed)
        if decided:
            services.topic_step(actor=cadre, topic=t, step="deliberate", data={"outcome": "同意"}, now=decided)
        if published:
            services.topic_step(actor=cadre, topic=t, step="publish", now=published)
        if result:
            services.topic_step(actor=cadre, topic=t, step="implement", data={"result": "已建成"}, now=result)
        return t

    a1, a2, b1 = world.village_a1, world.village_a2, world.village_b1
    topic(a1, at(3, 1), at(3, 5), at(3, 6), at(3, 20), title="修建活动广场")
    topic(a1, at(3, 2), at(3, 10), title="村道路灯维修")
    topic(a1, at(3, 3), title="垃圾分类亭选址")  # not decided yet
    topic(a2, at(3, 4), at(3, 12), at(4, 1), title="文化室开放时间")  # published after March
    topic(b1, at(3, 5), at(3, 31, 23), at(4, 2), title="村规宣传栏")  # 31 March 23:00 in Beijing
    topic(a1, at(2, 10), at(2, 20), at(2, 21), title="春节环境整治")
    topic(b1, at(2, 10), at(2, 28), title="河道清理")
    return list(Decision.objects.all())


def _day(moment):
    return timezone.localtime(moment, TZ).date() if moment else None


FIGURES = {
    "all": lambda d: True,
    "published": lambda d: d.published_at is not None,
    "topics": lambda d: d.topic_id is not None,
    "results": lambda d: d.topic_id is not None and d.result_published_at is not None,
}
PARTS = {
    "deliberation.decisions": ("all", None),
    "deliberation.decisions_published": ("published", "all"),
    "deliberation.results_published": ("results", "topics"),
}


def _expected(key, rows, period, where):
    def count(name):
        return sum(
            1 for d in rows if period.start <= _day(d.decided_at) <= period.end and where(d) and FIGURES[name](d)
        )

    num, den = PARTS[key]
    return (count(num), count(den) if den else None)


def test_the_declarations():
    assert [i.key for i in indicators.INDICATORS] == list(PARTS)
    assert [i.key for i in indicators.INDICATORS if i.public] == ["deliberation.decisions"]
    for i in indicators.INDICATORS:
        assert i.applies_to(ind.TOWNSHIP) and not i.applies_to(ind.GRID)


def test_every_place_and_period(world, decided):
    assert len(decided) == 6
    places = {
        (ind.COUNTY, world.county.pk): lambda d: True,
        (ind.TOWNSHIP, world.township_a.pk): lambda d: d.township_id == world.township_a.pk,
        (ind.TOWNSHIP, world.township_b.pk): lambda d: d.township_id == world.township_b.pk,
        (ind.VILLAGE, world.village_a1.pk): lambda d: d.village_id == world.village_a1.pk,
        (ind.VILLAGE, world.village_a2.pk): lambda d: d.village_id == world.village_a2.pk,
        (ind.VILLAGE, world.village_b1.pk): lambda d: d.village_id == world.village_b1.pk,
    }
    for indicator in indicators.INDICATORS:
        for (level, region_id), where in places.items():
            for period in (MARCH, FEBRUARY, quarter_period(2025, 1)):
                cache.clear()
                got = indicator.value(level, region_id, period)
                assert (got.num, got.den) == _expected(indicator.key, decided, period, where), (indicator.key, level)
    # known from the story: four decisions in March, three of them public by now, one result
    cache.clear()
    county = {i.key: i.value(ind.COUNTY, world.county.pk, MARCH) for i in indicators.INDICATORS}
    assert county["deliberation.decisions"].num == 4
    assert (county["deliberation.decisions_published"].num, county["deliberation.decisions_published"].den) == (3, 4)
    assert (county["deliberation.results_published"].num, county["deliberation.results_published"].den) == (1, 4)


def test_by_unit_and_trend(world, decided):
    for indicator in indicators.INDICATORS:
        cache.clear()
        got = indicator.by_unit(ind.COUNTY, world.county.pk, MARCH)
        expected = {
            t: _expected(indicator.key, decided, MARCH, lambda d, t=t: d.township_id == t)
            for t in (world.township_a.pk, world.township_b.pk)
        }
        assert {k: (v.num, v.den) for k, v in got.items()} == {k: v for k, v in expected.items() if any(v)}
        cache.clear()
        got = indicator.by_unit(ind.TOWNSHIP, world.township_a.pk, MARCH)
        expected = {
            v: _expected(indicator.key, decided, MARCH, lambda d, v=v: d.village_id == v)
            for v in (world.village_a1.pk, world.village_a2.pk)
        }
        assert {k: (v.num, v.den) for k, v in got.items()} == {k: v for k, v in expected.items() if any(v)}
        cache.clear()
        months = ind.trend_months(MARCH, count=3)
        trend = indicator.trend(ind.COUNTY, world.county.pk, months)
        assert [(v.num, v.den) for v in trend] == [_expected(indicator.key, decided, m, lambda d: True) for m in months]
    cache.clear()
    counts = indicators.INDICATORS[0].trend(ind.TOWNSHIP, world.township_b.pk, ind.trend_months(MARCH, count=3))
    assert [v.num for v in counts] == [0, 1, 1]  # 新桥村: 28 February and 31 March (late evening, Beijing time)
