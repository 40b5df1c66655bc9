"""The meetings' indicators (meetings/indicators.py) against counts made in plain Python over meetings held through
the services at chosen moments in February, March and April 2025, in three villages of two townships: closed with
and without minutes, a consultative courtyard talk, a rejected motion, a meeting cancelled and one never closed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import indicators as ind
from core.periods import month_period, quarter_period
from core.roles import Role
from meetings import indicators, services
from meetings.models import Meeting, MeetingKind, Motion
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MARCH = month_period(2025, 3)
FEBRUARY = month_period(2025, 2)


def at(month, day, hour=10):
    return datetime(2025, month, day, hour, tzinfo=TZ)


@pytest.fixture
def held(world):
    world.users["cadre_a2"] = make_user("cadre_a2", Role.VILLAGE_CADRE, world.village_a2)
    cadres = {
        world.village_a1.pk: world.users["cadre_a1"],
        world.village_a2.pk: world.users["cadre_a2"],
        world.village_b1.pk: world.users["cadre_b1"],
    }

    def meeting(village, start, *, kind=MeetingKind.VILLAGERS_ASSEMBLY, votes=(), close=True, minutes=False):
        """A meeting noticed 11 days ahead, opened at ``start``, everyone signed in, one motion per (for, against)
        in ``votes`` counted by a show of hands, closed two hours later (unless ``close`` is False)."""
        cadre = cadres[village.pk]
        m = services.meeting_create(
            actor=cadre,
            village=village,
            kind=kind,
            title="会议",
            starts_at=start,
            place="村委会会议室",
            now=start - timedelta(days=12),
        )
        m = services.meeting_notice(actor=cadre, meeting=m, now=start - timedelta(days=11))
        m = services.meeting_step(actor=cadre, meeting=m, step="open", now=start)
        entries = list(m.register.all())
        services.attendance_sign_in_by_clerk(actor=cadre, meeting=m, entries=entries, now=start)
        for i, (yes, no) in enumerate(votes):
            motion = services.motion_add(actor=cadre, meeting=m, title=f"议案{i + 1}")
            services.motion_open(actor=cadre, motion=motion, method="hands")
            services.motion_record_totals(
                actor=cadre,
                motion=motion,
                votes_for=yes,
                votes_against=no,
                votes_abstain=len(entries) - yes - no,
                now=start + timedelta(hours=1),
            )
        if close:
            services.meeting_step(actor=cadre, meeting=m, step="close", now=start + timedelta(hours=2))
        if minutes:
            services.meeting_step(
                actor=cadre,
                meeting=m,
                step="minutes",
                data={"minutes": "会议通过议案。", "chair": "村主任", "recorder": "文书"},
                now=start + timedelta(hours=3),
            )
        return m

    a1, a2, b1 = world.village_a1, world.village_a2, world.village_b1  # 3 adults in a1, 1 in a2 and in b1
    meeting(a1, at(3, 10), votes=[(3, 0), (0, 3)], minutes=True)  # one adopted, one rejected
    meeting(a1, at(3, 15), kind=MeetingKind.COURTYARD, votes=[(3, 0)])  # consultative: not binding
    meeting(a2, at(3, 20), votes=[(1, 0)], minutes=True)
    meeting(b1, at(3, 31, 20), votes=[(1, 0)])  # closed 22:00 on 31 March, Beijing time
    meeting(a1, at(2, 20), votes=[(2, 1)], minutes=True)
    meeting(a2, at(4, 2), votes=[(1, 0)])
    meeting(b1, at(3, 25), votes=[(1, 0)], close=False)  # still in session: not held yet
    cancelled = services.meeting_create(
        actor=cadres[a1.pk],
        village=a1,
        kind=MeetingKind.VILLAGERS_ASSEMBLY,
        title="取消的会议",
        starts_at=at(3, 28),
        place="村委会",
        now=at(3, 1),
    )
    services.meeting_step(actor=cadres[a1.pk], meeting=cancelled, step="cancel", data={"reason": "改期"}, now=at(3, 2))
    return {"meetings": list(Meeting.objects.all()), "motions": list(Motion.objects.select_related("meeting"))}


def _day(moment):
    return timezone.localtime(moment, TZ).date() if moment else None


def _meetings(rows, period, where, test):
    return sum(
        1
        for m in rows
        if m.state == "closed" and period.start <= _day(m.ended_at) <= period.end and where(m) and test(m)
    )


def _expected(key, data, period, where):
    if key == "meetings.held":
        return (_meetings(data["meetings"], period, where, lambda m: True), None)
    if key == "meetings.minutes_written":
        rows = data["meetings"]
        return (
            _meetings(rows, period, where, lambda m: m.minutes_at is not None),
            _meetings(rows, period, where, lambda m: True),
        )
    adopted = sum(
        1
        for m in data["motions"]
        if m.outcome == "adopted"
        and m.binding
        and period.start <= _day(m.decided_at) <= period.end
        and where(m.meeting)
    )
    return (adopted, None)


def test_the_declarations():
    keys = [i.key for i in indicators.INDICATORS]
    assert keys == ["meetings.held", "meetings.motions_adopted", "meetings.minutes_written"]
    for i in indicators.INDICATORS:
        assert i.applies_to(ind.VILLAGE) and not i.applies_to(ind.GRID)
        assert 550 <= i.order < 600


def test_every_place_and_period(world, held):
    places = {
        (ind.COUNTY, world.county.pk): lambda m: True,
        (ind.TOWNSHIP, world.township_a.pk): lambda m: m.township_id == world.township_a.pk,
        (ind.TOWNSHIP, world.township_b.pk): lambda m: m.township_id == world.township_b.pk,
        (ind.VILLAGE, world.village_a1.pk): lambda m: m.village_id == world.village_a1.pk,
        (ind.VILLAGE, world.village_a2.pk): lambda m: m.village_id == world.village_a2.pk,
        (ind.VILLAGE, world.village_b1.pk): lambda m: m.village_id == world.village_b1.pk,
    }
    for indicator in indicators.INDICATORS:
        for (level, region_id), where in places.items():
            for period in (MARCH, FEBRUARY, quarter_period(2025, 2)):
                cache.clear()
                got = indicator.value(level, region_id, period)
                assert (got.num, got.den) == _expected(indicator.key, held, period, where), (indicator.key, level)
    # known from the story: four meetings closed in March (two with minutes); four binding motions adopted (the
    # one of 新桥村's meeting still in session counts: it was decided when its vote closed)
    cache.clear()
    county = {i.key: i.value(ind.COUNTY, world.county.pk, MARCH) for i in indicators.INDICATORS}
    assert county["meetings.held"].num == 4
    assert county["meetings.motions_adopted"].num == 4
    assert (county["meetings.minutes_written"].num, county["meetings.minutes_written"].den) == (2, 4)


def test_by_unit_and_trend(world, held):
    for indicator in indicators.INDICATORS:
        cache.clear()
        got = indicator.by_unit(ind.COUNTY, world.county.pk, MARCH)
        expected = {
            t: _expected(indicator.key, held, MARCH, lambda m, t=t: m.township_id == t)
            for t in (world.township_a.pk, world.township_b.pk)
        }
        assert {k: (v.num, v.den) for k, v in got.items()} == {k: v for k, v in expected.items() if any(v)}
        cache.clear()
        got = indicator.by_unit(ind.TOWNSHIP, world.township_a.pk, MARCH)
        expected = {
            v: _expected(indicator.key, held, MARCH, lambda m, v=v: m.village_id == v)
            for v in (world.village_a1.pk, world.village_a2.pk)
        }
        assert {k: (v.num, v.den) for k, v in got.items()} == {k: v for k, v in expected.items() if any(v)}
        cache.clear()
        months = ind.trend_months(month_period(2025, 4), count=3)
        trend = indicator.trend(ind.COUNTY, world.county.pk, months)
        assert [(v.num, v.den) for v in trend] == [_expected(indicator.key, held, m, lambda m_: True) for m in months]
    cache.clear()
    motions = indicators.INDICATORS[1].trend(ind.TOWNSHIP, world.township_a.pk, ind.trend_months(MARCH, count=2))
    assert [v.num for v in motions] == [1, 2]  # February: 安家村; March: 安家村's assembly and 和平村's
