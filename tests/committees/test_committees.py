"""A village's committees: seats, chairs, group leaders, ended seats, and the parties a procedure names."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from committees import selectors, services
from committees.models import Committee, CommitteeKind, Member, Post
from committees.parties import group_leader, member_of
from core.errors import DomainError, NotFound
from core.models import AuditEvent
from regions.models import RegionLevel
from tests.factories import make_region


@pytest.fixture
def council(world):
    return services.committee_set(
        actor=world.users["cadre_a1"],
        village=world.village_a1,
        kind=CommitteeKind.CUSTOMS_COUNCIL,
        name="安家村红白理事会",
    )


def test_setting_up_twice_changes_the_one_committee(world, council):
    again = services.committee_set(
        actor=world.users["cadre_a1"],
        village=world.village_a1,
        kind=CommitteeKind.CUSTOMS_COUNCIL,
        phone="0834-1234567",
    )
    assert again.pk == council.pk and again.phone == "0834-1234567" and again.name == ""
    assert Committee.objects.count() == 1
    assert again.county_id == world.county.pk and again.township_id == world.township_a.pk


def test_a_cadre_of_another_village_cannot_set_one_up(world):
    with pytest.raises(NotFound):
        services.committee_set(actor=world.users["cadre_b1"], village=world.village_a1, kind=CommitteeKind.MUTUAL_AID)
    with pytest.raises(NotFound):
        services.committee_set(
            actor=world.users["villager_a1"], village=world.village_a1, kind=CommitteeKind.MUTUAL_AID
        )
    assert not Committee.objects.exists()


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(DomainError) as exc:
        services.committee_set(actor=world.users["cadre_a1"], village=world.village_a1, kind="lottery")
    assert "kind" in exc.value.message_dict


def test_one_chair_at_a_time_and_an_ended_seat_frees_it(world, council):
    cadre = world.users["cadre_a1"]
    chair = services.member_add(actor=cadre, committee=council, name="王德明", post=Post.CHAIR, username="grid_a1")
    with pytest.raises(DomainError) as exc:
        services.member_add(actor=cadre, committee=council, name="李长春", post=Post.CHAIR)
    assert "post" in exc.value.message_dict
    services.member_end(actor=cadre, member=chair)
    services.member_add(actor=cadre, committee=council, name="李长春", post=Post.CHAIR)
    assert Member.objects.filter(committee=council).count() == 2  # the ended seat is kept
    assert [m.name for m in selectors.current_members(world.village_a1.pk, CommitteeKind.CUSTOMS_COUNCIL)] == ["李长春"]


def test_an_account_is_seated_once_and_must_exist(world, council):
    cadre = world.users["cadre_a1"]
    services.member_add(actor=cadre, committee=council, name="网格员", username="grid_a1")
    with pytest.raises(DomainError) as exc:
        services.member_add(actor=cadre, committee=council, name="网格员", username="grid_a1")
    assert "username" in exc.value.message_dict
    with pytest.raises(DomainError):
        services.member_add(actor=cadre, committee=council, name="谁", username="nobody")


def test_a_resident_of_another_village_is_refused(world, council):
    with pytest.raises(DomainError) as exc:
        services.member_add(
            actor=world.users["cadre_a1"], committee=council, name="陈志强", person=world.people["b1_head"].pk
        )
    assert "person" in exc.value.message_dict
    seat = services.member_add(
        actor=world.users["cadre_a1"], committee=council, name="王建国", person=world.people["a1_head"].pk
    )
    assert seat.person_id == world.people["a1_head"].pk


def test_a_seat_dated_in_the_future_or_ending_before_it_started_is_refused(world, council):
    cadre, today = world.users["cadre_a1"], timezone.localdate()
    with pytest.raises(DomainError):
        services.member_add(actor=cadre, committee=council, name="明天", started_on=today + timedelta(days=1))
    seat = services.member_add(actor=cadre, committee=council, name="今天", started_on=today)
    with pytest.raises(DomainError):
        services.member_end(actor=cadre, member=seat, ended_on=today - timedelta(days=1))
    services.member_end(actor=cadre, member=seat)
    with pytest.raises(DomainError):
        services.member_end(actor=cadre, member=seat)
    assert AuditEvent.objects.filter(action="committees.member.end").count() == 1


def test_a_group_leader_leads_a_group_of_the_village(world):
    cadre = world.users["cadre_a1"]
    leaders = services.committee_set(actor=cadre, village=world.village_a1, kind=CommitteeKind.GROUP_LEADERS)
    one = make_region("一组", "510422001001801", RegionLevel.GROUP, world.village_a1)
    elsewhere = make_region("一组", "510422002001801", RegionLevel.GROUP, world.village_b1)
    with pytest.raises(DomainError) as exc:
        services.member_add(actor=cadre, committee=leaders, name="组长", username="grid_a1")
    assert "group" in exc.value.message_dict
    with pytest.raises(DomainError):
        services.member_add(actor=cadre, committee=leaders, name="组长", username="grid_a1", group=elsewhere.pk)
    services.member_add(actor=cadre, committee=leaders, name="组长", username="grid_a1", group=one.pk)
    with pytest.raises(DomainError):
        services.member_add(actor=cadre, committee=leaders, name="又一个", group=one.pk)

    party = group_leader(lambda case: case.group_id)
    case = SimpleNamespace(village_id=world.village_a1.pk, group_id=one.pk)
    assert party.admits(world.users["grid_a1"], case)
    assert not party.admits(world.users["cadre_a1"], case)
    assert not party.admits(world.users["grid_a1"], SimpleNamespace(village_id=world.village_a1.pk, group_id=None))
    assert party.people(case) == [world.users["grid_a1"].pk]


def test_member_of_admits_current_members_of_the_case_village_only(world, council):
    cadre = world.users["cadre_a1"]
    seat = services.member_add(
        actor=cadre, committee=council, name="网格员", username="grid_a1", started_on=date(2020, 1, 1)
    )
    party = member_of(CommitteeKind.CUSTOMS_COUNCIL)
    here = SimpleNamespace(village_id=world.village_a1.pk)
    there = SimpleNamespace(village_id=world.village_b1.pk)
    assert party.admits(world.users["grid_a1"], here)
    assert not party.admits(world.users["grid_a1"], there)
    assert not member_of(CommitteeKind.MUTUAL_AID).admits(world.users["grid_a1"], here)
    assert not member_of(CommitteeKind.CUSTOMS_COUNCIL, posts=[Post.CHAIR]).admits(world.users["grid_a1"], here)
    assert party.people(here) == [world.users["grid_a1"].pk]
    services.member_end(actor=cadre, member=seat)
    assert not party.admits(world.users["grid_a1"], here)
    assert party.people(here) == []
