"""The demo data is written through the services and leaves applications in several states, a fund that adds up and
a payout on the notice board; running it again adds nothing."""

import pytest

from committees.models import CommitteeKind, Post
from core.roles import Role
from mutualaid import demo, fund
from mutualaid.models import Application, FundEntry
from registry.models import Household
from tests.factories import make_region, make_user
from tests.mutualaid.conftest import seat

pytestmark = pytest.mark.django_db


def test_demo_seed(world):
    a1 = world.village_a1
    group = make_region("1组", "510422001001001", "group", a1)
    Household.objects.filter(village=a1).update(group=group)
    cadre = make_user("cadre", Role.VILLAGE_CADRE, a1)
    gridworker = make_user("gridworker", Role.GRID_WORKER, a1, grid=world.grid_a1)
    make_user("villager", Role.VILLAGER, a1, household=world.households["a1"])
    seat(a1, CommitteeKind.MUTUAL_AID, cadre, post=Post.CHAIR)
    seat(a1, CommitteeKind.MUTUAL_AID, gridworker)
    seat(a1, CommitteeKind.GROUP_LEADERS, gridworker, post=Post.CHAIR, group=group)
    line = demo.seed(world.county)
    assert line.startswith("Mutual aid")
    states = set(Application.objects.values_list("state", flat=True))
    assert "applied" in states and len(states) >= 2
    assert fund.balance(a1.pk) >= 0
    assert fund.balance(a1.pk) == sum(FundEntry.objects.filter(village=a1).values_list("amount", flat=True))
    count = Application.objects.count()
    assert demo.seed(world.county) == ""
    assert Application.objects.count() == count
