"""The mutual-aid test world: 安家村 (village A1) has a mutual-aid association (the cadre chairs it, the grid worker
sits on it), a village group 一组 led by a villager of household a1b, the household a1 in that group, three bands
(≤ 500, ≤ 2,000, ≤ 5,000 yuan) and 3,000 yuan in its fund."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from committees.models import Committee, CommitteeKind, Member, Post
from core.roles import Role
from mutualaid import services
from mutualaid.models import Application, Source
from registry.models import Household
from tests.factories import make_region, make_user

SINCE = date(2020, 1, 1)


@dataclass
class Aid:
    world: object
    group: object
    leader: object
    cadre: object
    grid: object
    villager: object


def seat(village, kind, user, *, post=Post.MEMBER, group=None):
    committee, _ = Committee.objects.get_or_create(
        kind=kind,
        village=village,
        defaults={"county_id": village.county_id, "township_id": village.township_id},
    )
    return Member.objects.create(
        committee=committee, user=user, name=user.username, post=post, group=group, started_on=SINCE
    )


@pytest.fixture
def aid(world):
    return build_aid(world)


def build_aid(world) -> Aid:
    a1 = world.village_a1
    group = make_region("一组", "510422001001001", "group", a1)
    Household.objects.filter(pk=world.households["a1"].pk).update(group=group)
    leader = make_user("leader_a1", Role.VILLAGER, a1, household=world.households["a1b"])
    seat(a1, CommitteeKind.GROUP_LEADERS, leader, post=Post.CHAIR, group=group)
    seat(a1, CommitteeKind.MUTUAL_AID, world.users["cadre_a1"], post=Post.CHAIR)
    seat(a1, CommitteeKind.MUTUAL_AID, world.users["grid_a1"])
    cadre = world.users["cadre_a1"]
    for name, up_to in (("小额", "500"), ("中额", "2000"), ("大额", "5000")):
        services.band_add(actor=cadre, village=a1, name=name, up_to=up_to)
    services.contribution_record(
        actor=cadre, village=a1, source=Source.MASSES, amount="1000", on=date.today(), donor="村民捐款"
    )
    services.contribution_record(actor=cadre, village=a1, source=Source.GOVERNMENT, amount="2000", on=date.today())
    return Aid(world, group, leader, cadre, world.users["grid_a1"], world.users["villager_a1"])


def apply(aid, *, amount="800", actor=None, person=None):
    return services.application_make(
        actor=actor or aid.villager,
        person=person or aid.world.people["a1_head"],
        reason="illness",
        amount_asked=amount,
        situation="住院治疗，自付费用较多",
    )


def step(actor, case, name, **data):
    case = Application.objects.get(pk=case.pk)
    return services.application_step(actor=actor, case=case, step=name, data=data)


def to_approved(aid, *, amount="800", approved="800"):
    case = apply(aid, amount=amount)
    step(aid.leader, case, "group_verify", finding="属实")
    step(aid.grid, case, "association_verify", finding="属实")
    step(aid.cadre, case, "approve", approved_amount=approved)
    return Application.objects.get(pk=case.pk)


def money(value) -> Decimal:
    return Decimal(value)
