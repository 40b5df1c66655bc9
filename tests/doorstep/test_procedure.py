"""A service request's procedure (doorstep/flows.py) through the services: who may make and take it, the
catalogue version it keeps, a bundle opening each item once, the deadline in working days, redo on 不满意."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from casework.models import WorkingDay
from core.errors import DomainError, NotFound
from core.workflow import can_see
from doorstep import selectors, services
from doorstep.flows import DOORSTEP
from doorstep.models import Channel, Consent, ItemVersion, Material, Rating, ServiceRequest

TZ = ZoneInfo("Asia/Shanghai")


def _make(ds, world, actor="villager_a1", item=None, **kw):
    kw.setdefault("household", world.households["a1"])
    kw.setdefault("person", world.people["a1_head"])
    return services.request_make(actor=ds.users[actor], item=item or ds.pension, **kw)


def _step(ds, case, who, step, data=None, note=""):
    case.refresh_from_db()
    return services.request_step(actor=ds.users[who], case=case, step=step, data=data or {}, note=note)


def test_villager_request_agent_redo_then_satisfied(ds, world):
    case = _make(ds, world, materials={"provided": ["身份证"]})
    assert case.state == "submitted" and case.channel == Channel.PHONE and case.applicant == ds.users["villager_a1"]
    assert case.number.startswith("510422-")
    assert Material.objects.filter(group=case.group, name="身份证", provided=True).count() == 1
    _step(ds, case, "volunteer", "take")
    case.refresh_from_db()
    assert case.state == "handling" and case.agent == ds.volunteer
    _step(ds, case, "volunteer", "complete", {"result": "已完成认证"})
    case.refresh_from_db()
    assert case.state == "completed" and case.completed_on_time is True
    _step(ds, case, "villager_a1", "rate", {"rating": Rating.UNSATISFIED, "reason": "没有告诉我结果"})
    case.refresh_from_db()
    assert case.state == "handling" and case.redo_count == 1 and case.rating == Rating.UNSATISFIED
    _step(ds, case, "volunteer", "complete", {"result": "已电话告知结果"})
    _step(ds, case, "villager_a1", "rate", {"rating": Rating.SATISFIED})
    case.refresh_from_db()
    assert case.state == "rated" and case.rating == Rating.SATISFIED
    _step(ds, case, "cadre_a1", "revisit", {"how": "phone", "satisfaction": Rating.SATISFIED})
    case.refresh_from_db()
    assert case.state == "closed" and case.revisited_at is not None


def test_unsatisfied_without_reason_is_refused(ds, world):
    case = _make(ds, world)
    _step(ds, case, "volunteer", "take")
    _step(ds, case, "volunteer", "complete", {"result": "办好了"})
    with pytest.raises(DomainError):
        _step(ds, case, "villager_a1", "rate", {"rating": Rating.UNSATISFIED})
    case.refresh_from_db()
    assert case.state == "completed" and case.redo_count == 0


def test_agent_files_on_behalf_with_consent_and_takes_it(ds, world):
    with pytest.raises(DomainError):
        _make(ds, world, actor="grid_a1", person=world.people["a1_wife"])  # no consent noted
    case = _make(ds, world, actor="grid_a1", person=world.people["a1_wife"], consent=Consent.IN_PERSON)
    assert case.on_behalf and case.channel == Channel.AGENT and case.consent == Consent.IN_PERSON
    assert case.state == "handling" and case.agent == ds.grid_agent


def test_agent_sees_only_requests_of_villages_served(ds, world):
    in_a2 = _make(
        ds,
        world,
        actor="cadre_a1",
        household=world.households["a1b"],
        person=world.people["a1b_head"],
        consent=Consent.SIGNED,
    )
    assert in_a2 in selectors.handling_queue(ds.users["grid_a1"])
    assert in_a2 in selectors.handling_queue(ds.users["volunteer"])
    assert in_a2 not in selectors.handling_queue(ds.users["cadre_b1"])
    assert not can_see(ds.users["cadre_b1"], in_a2, DOORSTEP)
    with pytest.raises(NotFound):
        _make(
            ds,
            world,
            actor="grid_a1",
            household=world.households["a2"],
            person=world.people["a2_head"],
            consent=Consent.SIGNED,
        )


def test_villager_only_for_own_household(ds, world):
    with pytest.raises(NotFound):
        _make(ds, world, household=world.households["a1b"], person=world.people["a1b_head"])
    with pytest.raises(DomainError):
        _make(ds, world, person=world.people["a1b_head"])  # not of the household


def test_agent_may_not_take_an_item_the_catalogue_keeps_at_the_centre(ds, world):
    with pytest.raises(DomainError):
        _make(ds, world, actor="grid_a1", item=ds.homestead, consent=Consent.SIGNED)
    with pytest.raises(DomainError):
        _make(ds, world, item=ds.homestead)  # not on the phone
    assert ServiceRequest.objects.count() == 0


def test_request_keeps_its_catalogue_version(ds, world):
    case = _make(ds, world)
    new = ItemVersion.objects.create(
        item=ds.pension,
        number=2,
        name="养老待遇认证（新）",
        category="social_insurance",
        level="village",
        materials=["身份证", "照片"],
        time_limit_days=7,
    )
    ds.pension.current = new
    ds.pension.save()
    case.refresh_from_db()
    assert case.item_version.number == 1 and case.time_limit_days == 3
    later = _make(ds, world)
    assert later.item_version == new and later.time_limit_days == 7


def test_retired_item_is_refused(ds, world):
    from datetime import date

    ds.pension.retired_on = date(2021, 1, 1)
    ds.pension.save()
    with pytest.raises(DomainError) as err:
        _make(ds, world)
    assert "目录" in str(err.value.messages if hasattr(err.value, "messages") else err.value)
    assert ServiceRequest.objects.count() == 0


def test_bundle_opens_each_item_once_with_materials_once(ds, world):
    cases = services.bundle_make(
        actor=ds.users["cadre_a1"],
        bundle=ds.newborn,
        household=world.households["a1"],
        person=world.people["a1_wife"],
        consent=Consent.IN_PERSON,
        materials={"provided": ["户口簿", "身份证", "出生医学证明"]},
    )
    assert len(cases) == 2 and len({c.item_id for c in cases}) == 2 and len({c.group for c in cases}) == 1
    assert sorted(Material.objects.filter(group=cases[0].group).values_list("name", flat=True)) == sorted(
        ["出生医学证明", "户口簿", "身份证"]
    )


def test_deadline_across_a_holiday(ds, world):
    # 2027-01-01 (Friday) is a holiday: a 3-working-day item taken on Thursday 2026-12-31 is due on Wednesday
    WorkingDay.objects.create(date=datetime(2027, 1, 1).date(), is_working=False, source="national", note="元旦")
    now = datetime(2026, 12, 31, 10, 0, tzinfo=TZ)
    case = services.request_make(
        actor=ds.users["villager_a1"],
        item=ds.pension,
        household=world.households["a1"],
        person=world.people["a1_head"],
        now=now,
    )
    services.request_step(actor=ds.users["volunteer"], case=case, step="take", now=now)
    case.refresh_from_db()
    assert case.deadline_at.astimezone(TZ).date().isoformat() == "2027-01-06"


def test_an_unrated_request_is_left_to_the_revisit_and_a_late_one_flagged(ds, world):
    from datetime import timedelta

    from core import workflow

    now = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)  # a Monday
    case = services.request_make(
        actor=ds.users["volunteer"],
        item=ds.pension,
        household=world.households["a1"],
        person=world.people["a1_head"],
        consent=Consent.IN_PERSON,
        now=now,
    )
    late = services.request_make(
        actor=ds.users["villager_a1"],
        item=ds.pension,
        household=world.households["a1"],
        person=world.people["a1_head"],
        now=now,
    )
    services.request_step(actor=ds.users["volunteer"], case=case, step="complete", data={"result": "办好了"}, now=now)
    report = workflow.run_deadlines(DOORSTEP, now=now + timedelta(days=14))
    case.refresh_from_db()
    late.refresh_from_db()
    assert case.state == "rated" and case.rating == ""  # the villager did not rate it: the revisit asks
    assert late.state == "submitted" and late.overdue and late.pk in report.flagged
