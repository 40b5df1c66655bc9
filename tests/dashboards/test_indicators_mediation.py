"""Mediation's indicators (mediation/indicators.py) against counts made in plain Python over disputes recorded and
stepped through the services: three villages in two townships, disputes received last month and three months ago,
ended with an agreement, without one, refused, not received or still open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import indicators as ind
from core.periods import Period, month_period
from mediation import indicators, services
from mediation.models import Body, Dispute
from tests.mediation.conftest import med, record  # noqa: F401 (med is a fixture)

pytestmark = pytest.mark.django_db

CONCLUDED = ("agreement", "failed", "refused")


def _month_back(today, back: int) -> Period:
    year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
    return month_period(year, month + 1)


def _step(actor, case, name, **data):
    services.dispute_step(actor=actor, case=case, step=name, data=data)
    case.refresh_from_db()
    return case


def _to_mediating(case, leader, worker, mediator):
    _step(leader, case, "accept")
    _step(leader, case, "assign", lead=str(mediator.pk))
    _step(worker, case, "investigate", findings="现场查看。")
    _step(worker, case, "inform", hearing="private", informed="当面告知双方权利义务、自愿原则及不收费。")
    return case


def _agree(case, leader, worker, mediator, performance=""):
    _to_mediating(case, leader, worker, mediator)
    today = timezone.localdate().isoformat()
    _step(worker, case, "session", held_on=today, place="调解室", attendees="双方", minutes="双方同意协商。")
    _step(worker, case, "draft", form="oral", agreed_facts="院墙越界。", terms="李秀英拆除越界院墙。")
    _step(worker, case, "seal", sealed_on=today)
    if performance:
        _step(worker, case, "follow_up", performance=performance, visited_on=today)
    return case


@pytest.fixture
def disputes(world, med):  # noqa: F811
    """Disputes of 安家村 (a1) and 和平村 (a2) at 甲镇's centre and of 新桥村 (b1) at its own committee."""
    today = timezone.localdate()
    last = _month_back(today, 1)
    early = _month_back(today, 3)
    in_last, in_early = last.start + timedelta(days=4), early.start + timedelta(days=9)
    lead, full = med.users["mediator"], med.users["fulltime"]
    township = med.township_body
    b1_body = Body.objects.get(name="新桥村人民调解委员会")
    b1_leader = med.users["outsider"]
    b1_mediator = b1_body.mediators.get()

    def a(village, day, who="mediator"):
        return record(world, med, actor=med.users[who], village=village, body=township, received_on=day)

    made = []
    made.append(_agree(a(world.village_a1, in_last), lead, full, med.full_time, performance="full"))
    failed = _to_mediating(a(world.village_a1, in_last), lead, full, med.full_time)
    made.append(_step(full, failed, "fail", reason="双方分歧过大。", advice="litigation"))
    made.append(_step(lead, a(world.village_a1, in_last), "decline", reason="不属于人民调解范围。"))
    made.append(_step(lead, a(world.village_a1, last.end), "accept"))  # still open
    made.append(_agree(a(world.village_a2, in_last), lead, full, med.full_time, performance="partly"))
    refused = _to_mediating(a(world.village_a2, last.start), lead, full, med.full_time)
    party = refused.parties.get(role="respondent")
    made.append(_step(full, refused, "refuse", party=str(party.pk), reason="要求起诉。"))
    b1 = record(world, med, actor=b1_leader, village=world.village_b1, body=b1_body, received_on=in_last)
    made.append(_agree(b1, b1_leader, b1_leader, b1_mediator))
    made.append(_agree(a(world.village_a1, in_early), lead, full, med.full_time, performance="full"))
    made.append(
        _step(
            full,
            _to_mediating(a(world.village_a2, in_early), lead, full, med.full_time),
            "fail",
            reason="无法达成一致。",
            advice="arbitration",
        )
    )
    return {"last": last, "early": early, "disputes": [Dispute.objects.get(pk=d.pk) for d in made]}


def _count(rows, period, where, test):
    """Plain Python: the disputes received in ``period`` whose place passes ``where`` and that pass ``test``."""
    return sum(1 for d in rows if period.start <= d.received_on <= period.end and where(d) and test(d))


FIGURES = {
    "received": lambda d: True,
    "concluded": lambda d: d.outcome in CONCLUDED,
    "agreements": lambda d: d.outcome == "agreement",
    "followed": lambda d: d.performance != "",
    "performed": lambda d: d.performance == "full",
}
PARTS = {
    "mediation.received": ("received", None),
    "mediation.resolution": ("agreements", "concluded"),
    "mediation.performance": ("performed", "followed"),
}


def _expected(key, rows, period, where):
    num, den = PARTS[key]
    n = _count(rows, period, where, FIGURES[num])
    return (n, _count(rows, period, where, FIGURES[den]) if den else None)


def test_the_declarations():
    keys = [i.key for i in indicators.INDICATORS]
    assert keys == list(PARTS)
    for i in indicators.INDICATORS:
        assert i.applies_to(ind.VILLAGE) and not i.applies_to(ind.GRID)
        assert str(i.definition) and str(i.name) and str(i.module)
    assert [i.key for i in indicators.INDICATORS if i.public] == ["mediation.resolution"]


def test_every_indicator_counts_what_was_recorded(world, disputes):
    rows, last, early = disputes["disputes"], disputes["last"], disputes["early"]
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
            for period in (last, early):
                cache.clear()
                got = indicator.value(level, region_id, period)
                assert (got.num, got.den) == _expected(indicator.key, rows, period, where), (indicator.key, level)
    # the numbers themselves, known from the story: 7 received last month, 5 concluded, 3 agreements
    cache.clear()
    resolution = indicators.INDICATORS[1].value(ind.COUNTY, world.county.pk, last)
    assert (resolution.num, resolution.den, resolution.value) == (3, 5, 60.0)
    assert resolution.thin  # fewer than 10 concluded: shown, not ranked


def test_by_unit_and_trend(world, disputes):
    rows, last = disputes["disputes"], disputes["last"]
    for indicator in indicators.INDICATORS:
        cache.clear()
        townships = indicator.by_unit(ind.COUNTY, world.county.pk, last)
        expected = {}
        for t in (world.township_a.pk, world.township_b.pk):
            pair = _expected(indicator.key, rows, last, lambda d, t=t: d.township_id == t)
            if any(pair):
                expected[t] = pair
        assert {k: (v.num, v.den) for k, v in townships.items()} == expected
        cache.clear()
        villages = indicator.by_unit(ind.TOWNSHIP, world.township_a.pk, last)
        expected = {}
        for v in (world.village_a1.pk, world.village_a2.pk):
            pair = _expected(indicator.key, rows, last, lambda d, v=v: d.village_id == v)
            if any(pair):
                expected[v] = pair
        assert {k: (v.num, v.den) for k, v in villages.items()} == expected
        assert world.village_b1.pk not in villages
        cache.clear()
        months = ind.trend_months(last, count=4)
        trend = indicator.trend(ind.COUNTY, world.county.pk, months)
        assert [(v.num, v.den) for v in trend] == [_expected(indicator.key, rows, m, lambda d: True) for m in months]
    received = indicators.INDICATORS[0]
    cache.clear()
    months = ind.trend_months(last, count=4)
    assert [v.num for v in received.trend(ind.COUNTY, world.county.pk, months)] == [
        0,
        2,
        0,
        7,
    ]  # three months back: 2; last month: 7
