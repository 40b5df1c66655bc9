"""Redemptions racing on PostgreSQL, each thread on its own connection: the last item goes to exactly one
household, and one household cannot spend the same points twice."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from core.roles import Role
from points import services
from points.models import EntryKind, Good, LedgerEntry, Redemption, RuleItem
from points.shop import services as shop
from points.standings import balances
from points.subjects import subject_of
from tests.concurrency import race
from tests.factories import make_household, make_user

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def fund(world, scheme, household, codes=("2.1", "2.3", "3.1")):
    """Record and approve one point per item for the household (cadre records, reviewer approves)."""
    subject = subject_of(household)
    claims = [
        services.claim_record(
            actor=world.users["cadre_a1"],
            scheme=scheme,
            subject=subject,
            item=RuleItem.objects.get(rulebook__scheme=scheme, code=code),
            occurred_on=timezone.localdate(),
        )
        for code in codes
    ]
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[c.pk for c in claims], approve=True)
    return subject


@pytest.fixture
def shelf(world, scheme):
    cadre = world.users["cadre_a1"]
    store = shop.shop_create(actor=cadre, village=world.village_a1, name="安家村积分超市")
    return store


def _households(world, n):
    """n households of 安家村 with a villager account each."""
    out = []
    for i in range(n):
        h = make_household(world.village_a1, f"9{i:03d}", world.grid_a1, head=f"户主{i}")
        user = make_user(f"racer{i}", Role.VILLAGER, world.village_a1, household=h)
        out.append((h, user))
    return out


@pytest.mark.parametrize("n", [2, 8])
def test_households_racing_for_the_last_item(world, scheme, shelf, n):
    last = shop.good_create(
        actor=world.users["cadre_a1"], shop=shelf, scheme=scheme, name="最后一袋米", price=1, stock=1
    )
    racers = [(fund(world, scheme, h), user) for h, user in _households(world, n)]

    def job(subject, user):
        return lambda: shop.redemption_create(actor=user, good=last, subject=subject, quantity=1).pk

    ok, refused, crashed = race([job(s, u) for s, u in racers])
    assert crashed == []
    assert len(ok) == 1 and len(refused) == n - 1
    assert Good.objects.get(pk=last.pk).stock == 0
    assert Redemption.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEMPTION).count() == 1
    winner = Redemption.objects.get()
    spent = balances(scheme, [s.key for s, _u in racers])
    assert spent[winner.subject_key] == Decimal("2")
    assert all(v == Decimal("3") for k, v in spent.items() if k != winner.subject_key)


def test_one_household_racing_itself_cannot_spend_the_same_points_twice(world, scheme, shelf):
    rice = shop.good_create(actor=world.users["cadre_a1"], shop=shelf, scheme=scheme, name="米", price=2, stock=10)
    subject = fund(world, scheme, world.households["a1"])  # 3 points: one bag of 2, not two
    villager, cadre = world.users["villager_a1"], world.users["cadre_a1"]

    def job(user):
        return lambda: shop.redemption_create(actor=user, good=rice, subject=subject, quantity=1).pk

    ok, refused, crashed = race([job(villager), job(cadre)])
    assert crashed == []
    assert len(ok) == 1 and len(refused) == 1
    assert "quantity" in refused[0].error_dict
    assert balances(scheme, [subject.key])[subject.key] == Decimal("1")
    assert Good.objects.get(pk=rice.pk).stock == 9
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEMPTION, subject_key=subject.key).count() == 1


def test_eight_redemptions_of_one_household_never_overspend(world, scheme, shelf):
    rice = shop.good_create(actor=world.users["cadre_a1"], shop=shelf, scheme=scheme, name="米", price=1, stock=10)
    subject = fund(world, scheme, world.households["a1"])  # 3 points
    villager = world.users["villager_a1"]
    ok, refused, crashed = race(
        [lambda: shop.redemption_create(actor=villager, good=rice, subject=subject, quantity=1).pk] * 8
    )
    assert crashed == []
    assert len(ok) == 3 and len(refused) == 5
    assert balances(scheme, [subject.key])[subject.key] == Decimal("0")
    assert Good.objects.get(pk=rice.pk).stock == 7
