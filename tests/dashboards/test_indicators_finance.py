"""Village finance's indicators (finance/indicators.py) against counts made in plain Python over expenses signed,
paid and disclosed through the services at chosen moments of February to April 2025, in three villages of two
townships: paid in a month whose disclosure is published, in a month disclosed but not yet published, in a month
not disclosed, approved and never paid, and still being signed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import indicators as ind
from core.periods import month_period, quarter_period
from core.roles import Role
from finance import indicators, services
from finance.models import Expense, MonthlyDisclosure, Post
from tests.factories import make_user
from tests.finance.support import build_finance_world
from transparency import services as notices

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MARCH = month_period(2025, 3)
FEBRUARY = month_period(2025, 2)
APRIL = month_period(2025, 4)


def at(month, day, hour=10):
    return datetime(2025, month, day, hour, tzinfo=TZ)


@pytest.fixture
def books(db):
    fw = build_finance_world()
    w, u = fw.w, fw.users
    u["township_b"] = make_user("township_b", Role.TOWNSHIP_OFFICIAL, w.township_b)
    u["cadre_a2"] = make_user("cadre_a2", Role.VILLAGE_CADRE, w.village_a2)
    signers = {w.village_a1.pk: [u["clerk_a1"], u["cadre_a1"], u["supervisor_a1"]]}
    for village, key, township in ((w.village_a2, "a2", "township_a"), (w.village_b1, "b1", "township_b")):
        clerk = make_user(f"clerk_{key}", Role.VILLAGE_CADRE, village)
        supervisor = make_user(f"supervisor_{key}", Role.VILLAGE_SUPERVISOR, village)
        cadre = u[f"cadre_{key}"]
        for post, user in ((Post.CLERK, clerk), (Post.SECRETARY, cadre), (Post.SUPERVISORY, supervisor)):
            services.post_assign(actor=u[township], village=village, post=post, user=user)
        signers[village.pk] = [clerk, cadre, supervisor]
    cadres = {pk: people[1] for pk, people in signers.items()}

    def expense(village, submitted, approved=None, paid=None):
        """An expense of 1,500 yuan (the chain 村文书 → 村支书 → 监委会), approved and paid at the given moments;
        the payment's ledger entry is dated the day paid (Beijing time)."""
        e = services.expense_submit(actor=cadres[village.pk], village=village, now=submitted, **fw.expense_data())
        if approved:
            for user in signers[village.pk]:
                services.expense_sign(actor=user, expense=e, now=approved)
        if paid:
            services.expense_pay(
                actor=cadres[village.pk],
                expense=e,
                reference="YH2025",
                date=timezone.localtime(paid, TZ).date(),
                now=paid,
            )
        return e

    a1, a2, b1 = w.village_a1, w.village_a2, w.village_b1
    expense(a1, at(3, 2), at(3, 3), at(3, 5))  # March: disclosed
    expense(a1, at(3, 10), at(3, 11), at(4, 2))  # approved in March, paid in April: not disclosed
    expense(a1, at(3, 15), at(3, 16))  # approved, not paid
    expense(a1, at(3, 20))  # still being signed
    expense(a1, at(2, 9), at(2, 10), at(2, 12))  # February: disclosed
    expense(a2, at(3, 3), at(3, 4), at(3, 6))  # March: disclosure generated, not published
    expense(b1, at(3, 7), at(3, 8), at(3, 31, 20))  # 31 March, 20:00 Beijing time: no disclosure
    # the disclosures (generated from the ledger, checked by the 民主理财小组, published)
    today = timezone.localdate()
    for month in (2, 3):
        row = services.disclosure_generate(actor=u["cadre_a1"], village=a1, year=2025, month=month)
        notice = row.notice
        notices.notice_step(actor=u["cadre_a1"], notice=notice, step="submit")
        notices.notice_step(actor=u["reviewer_a1"], notice=notice, step="check")
        notices.notice_step(
            actor=u["cadre_a1"],
            notice=notice,
            step="publish",
            data={"posted_from": today, "posted_until": today + timedelta(days=7)},
        )
    services.disclosure_generate(actor=cadres[a2.pk], village=a2, year=2025, month=3)  # a draft notice only
    return {"w": w, "expenses": list(Expense.objects.select_related("entry"))}


def _day(moment):
    return timezone.localtime(moment, TZ).date() if moment else None


