"""The indicators of 三务公开 (transparency/indicators.py) against counts made in plain Python over notices and
questions written through the services at chosen moments in February to April 2025, in three villages of two
townships: published, checked financial, corrected (更正), withdrawn and draft notices; questions answered in time,
late, never, and one asked today that is still within its deadline."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import indicators as ind
from core.periods import month_period, quarter_period
from core.roles import Role
from tests.factories import make_user
from tests.transparency.support import build_transparency_world
from transparency import indicators, services
from transparency.models import Notice, NoticeQuestion, Stream

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MARCH = month_period(2025, 3)
FEBRUARY = month_period(2025, 2)
ON_RECORD = ("published", "ended")


def at(month, day, hour=10):
    return datetime(2025, month, day, hour, tzinfo=TZ)


@pytest.fixture
def board(db):
    tw = build_transparency_world()
    w, u = tw.w, tw.users
    u["villager_a2"] = make_user("villager_a2", Role.VILLAGER, w.village_a2, household=w.households["a2"])
    cadre = {w.village_a1.pk: "cadre_a1", w.village_a2.pk: "cadre_a2", w.village_b1.pk: "cadre_b1"}

    def notice(village, published=None, *, stream=Stream.VILLAGE, created=None, **over):
        by = u[cadre[village.pk]]
        created = created or (published or at(3, 1)) - timedelta(days=1)
        day = (published or created).date()
        data = {
            "stream": stream,
            "category": "工程项目",
            "title": "村道硬化工程进展公开",
            "body": "村道硬化工程已完成 1.2 公里。",
            "period_start": day.replace(day=1),
            "period_end": day,
        }
        n = services.notice_create(actor=by, village=village, now=created, **(data | over))
        if published is None:
            return n
        if stream == Stream.FINANCE:
            services.notice_step(actor=by, notice=n, step="submit", now=created)
            services.notice_step(actor=u["reviewer_a1"], notice=n, step="check", now=created)
        local = timezone.localtime(published, TZ).date()
        services.notice_step(
            actor=by,
            notice=n,
            step="publish",
            data={"posted_from": local, "posted_until": local + timedelta(days=7)},
            now=published,
        )
        n.refresh_from_db()
        return n

    def ask(who, n, asked, answered=None):
        q, _new = services.question_ask(actor=u[who], notice=n, text="工程款何时支付？", now=asked)
        if answered is not None:
            services.question_answer(actor=u[cadre[n.village_id]], question=q, answer="本月底支付。", now=answered)
        return q

    a1, a2, b1 = w.village_a1, w.village_a2, w.village_b1
    n1 = notice(a1, at(3, 5))
    withdrawn = notice(a1, at(3, 20), stream=Stream.PARTY)
    services.notice_step(
        actor=u["cadre_a1"], notice=withdrawn, step="withdraw", data={"reason": "内容有误"}, now=at(3, 21)
    )
    notice(a1, None, created=at(3, 22))  # a draft
    notice(a1, at(3, 12), stream=Stream.FINANCE, category="惠民资金")  # checked by the 民主理财小组 first
    n4 = notice(a1, at(2, 10))
    n5 = notice(a2, at(3, 15))
    n6 = notice(b1, at(3, 31, 20))  # 20:00 on 31 March, Beijing time
    notice(b1, at(4, 1))
    ask("villager_a1", n1, at(3, 6), at(3, 7))  # in time
    ask("villager_a1", n1, at(3, 10), at(4, 30))  # late
    ask("villager_a2", n5, at(3, 16))  # never answered: past its deadline
    ask("villager_b1", n6, at(3, 31, 21), at(4, 1))  # asked on 31 March (Beijing), in time
    ask("villager_a1", n4, at(2, 11), at(2, 12))
    ask("villager_a2", n5, timezone.now())  # today: still within its deadline
    # 更正: n4 corrected on 25 March; n4 leaves the board marked superseded, and stays on record
    correction = notice(
        a1,
        None,
        created=at(3, 24),
        corrects=n4,
        correction_reason="金额有误",
        period_start=n4.period_start,
        period_end=n4.period_end,
    )
    services.notice_step(
        actor=u["cadre_a1"],
        notice=correction,
        step="publish",
        data={"posted_from": at(3, 25).date(), "posted_until": at(4, 5).date()},
        now=at(3, 25),
    )
    return {
        "w": w,
        "notices": list(Notice.objects.all()),
        "questions": list(NoticeQuestion.objects.all()),
    }


def _day(moment):
    return timezone.localtime(moment, TZ).date() if moment else None


def _on_record(n):
    return n.state in ON_RECORD or (n.state == "withdrawn" and n.superseded_by_id is not None)


def _expected(key, data, period, where):
    def inside(moment):
        return moment is not None and period.start <= _day(moment) <= period.end

    if key == "transparency.notices_published":
        return (sum(1 for n in data["notices"] if inside(n.published_at) and _on_record(n) and where(n)), None)
    now = timezone.now()
    asked = [q for q in data["questions"] if inside(q.asked_at) and where(q)]
    due = [q for q in asked if q.answered_at is not None or q.deadline_at < now]
    return (sum(1 for q in due if q.answered_on_time), len(due))


# the indicators counted from rows (this file's story); 按时公开 (the calendar's periods) is tested below
COUNTED = [i for i in indicators.INDICATORS if i.key != "transparency.on_time"]


def test_the_declarations():
    assert [i.key for i in indicators.INDICATORS] == [
        "transparency.notices_published",
        "transparency.questions_in_time",
        "transparency.on_time",
    ]
    assert [i.key for i in indicators.INDICATORS if i.public] == [
        "transparency.notices_published",
        "transparency.on_time",
    ]
    for i in indicators.INDICATORS:
        assert i.applies_to(ind.VILLAGE) and not i.applies_to(ind.GRID)


def _places(w):
    return {
        (ind.COUNTY, w.county.pk): lambda r: True,
        (ind.TOWNSHIP, w.township_a.pk): lambda r: r.township_id == w.township_a.pk,
        (ind.TOWNSHIP, w.township_b.pk): lambda r: r.township_id == w.township_b.pk,
        (ind.VILLAGE, w.village_a1.pk): lambda r: r.village_id == w.village_a1.pk,
        (ind.VILLAGE, w.village_a2.pk): lambda r: r.village_id == w.village_a2.pk,
        (ind.VILLAGE, w.village_b1.pk): lambda r: r.village_id == w.village_b1.pk,
    }


def test_every_place_and_period(board):
    w = board["w"]
    this_month = month_period(timezone.localdate().year, timezone.localdate().month)
    for indicator in COUNTED:
        for (level, region_id), where in _places(w).items():
            for period in (MARCH, FEBRUARY, quarter_period(2025, 2), this_month):
                cache.clear()
                got = indicator.value(level, region_id, period)
                assert (got.num, got.den) == _expected(indicator.key, board, period, where), (indicator.key, level)
    # known from the story
    cache.clear()
    notices, questions = (i.value(ind.COUNTY, w.county.pk, MARCH) for i in COUNTED)
    assert notices.num == 5  # n1, the financial notice, n5, n6 and the correction (not the withdrawn one)
    assert (questions.num, questions.den) == (2, 4)  # in time: 6 and 31 March; late: 10 March; never: 16 March
    cache.clear()
    assert indicators.INDICATORS[0].value(ind.VILLAGE, w.village_a1.pk, FEBRUARY).num == 1  # n4, superseded
    assert [n.state for n in board["notices"] if n.superseded_by_id] == ["withdrawn"]
    cache.clear()
    today = indicators.INDICATORS[1].value(ind.VILLAGE, w.village_a2.pk, this_month)
    assert (today.num, today.den, today.display) == (0, 0, "—")  # asked today: not due yet


def test_by_unit_and_trend(board):
    w = board["w"]
    for indicator in COUNTED:
        cache.clear()
        got = indicator.by_unit(ind.COUNTY, w.county.pk, MARCH)
        expected = {
            t: _expected(indicator.key, board, MARCH, lambda r, t=t: r.township_id == t)
            for t in (w.township_a.pk, w.township_b.pk)
        }
        assert {k: (v.num, v.den) for k, v in got.items()} == {k: v for k, v in expected.items() if any(v)}
        cache.clear()
        got = indicator.by_unit(ind.TOWNSHIP, w.township_a.pk, MARCH)
        expected = {
            v: _expected(indicator.key, board, MARCH, lambda r, v=v: r.village_id == v)
            for v in (w.village_a1.pk, w.village_a2.pk)
        }
        assert {k: (v.num, v.den) for k, v in got.items()} == {k: v for k, v in expected.items() if any(v)}
        cache.clear()
        months = ind.trend_months(month_period(2025, 4), count=3)
        trend = indicator.trend(ind.COUNTY, w.county.pk, months)
        assert [(v.num, v.den) for v in trend] == [_expected(indicator.key, board, m, lambda r: True) for m in months]
    cache.clear()
    notices = indicators.INDICATORS[0].trend(
        ind.TOWNSHIP, w.township_b.pk, ind.trend_months(month_period(2025, 4), count=2)
    )
    assert [v.num for v in notices] == [1, 1]  # 新桥村: 31 March (evening, Beijing time), 1 April


# -- 按时公开: the disclosure calendar's periods due in the period, and those covered on time ------------------------


def test_disclosures_on_time_count_the_calendar_s_periods_due(db):
    from tests.transparency.support import build_transparency_world

    tw = build_transparency_world()
    from datetime import date

    from django.core.cache import cache

    from core import indicators as ind
    from core.periods import Period, month_period
    from tests.transparency.test_calendar import publish_on
    from transparency.models import Stream

    w = tw.w
    # as tests/transparency/test_calendar.py: Jan–Mar's finances covered by a quarterly notice published on 20
    # April (late), April's missing (late), May's on 5 June (on time); Q1's village affairs on 8 April (on time)
    publish_on(tw, date(2026, 6, 5), stream=Stream.FINANCE, start=date(2026, 5, 1), end=date(2026, 5, 31))
    publish_on(tw, date(2026, 4, 20), stream=Stream.FINANCE, start=date(2026, 1, 1), end=date(2026, 3, 31))
    publish_on(tw, date(2026, 4, 8), stream=Stream.VILLAGE, start=date(2026, 1, 1), end=date(2026, 3, 31))
    on_time = ind.get("transparency.on_time")
    half = Period(date(2026, 1, 1), date(2026, 6, 30))
    # due from 1 January to 30 June, per village: finances of Dec 2025 and Jan–May 2026 (6: due on the 10th of the
    # next month), village affairs and party affairs of Q4 2025 and Q1 2026 (2 + 2) — 10 a village, 3 villages
    value = on_time.value("county", w.county.pk, half)
    assert (value.num, value.den) == (2, 30)
    by_township = on_time.by_unit("county", w.county.pk, half)
    assert {k: (v.num, v.den) for k, v in by_township.items()} == {w.township_a.pk: (2, 20), w.township_b.pk: (0, 10)}
    village = on_time.value("village", w.village_a1.pk, half)
    assert (village.num, village.den, village.display) == (2, 10, "20.0%")
    cache.clear()
    trend = on_time.trend("village", w.village_a1.pk, [month_period(2026, m) for m in range(1, 7)])
    # due in January: Dec's finances, Q4's village and party affairs (3, none on time); April: March's finances and
    # Q1's two (3; the village affairs on time); June: May's finances (on time)
    assert [(v.num, v.den) for v in trend] == [(0, 3), (0, 1), (0, 1), (1, 3), (0, 1), (1, 1)]
    # a period not yet due counts in neither figure
    today = date.today()
    future = Period(
        today.replace(year=today.year + 1, month=1, day=1), today.replace(year=today.year + 1, month=12, day=31)
    )
    assert (on_time.value("county", w.county.pk, future).num, on_time.value("county", w.county.pk, future).den) == (
        0,
        0,
    )