def _published_months():
    """(village, year, month) of the disclosures whose notice was published, read row by row."""
    return {
        (d.village_id, d.year, d.month)
        for d in MonthlyDisclosure.objects.select_related("notice")
        if d.notice.published_at is not None
    }


def _expected(key, data, period, where):
    def inside(moment):
        return moment is not None and period.start <= _day(moment) <= period.end

    rows = [e for e in data["expenses"] if where(e)]
    if key == "finance.expenses_approved":
        return (sum(1 for e in rows if inside(e.approved_at)), None)
    published = _published_months()
    paid = [e for e in rows if e.state == "paid" and inside(e.paid_at)]
    disclosed = [e for e in paid if (e.village_id, e.entry.date.year, e.entry.date.month) in published]
    return (len(disclosed), len(paid))


def test_the_declarations():
    assert [i.key for i in indicators.INDICATORS] == ["finance.expenses_approved", "finance.expenses_disclosed"]
    for i in indicators.INDICATORS:
        assert i.applies_to(ind.COUNTY) and not i.applies_to(ind.GRID)
        assert 700 <= i.order < 800 and not i.public


def _places(w):
    return {
        (ind.COUNTY, w.county.pk): lambda r: True,
        (ind.TOWNSHIP, w.township_a.pk): lambda r: r.township_id == w.township_a.pk,
        (ind.TOWNSHIP, w.township_b.pk): lambda r: r.township_id == w.township_b.pk,
        (ind.VILLAGE, w.village_a1.pk): lambda r: r.village_id == w.village_a1.pk,
        (ind.VILLAGE, w.village_a2.pk): lambda r: r.village_id == w.village_a2.pk,
        (ind.VILLAGE, w.village_b1.pk): lambda r: r.village_id == w.village_b1.pk,
    }


def test_every_place_and_period(books):
    w = books["w"]
    for indicator in indicators.INDICATORS:
        for (level, region_id), where in _places(w).items():
            for period in (MARCH, FEBRUARY, APRIL, quarter_period(2025, 1)):
                cache.clear()
                got = indicator.value(level, region_id, period)
                assert (got.num, got.den) == _expected(indicator.key, books, period, where), (indicator.key, level)
    # known from the story
    cache.clear()
    approved, disclosed = (i.value(ind.COUNTY, w.county.pk, MARCH) for i in indicators.INDICATORS)
    assert approved.num == 5
    assert (disclosed.num, disclosed.den) == (1, 3)  # 安家村's disclosed; 和平村's draft and 新桥村's none are not
    cache.clear()
    february = indicators.INDICATORS[1].value(ind.VILLAGE, w.village_a1.pk, FEBRUARY)
    assert (february.num, february.den) == (1, 1)
    cache.clear()
    april = indicators.INDICATORS[1].value(ind.VILLAGE, w.village_a1.pk, APRIL)
    assert (april.num, april.den) == (0, 1)  # April is not disclosed yet


def test_by_unit_and_trend(books):
    w = books["w"]
    for indicator in indicators.INDICATORS:
        cache.clear()
        got = indicator.by_unit(ind.COUNTY, w.county.pk, MARCH)
        expected = {
            t: _expected(indicator.key, books, MARCH, lambda r, t=t: r.township_id == t)
            for t in (w.township_a.pk, w.township_b.pk)
        }
        assert {k: (v.num, v.den) for k, v in got.items()} == {k: v for k, v in expected.items() if any(v)}
        cache.clear()
        got = indicator.by_unit(ind.TOWNSHIP, w.township_a.pk, MARCH)
        expected = {
            v: _expected(indicator.key, books, MARCH, lambda r, v=v: r.village_id == v)
            for v in (w.village_a1.pk, w.village_a2.pk)
        }
        assert {k: (v.num, v.den) for k, v in got.items()} == {k: v for k, v in expected.items() if any(v)}
        cache.clear()
        months = ind.trend_months(APRIL, count=3)
        trend = indicator.trend(ind.COUNTY, w.county.pk, months)
        assert [(v.num, v.den) for v in trend] == [_expected(indicator.key, books, m, lambda r: True) for m in months]
    cache.clear()
    shares = indicators.INDICATORS[1].trend(ind.TOWNSHIP, w.township_b.pk, ind.trend_months(APRIL, count=3))
    assert [(v.num, v.den) for v in shares] == [(0, 0), (0, 1), (0, 0)]  # 新桥村 paid on 31 March, Beijing time
    assert date(2025, 3, 31) in {e.entry.date for e in books["expenses"] if e.state == "paid"}
