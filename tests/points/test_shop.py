"""The points shop: redemptions spend balance and stock (never the ranking score), are idempotent, can be
cancelled while pending, and every actor sees only their own shop, village or household."""

from decimal import Decimal

import pytest

from core.errors import DomainError, NotFound, PermissionDenied
from core.models import AuditEvent
from core.roles import Role
from points import services
from points.models import EntryKind, Good, LedgerEntry, Redemption, RedemptionStatus, RuleItem
from points.shop import services as shop
from points.standings import balances, quarter_of, standings
from points.subjects import subject_of
from tests.factories import make_user

# Items of the 安家村 rule book: (code, needs evidence). 2.1 +1, 2.3 +1, 3.1 +1, 1.2 +2 → 5 points.
FIVE_POINTS = [("2.1", False), ("2.3", False), ("3.1", False), ("1.2", True)]


def award(world, scheme, photo, household="a1", items=FIVE_POINTS, today=None):
    """Record items for a household (cadre) and approve them (reviewer): balance and score go up."""
    from django.utils import timezone

    day = today or timezone.localdate()
    subject = subject_of(world.households[household])
    claims = []
    for code, evidence in items:
        item = RuleItem.objects.get(rulebook__scheme=scheme, code=code)
        claims.append(
            services.claim_record(
                actor=world.users["cadre_a1"],
                scheme=scheme,
                subject=subject,
                item=item,
                occurred_on=day,
                evidence=photo() if evidence else None,
            )
        )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[c.pk for c in claims], approve=True)
    return subject


def balance(scheme, subject) -> Decimal:
    return balances(scheme, [subject.key]).get(subject.key, Decimal("0"))


def score(scheme, subject, today) -> Decimal:
    return next(s.score for s in standings(scheme, today.year, quarter_of(today)) if s.key == subject.key)


def counts():
    return (
        Redemption.objects.count(),
        LedgerEntry.objects.filter(kind__in=[EntryKind.REDEMPTION, EntryKind.REFUND]).count(),
        list(Good.objects.order_by("pk").values_list("stock", flat=True)),
    )


@pytest.fixture
def keepers(world):
    world.users["keeper_a1"] = make_user("keeper_a1", Role.SHOPKEEPER, world.village_a1)
    world.users["keeper_a1b"] = make_user("keeper_a1b", Role.SHOPKEEPER, world.township_a)
    world.users["villager_a1b"] = make_user(
        "villager_a1b", Role.VILLAGER, world.village_a1, household=world.households["a1b"]
    )
    return world.users


@pytest.fixture
def supermarket(world, keepers):
    return shop.shop_create(actor=world.users["cadre_a1"], village=world.village_a1, name="安家村积分超市")


@pytest.fixture
def member_shop(world, keepers):
    return shop.shop_create(
        actor=world.users["cadre_a1"],
        village=world.village_a1,
        name="德美屋·王家小卖部",
        is_member_shop=True,
        keeper=keepers["keeper_a1"],
        address="安家村2组",
    )


@pytest.fixture
def other_shop(world, keepers):
    return shop.shop_create(
        actor=world.users["cadre_a1"],
        village=world.village_a1,
        name="李家超市",
        is_member_shop=True,
        keeper=keepers["keeper_a1b"],
    )


@pytest.fixture
def soap(world, scheme, member_shop):
    """洗衣粉: 2 points, 5 in stock, at the keeper's member shop."""
    return shop.good_create(
        actor=world.users["cadre_a1"], shop=member_shop, scheme=scheme, name="洗衣粉", price=2, stock=5
    )


@pytest.fixture
def funded(world, scheme, photo):
    return award(world, scheme, photo)


def redeem(world, good, subject, quantity=1, who="villager_a1", **kw):
    return shop.redemption_create(actor=world.users[who], good=good, subject=subject, quantity=quantity, **kw)


# -- services ---------------------------------------------------------------------------------------------


def test_redeem_spends_balance_and_stock_but_not_the_score(world, scheme, soap, funded, today):
    assert balance(scheme, funded) == Decimal("5")
    score_before = score(scheme, funded, today)
    assert score_before == Decimal("15")
    r = redeem(world, soap, funded, quantity=2)
    assert r.status == RedemptionStatus.PENDING and r.points == Decimal("4") and r.household == world.households["a1"]
    soap.refresh_from_db()
    assert soap.stock == 3
    assert balance(scheme, funded) == Decimal("1")
    assert score(scheme, funded, today) == score_before
    entry = LedgerEntry.objects.get(kind=EntryKind.REDEMPTION)
    assert entry.score_delta == 0 and entry.balance_delta == Decimal("-4") and entry.redemption == r
    assert entry.subject_key == funded.key and entry.grid_id == world.grid_a1.pk and entry.village_id == r.village_id
    assert AuditEvent.objects.filter(action="points.redemption.create", target_id=str(r.pk)).exists()


def test_cannot_spend_more_than_the_balance(world, scheme, soap, funded):
    before = counts()
    with pytest.raises(DomainError) as exc:
        redeem(world, soap, funded, quantity=3)  # 6 points > 5
    assert "quantity" in exc.value.error_dict
    assert counts() == before and balance(scheme, funded) == Decimal("5")


def test_nothing_to_spend_without_points(world, scheme, soap):
    subject = subject_of(world.households["a1"])
    with pytest.raises(DomainError):
        redeem(world, soap, subject)
    assert Redemption.objects.count() == 0


def test_cannot_take_more_than_the_stock(world, scheme, photo, member_shop):
    subject = award(world, scheme, photo)
    cheap = shop.good_create(
        actor=world.users["cadre_a1"], shop=member_shop, scheme=scheme, name="肥皂", price="0.5", stock=2
    )
    before = counts()
    with pytest.raises(DomainError) as exc:
        redeem(world, cheap, subject, quantity=3)
    assert "quantity" in exc.value.error_dict
    assert counts() == before
    redeem(world, cheap, subject, quantity=2)
    cheap.refresh_from_db()
    assert cheap.stock == 0
    with pytest.raises(DomainError):
        redeem(world, cheap, subject, quantity=1)
    assert Good.objects.get(pk=cheap.pk).stock == 0


@pytest.mark.parametrize("quantity", [0, -1, "abc", "1.5", 100])
def test_bad_quantity_is_refused(world, soap, funded, quantity):
    before = counts()
    with pytest.raises(DomainError) as exc:
        redeem(world, soap, funded, quantity=quantity)
    assert "quantity" in exc.value.error_dict
    assert counts() == before


def test_inactive_good_and_closed_shop_are_refused(world, scheme, soap, member_shop, funded):
    shop.good_update(actor=world.users["cadre_a1"], good=soap, scheme=scheme, name="洗衣粉", price=2, is_active=False)
    with pytest.raises(DomainError):
        redeem(world, soap, funded)
    shop.good_update(actor=world.users["cadre_a1"], good=soap, scheme=scheme, name="洗衣粉", price=2, is_active=True)
    shop.shop_update(actor=world.users["cadre_a1"], shop=member_shop, name=member_shop.name, is_active=False)
    with pytest.raises(DomainError):
        redeem(world, soap, funded)
    assert Redemption.objects.count() == 0


def test_scheme_no_longer_redeemable_is_refused(world, scheme, soap, funded):
    type(scheme).objects.filter(pk=scheme.pk).update(redeemable=False)
    with pytest.raises(DomainError):
        redeem(world, soap, funded)
    assert Redemption.objects.count() == 0


def test_goods_need_a_price_stock_and_a_redeemable_scheme_of_the_village(world, scheme, member_shop):
    cadre = world.users["cadre_a1"]
    with pytest.raises(DomainError) as exc:
        shop.good_create(actor=cadre, shop=member_shop, scheme=scheme, name="", price=0, stock=-1)
    assert {"name", "price"} <= set(exc.value.error_dict)
    with pytest.raises(DomainError) as exc:
        shop.good_create(actor=cadre, shop=member_shop, scheme=scheme, name="米", price=3, stock=-1)
    assert "stock" in exc.value.error_dict
    other = services.scheme_create(
        actor=cadre, village=world.village_a1, name="志愿者积分", kind="volunteer", subject_kind="household"
    )
    with pytest.raises(DomainError) as exc:
        shop.good_create(actor=cadre, shop=member_shop, scheme=other, name="米", price=3, stock=1)
    assert "scheme" in exc.value.error_dict
    foreign = services.scheme_create(
        actor=world.users["cadre_b1"],
        village=world.village_b1,
        name="新桥积分",
        kind="civility",
        subject_kind="household",
        redeemable=True,
    )
    with pytest.raises(DomainError) as exc:
        shop.good_create(actor=cadre, shop=member_shop, scheme=foreign, name="米", price=3, stock=1)
    assert "scheme" in exc.value.error_dict
    assert not Good.objects.exists()


def test_shop_keeper_must_be_a_shopkeeper_and_cadres_manage_only_their_village(world, keepers):
    with pytest.raises(DomainError) as exc:
        shop.shop_create(
            actor=world.users["cadre_a1"], village=world.village_a1, name="甲", keeper=world.users["grid_a1"]
        )
    assert "keeper" in exc.value.error_dict
    with pytest.raises(NotFound):
        shop.shop_create(actor=world.users["cadre_b1"], village=world.village_a1, name="甲")
    with pytest.raises(NotFound):
        shop.shop_create(actor=world.users["villager_a1"], village=world.village_a1, name="甲")
    made = shop.shop_create(actor=world.users["cadre_a1"], village=world.village_a1, name="甲")
    with pytest.raises(DomainError) as exc:
        shop.shop_create(actor=world.users["cadre_a1"], village=world.village_a1, name="甲")
    assert "name" in exc.value.error_dict
    assert AuditEvent.objects.filter(action="points.shop.create", target_id=str(made.pk)).count() == 1


def test_restock_needs_a_reason_and_never_goes_below_zero(world, soap):
    cadre = world.users["cadre_a1"]
    with pytest.raises(DomainError) as exc:
        shop.stock_adjust(actor=cadre, good=soap, delta=10, reason="")
    assert "reason" in exc.value.error_dict
    with pytest.raises(DomainError) as exc:
        shop.stock_adjust(actor=cadre, good=soap, delta=-6, reason="报损")
    assert "delta" in exc.value.error_dict
    assert shop.stock_adjust(actor=cadre, good=soap, delta=10, reason="3月补货").stock == 15
    assert shop.stock_adjust(actor=cadre, good=soap, delta=-15, reason="过期报损").stock == 0
    event = AuditEvent.objects.filter(action="points.good.stock").order_by("pk").first()
    assert event.after["reason"] == "3月补货" and event.before == {"stock": 5} and event.after["stock"] == 15
    with pytest.raises(NotFound):
        shop.stock_adjust(actor=world.users["cadre_b1"], good=soap, delta=1, reason="x")
    with pytest.raises(NotFound):
        shop.stock_adjust(actor=world.users["keeper_a1"], good=soap, delta=1, reason="x")


def test_cancel_gives_back_points_and_stock(world, scheme, soap, funded, today):
    r = redeem(world, soap, funded, quantity=2)
    shop.redemption_cancel(actor=world.users["villager_a1"], redemption=r, reason="买错了")
    r.refresh_from_db()
    soap.refresh_from_db()
    assert r.status == RedemptionStatus.CANCELLED and r.closed_by == world.users["villager_a1"]
    assert soap.stock == 5 and balance(scheme, funded) == Decimal("5")
    refund = LedgerEntry.objects.get(kind=EntryKind.REFUND)
    assert refund.redemption == r and refund.balance_delta == Decimal("4") and refund.score_delta == 0
    assert refund.subject_key == funded.key and refund.household_id == world.households["a1"].pk
    assert score(scheme, funded, today) == Decimal("15")
    # A cancelled redemption does not change again.
    for change in (shop.redemption_cancel, shop.redemption_fulfil):
        with pytest.raises(DomainError):
            change(actor=world.users["cadre_a1"], redemption=r)
    assert LedgerEntry.objects.filter(kind=EntryKind.REFUND).count() == 1
    assert Good.objects.get(pk=soap.pk).stock == 5


def test_fulfilled_cannot_be_cancelled(world, scheme, soap, funded):
    r = redeem(world, soap, funded)
    shop.redemption_fulfil(actor=world.users["keeper_a1"], redemption=r)
    r.refresh_from_db()
    assert r.status == RedemptionStatus.FULFILLED and r.closed_by == world.users["keeper_a1"]
    for who in ("villager_a1", "keeper_a1", "cadre_a1"):
        with pytest.raises(DomainError):
            shop.redemption_cancel(actor=world.users[who], redemption=r)
    with pytest.raises(DomainError):
        shop.redemption_fulfil(actor=world.users["cadre_a1"], redemption=r)
    assert balance(scheme, funded) == Decimal("3") and Good.objects.get(pk=soap.pk).stock == 4
    assert AuditEvent.objects.filter(action="points.redemption.fulfil", target_id=str(r.pk)).count() == 1


def test_client_key_makes_redeeming_idempotent(world, scheme, soap, funded):
    first = redeem(world, soap, funded, client_key="tap-1")
    second = redeem(world, soap, funded, client_key="tap-1")
    assert first.pk == second.pk
    assert Redemption.objects.count() == 1 and LedgerEntry.objects.filter(kind=EntryKind.REDEMPTION).count() == 1
    assert Good.objects.get(pk=soap.pk).stock == 4 and balance(scheme, funded) == Decimal("3")
    with pytest.raises(DomainError):
        redeem(world, soap, funded, client_key="tap-1", who="cadre_a1")


def test_keeper_of_another_shop_gets_404(world, scheme, soap, other_shop, funded):
    r = redeem(world, soap, funded)
    with pytest.raises(NotFound):
        shop.redemption_fulfil(actor=world.users["keeper_a1b"], redemption=r)
    with pytest.raises(NotFound):
        shop.redemption_cancel(actor=world.users["keeper_a1b"], redemption=r)
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.PENDING


def test_village_shop_without_keeper_is_handed_over_by_a_cadre(world, scheme, supermarket, funded):
    rice = shop.good_create(actor=world.users["cadre_a1"], shop=supermarket, scheme=scheme, name="米", price=1, stock=9)
    r = redeem(world, rice, funded)
    with pytest.raises(NotFound):
        shop.redemption_fulfil(actor=world.users["keeper_a1"], redemption=r)
    with pytest.raises(NotFound):
        shop.redemption_fulfil(actor=world.users["cadre_b1"], redemption=r)
    with pytest.raises(PermissionDenied):
        shop.redemption_fulfil(actor=world.users["villager_a1"], redemption=r)
    shop.redemption_fulfil(actor=world.users["cadre_a1"], redemption=r)
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.FULFILLED


def test_villager_cannot_redeem_for_another_household(world, scheme, photo, soap, funded):
    other = award(world, scheme, photo, household="a1b")
    before = counts()
    with pytest.raises(DomainError):
        redeem(world, soap, other, who="villager_a1")
    with pytest.raises(NotFound):
        redeem(world, soap, funded, who="cadre_b1")
    with pytest.raises(NotFound):
        redeem(world, soap, funded, who="keeper_a1")
    assert counts() == before
    # ...nor cancel another household's redemption.
    r = redeem(world, soap, other, who="villager_a1b")
    with pytest.raises(NotFound):
        shop.redemption_cancel(actor=world.users["villager_a1"], redemption=r)


def test_cadre_redeems_for_a_household_at_the_counter(world, scheme, soap, funded):
    r = redeem(world, soap, funded, who="cadre_a1")
    assert r.created_by == world.users["cadre_a1"] and r.subject_key == funded.key
    assert balance(scheme, funded) == Decimal("3")


def test_selectors_scope(world, scheme, soap, other_shop, funded):
    from points.shop import selectors as sel

    r = redeem(world, soap, funded)
    assert list(sel.redemptions_to_fulfil(world.users["keeper_a1"])) == [r]
    assert list(sel.redemptions_to_fulfil(world.users["keeper_a1b"])) == []
    assert list(sel.redemptions_to_fulfil(world.users["cadre_a1"])) == [r]
    assert list(sel.redemptions_to_fulfil(world.users["cadre_b1"])) == []
    assert list(sel.my_redemptions(world.users["villager_a1"])) == [r]
    assert list(sel.my_redemptions(world.users["villager_a1b"])) == []
    assert [g.pk for g in sel.goods_on_offer(world.village_a1.pk)] == [soap.pk]
    assert not sel.goods_on_offer(world.village_b1.pk).exists()
    assert {s.pk for s in sel.kept_shops(world.users["keeper_a1"])} == {soap.shop_id}


# -- pages ------------------------------------------------------------------------------------------------


def test_villager_sees_goods_and_balance_and_redeems(world, scheme, soap, funded, login):
    client = login(world.users["villager_a1"])
    page = client.get("/points/shop/").content.decode()
    assert "洗衣粉" in page and "德美屋·王家小卖部" in page and ">5<" in page
    response = client.post(
        f"/points/shop/goods/{soap.pk}/redeem/",
        {"redeem-quantity": "2", "redeem-client_key": "page-1", "redeem-confirm": "on"},
    )
    redemption = Redemption.objects.get()
    # the villager lands on the redemption's pickup code, to show at the shop
    assert response.status_code == 302 and response["Location"] == f"/points/shop/redemptions/{redemption.pk}/"
    assert balance(scheme, funded) == Decimal("1") and Good.objects.get(pk=soap.pk).stock == 3
    page = client.get("/points/shop/redemptions/").content.decode()
    assert "洗衣粉" in page and "×2" in page and "/cancel/" in page and "/fulfil/" not in page


def test_villager_redeem_errors_are_shown_beside_the_quantity(world, scheme, soap, funded, login):
    client = login(world.users["villager_a1"])
    response = client.post(
        f"/points/shop/goods/{soap.pk}/redeem/",
        {"redeem-quantity": "3", "redeem-client_key": "k", "redeem-confirm": "on"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="field has-error"' in page and 'value="3"' in page
    assert Redemption.objects.count() == 0


def test_villager_cancels_own_redemption_through_the_page(world, scheme, soap, funded, login):
    r = redeem(world, soap, funded)
    client = login(world.users["villager_a1"])
    response = client.post(f"/points/shop/redemptions/{r.pk}/cancel/")
    assert response.status_code == 302
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.CANCELLED
    assert balance(scheme, funded) == Decimal("5")
    assert client.post(f"/points/shop/redemptions/{r.pk}/fulfil/").status_code == 403


def test_keeper_hands_over_and_other_keeper_gets_404(world, scheme, soap, other_shop, funded, login):
    r = redeem(world, soap, funded)
    other = login(world.users["keeper_a1b"])
    page = other.get("/points/shop/redemptions/").content.decode()
    assert "洗衣粉" not in page
    assert other.post(f"/points/shop/redemptions/{r.pk}/fulfil/").status_code == 404
    assert other.post(f"/points/shop/redemptions/{r.pk}/cancel/").status_code == 404
    keeper = login(world.users["keeper_a1"])
    home = keeper.get("/points/shop/").content.decode()
    assert "德美屋·王家小卖部" in home and "李家超市" not in home
    page = keeper.get("/points/shop/redemptions/").content.decode()
    assert "洗衣粉" in page and "王建国户" in page
    assert keeper.get(f"/points/shop/shops/{soap.shop_id}/").status_code == 403
    response = keeper.post(f"/points/shop/redemptions/{r.pk}/fulfil/", {"next": "/points/shop/redemptions/"})
    assert response.status_code == 302
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.FULFILLED


def test_cadre_manages_shops_goods_and_stock(world, scheme, keepers, login):
    client = login(world.users["cadre_a1"])
    assert client.get("/points/shop/").status_code == 200
    response = client.post(
        "/points/shop/shops/new/",
        {"village": world.village_a1.pk, "name": "爱心超市", "keeper": keepers["keeper_a1"].pk, "address": "村委会"},
    )
    assert response.status_code == 302
    made = world.users["keeper_a1"].shops.get()
    page = client.get(f"/points/shop/shops/{made.pk}/").content.decode()
    assert "爱心超市" in page
    bad = client.post(
        f"/points/shop/shops/{made.pk}/goods/new/", {"name": "毛巾", "scheme": scheme.pk, "price": "0", "stock": "3"}
    )
    assert bad.status_code == 200 and "has-error" in bad.content.decode() and 'value="毛巾"' in bad.content.decode()
    response = client.post(
        f"/points/shop/shops/{made.pk}/goods/new/", {"name": "毛巾", "scheme": scheme.pk, "price": "1.5", "stock": "3"}
    )
    assert response.status_code == 302
    towel = Good.objects.get(name="毛巾")
    assert towel.price == Decimal("1.5") and towel.stock == 3
    bad = client.post(f"/points/shop/goods/{towel.pk}/restock/", {"delta": "10", "reason": ""})
    assert bad.status_code == 200 and 'value="10"' in bad.content.decode()
    response = client.post(f"/points/shop/goods/{towel.pk}/restock/", {"delta": "10", "reason": "补货"})
    assert response.status_code == 302 and Good.objects.get(pk=towel.pk).stock == 13
    response = client.post(
        f"/points/shop/goods/{towel.pk}/edit/", {"name": "毛巾（大）", "scheme": scheme.pk, "price": "2"}
    )
    assert response.status_code == 302
    towel.refresh_from_db()
    assert towel.name == "毛巾（大）" and towel.price == 2 and not towel.is_active
    response = client.post(
        f"/points/shop/shops/{made.pk}/edit/", {"name": "爱心超市", "keeper": "", "address": "", "is_active": "on"}
    )
    assert response.status_code == 302 and not type(made).objects.get(pk=made.pk).keeper_id


def test_cadre_counter_redemption_page(world, scheme, soap, funded, login):
    client = login(world.users["cadre_a1"])
    bad = client.post(
        f"/points/shop/goods/{soap.pk}/counter/",
        {"redeem-household": "9999", "redeem-quantity": "1", "redeem-confirm": "on"},
    )
    assert bad.status_code == 200 and 'value="9999"' in bad.content.decode()
    response = client.post(
        f"/points/shop/goods/{soap.pk}/counter/",
        {"redeem-household": "0001", "redeem-quantity": "1", "redeem-client_key": "c-1", "redeem-confirm": "on"},
    )
    assert response.status_code == 302
    assert balance(scheme, funded) == Decimal("3")
    page = client.get("/points/shop/redemptions/").content.decode()
    assert "王建国户" in page and "/fulfil/" in page


def test_wrong_village_cadre_gets_404(world, scheme, soap, funded, login):
    r = redeem(world, soap, funded)
    client = login(world.users["cadre_b1"])
    assert client.get("/points/shop/").status_code == 200
    assert "洗衣粉" not in client.get("/points/shop/redemptions/").content.decode()
    assert client.get(f"/points/shop/shops/{soap.shop_id}/").status_code == 404
    assert client.get(f"/points/shop/shops/{soap.shop_id}/edit/").status_code == 404
    assert client.get(f"/points/shop/goods/{soap.pk}/restock/").status_code == 404
    assert client.get(f"/points/shop/goods/{soap.pk}/counter/").status_code == 404
    assert client.post(f"/points/shop/redemptions/{r.pk}/fulfil/").status_code == 404
    assert client.post(f"/points/shop/redemptions/{r.pk}/cancel/").status_code == 404
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.PENDING


def test_shop_pages_are_closed_to_roles_without_shop_actions(world, login):
    client = login(world.users["grid_a1"])
    assert client.get("/points/shop/").status_code == 403
    assert client.get("/points/shop/redemptions/").status_code == 403


def test_villager_cannot_open_another_villages_good(world, scheme, soap, funded, login):
    client = login(world.users["villager_a1"])
    foreign_scheme = services.scheme_create(
        actor=world.users["cadre_b1"],
        village=world.village_b1,
        name="新桥积分",
        kind="civility",
        subject_kind="household",
        redeemable=True,
    )
    foreign_shop = shop.shop_create(actor=world.users["cadre_b1"], village=world.village_b1, name="新桥超市")
    foreign = shop.good_create(
        actor=world.users["cadre_b1"], shop=foreign_shop, scheme=foreign_scheme, name="酱油", price=1, stock=1
    )
    assert client.get(f"/points/shop/goods/{foreign.pk}/redeem/").status_code == 404
    assert (
        client.post(
            f"/points/shop/goods/{foreign.pk}/redeem/", {"redeem-quantity": "1", "redeem-confirm": "on"}
        ).status_code
        == 404
    )


# -- API --------------------------------------------------------------------------------------------------


def test_api_goods_redeem_list_fulfil(world, scheme, soap, funded, client, api_token):
    villager = api_token(world.users["villager_a1"])
    goods = client.get("/api/points/shop/goods", **villager).json()
    assert [g["name"] for g in goods] == ["洗衣粉"] and Decimal(goods[0]["balance"]) == Decimal("5")
    body = {"confirm": True, "good_id": soap.pk, "quantity": 2, "client_key": "api-1"}
    created = client.post("/api/points/shop/redemptions", body, content_type="application/json", **villager)
    assert created.status_code == 201, created.content
    again = client.post("/api/points/shop/redemptions", body, content_type="application/json", **villager)
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    too_much = client.post(
        "/api/points/shop/redemptions",
        {"confirm": True, "good_id": soap.pk, "quantity": 1},
        content_type="application/json",
        **villager,
    )
    assert too_much.status_code == 422 and "quantity" in too_much.json()["errors"]  # 1 point left, 2 needed
    rid = created.json()["id"]
    listed = client.get("/api/points/shop/redemptions", **villager).json()
    assert rid in [r["id"] for r in listed]
    assert client.post(f"/api/points/shop/redemptions/{rid}/fulfil", **villager).status_code == 403
    other_keeper = api_token(world.users["keeper_a1b"])
    assert client.post(f"/api/points/shop/redemptions/{rid}/fulfil", **other_keeper).status_code == 404
    assert client.get("/api/points/shop/redemptions", **other_keeper).json() == []
    keeper = api_token(world.users["keeper_a1"])
    done = client.post(f"/api/points/shop/redemptions/{rid}/fulfil", **keeper)
    assert done.status_code == 200 and done.json()["status"] == "fulfilled"
    again = client.post(f"/api/points/shop/redemptions/{rid}/cancel", content_type="application/json", **keeper)
    assert again.status_code == 422


def test_api_errors_and_cancel(world, scheme, soap, funded, client, api_token):
    villager = api_token(world.users["villager_a1"])
    post = "/api/points/shop/redemptions"
    over = client.post(
        post, {"confirm": True, "good_id": soap.pk, "quantity": 3}, content_type="application/json", **villager
    )
    assert over.status_code == 422 and "quantity" in over.json()["errors"]
    zero = client.post(
        post, {"confirm": True, "good_id": soap.pk, "quantity": 0}, content_type="application/json", **villager
    )
    assert zero.status_code == 422
    missing = client.post(
        post, {"confirm": True, "good_id": 999999, "quantity": 1}, content_type="application/json", **villager
    )
    assert missing.status_code == 404
    other = client.post(
        post,
        {"confirm": True, "good_id": soap.pk, "quantity": 1, "household_id": world.households["a1b"].pk},
        content_type="application/json",
        **villager,
    )
    assert other.status_code == 422
    assert Redemption.objects.count() == 0
    made = client.post(
        post, {"confirm": True, "good_id": soap.pk, "quantity": 1}, content_type="application/json", **villager
    ).json()
    cancelled = client.post(
        f"/api/points/shop/redemptions/{made['id']}/cancel",
        {"reason": "不要了"},
        content_type="application/json",
        **villager,
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert balance(scheme, funded) == Decimal("5") and Good.objects.get(pk=soap.pk).stock == 5
    cadre_b1 = api_token(world.users["cadre_b1"])
    url = f"/api/points/shop/redemptions/{made['id']}/cancel"
    assert client.post(url, content_type="application/json", **cadre_b1).status_code == 404
    assert client.get("/api/points/shop/goods", **cadre_b1).json() == []
    counter = client.post(
        post,
        {"confirm": True, "good_id": soap.pk, "quantity": 1, "household_id": world.households["a1"].pk},
        content_type="application/json",
        **cadre_b1,
    )
    assert counter.status_code == 404
    cadre = api_token(world.users["cadre_a1"])
    counter = client.post(
        post,
        {"confirm": True, "good_id": soap.pk, "quantity": 1, "household_id": world.households["a1"].pk},
        content_type="application/json",
        **cadre,
    )
    assert counter.status_code == 201 and counter.json()["subject_key"] == funded.key
    grid = api_token(world.users["grid_a1"])
    assert client.get("/api/points/shop/goods", **grid).status_code == 403


# -- pictures of goods (积分超市 with photos) -----------------------------------------------------------------


def _png(width=800, height=600, name="soap.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _as(user):
    """A client of its own for each person (the ``login`` fixture shares one client)."""
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_good_gets_a_checked_picture_with_a_thumbnail_and_the_shelf_shows_it(
    world, scheme, soap, funded, login, media
):
    from PIL import Image

    cadre = _as(world.users["cadre_a1"])
    response = cadre.post(
        f"/points/shop/goods/{soap.pk}/edit/",
        {"name": "洗衣粉", "scheme": scheme.pk, "price": "2", "is_active": "on", "picture": _png(3000, 2000)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    soap.refresh_from_db()
    assert soap.picture and soap.thumbnail
    with Image.open(soap.picture.path) as kept, Image.open(soap.thumbnail.path) as thumb:
        assert max(kept.size) == 1024 and max(thumb.size) == 320  # made smaller: no 3000 px photo on a phone
    assert AuditEvent.objects.filter(action="points.good.picture", target_id=str(soap.pk)).exists()
    # the villager's shelf shows the thumbnail, served by the platform (no other site)
    villager = _as(world.users["villager_a1"])
    shelf = villager.get("/points/shop/").content.decode()
    assert f'src="/points/shop/goods/{soap.pk}/thumb/"' in shelf
    thumb = villager.get(f"/points/shop/goods/{soap.pk}/thumb/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert villager.get(f"/points/shop/goods/{soap.pk}/picture/").status_code == 200
    # a household of another village does not see it
    assert _as(world.users["cadre_b1"]).get(f"/points/shop/goods/{soap.pk}/thumb/").status_code in (403, 404)
    # removing it
    response = cadre.post(
        f"/points/shop/goods/{soap.pk}/edit/",
        {"name": "洗衣粉", "scheme": scheme.pk, "price": "2", "is_active": "on", "remove_picture": "on"},
    )
    soap.refresh_from_db()
    assert response.status_code == 302 and not soap.picture and not soap.thumbnail
    assert villager.get(f"/points/shop/goods/{soap.pk}/thumb/").status_code == 404


def test_a_picture_that_is_not_a_photo_is_refused_with_a_message_and_nothing_changes(world, scheme, soap, login, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cadre = _as(world.users["cadre_a1"])
    fake = SimpleUploadedFile("soap.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = cadre.post(
        f"/points/shop/goods/{soap.pk}/edit/",
        {"name": "肥皂", "scheme": scheme.pk, "price": "3", "is_active": "on", "picture": fake},
    )
    assert response.status_code == 200
    assert "soap.jpg" in response.content.decode()  # the message names the file beside the picture field
    soap.refresh_from_db()
    assert soap.name == "洗衣粉" and soap.price == Decimal("2") and not soap.picture  # nothing written
    with pytest.raises(DomainError) as refused:
        too_big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (10 * 1024 * 1024 + 1), content_type="image/png")
        shop.good_set_picture(actor=world.users["cadre_a1"], good=soap, picture=too_big)
    assert "picture" in refused.value.message_dict
    assert not AuditEvent.objects.filter(action="points.good.picture").exists()


def test_a_new_good_can_come_with_its_picture(world, scheme, member_shop, login, media):
    cadre = _as(world.users["cadre_a1"])
    response = cadre.post(
        f"/points/shop/shops/{member_shop.pk}/goods/new/",
        {"name": "毛巾", "scheme": scheme.pk, "price": "3", "stock": "10", "picture": _png()},
    )
    assert response.status_code == 302
    assert Good.objects.get(name="毛巾").thumbnail


def test_api_sets_and_removes_the_picture(world, scheme, soap, client, api_token, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cadre = api_token(world.users["cadre_a1"])
    response = client.post(f"/api/points/shop/goods/{soap.pk}/picture", {"picture": _png()}, **cadre)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["thumbnail_url"] == f"/points/shop/goods/{soap.pk}/thumb/"
    refused = client.post(
        f"/api/points/shop/goods/{soap.pk}/picture",
        {"picture": SimpleUploadedFile("a.png", b"not an image", content_type="image/png")},
        **cadre,
    )
    assert refused.status_code in (400, 422) and "picture" in refused.content.decode()
    keeper = api_token(world.users["keeper_a1"])  # hands over, does not manage the goods
    assert client.post(f"/api/points/shop/goods/{soap.pk}/picture", {"picture": _png()}, **keeper).status_code in (
        403,
        404,
    )
    removed = client.delete(f"/api/points/shop/goods/{soap.pk}/picture", **cadre)
    assert removed.status_code == 200 and removed.json()["picture_url"] is None


# -- the pickup code (取货码) -------------------------------------------------------------------------------


def test_each_redemption_has_a_pickup_code_unique_among_those_waiting_at_the_shop(world, scheme, soap, funded):
    first, second = redeem(world, soap, funded), redeem(world, soap, funded)
    assert len(first.pickup_code) == 6 and first.pickup_code.isdigit()
    assert first.pickup_code != second.pickup_code
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Redemption.objects.filter(pk=second.pk).update(pickup_code=first.pickup_code)


def test_the_keeper_hands_over_by_the_code_the_household_shows(world, scheme, soap, other_shop, funded, login):
    r = redeem(world, soap, funded)
    villager = _as(world.users["villager_a1"])
    page = villager.get(f"/points/shop/redemptions/{r.pk}/").content.decode()
    assert '<span class="pickup-code" aria-label' in page and r.pickup_code in page
    assert r.pickup_code in villager.get("/points/shop/redemptions/").content.decode()

    keeper = _as(world.users["keeper_a1"])
    assert r.pickup_code not in keeper.get("/points/shop/redemptions/").content.decode()  # the shop does not see it
    assert r.pickup_code not in keeper.get(f"/points/shop/redemptions/{r.pk}/").content.decode()
    # another shop's keeper cannot find it
    other = _as(world.users["keeper_a1b"])
    assert "洗衣粉" not in other.get("/points/shop/redemptions/pickup/", {"code": r.pickup_code}).content.decode()
    assert other.post("/points/shop/redemptions/pickup/", {"code": r.pickup_code}).status_code == 200
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.PENDING
    # a wrong code: a message, nothing handed over
    wrong = "000000" if r.pickup_code != "000000" else "111111"
    response = keeper.post("/points/shop/redemptions/pickup/", {"code": wrong})
    assert response.status_code == 200 and 'class="field has-error"' in response.content.decode()
    assert keeper.post("/points/shop/redemptions/pickup/", {"code": "12ab"}).status_code == 200
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.PENDING
    # typed with a space, as read out: found, checked, handed over
    typed = f"{r.pickup_code[:3]} {r.pickup_code[3:]}"
    found = keeper.get("/points/shop/redemptions/pickup/", {"code": typed}).content.decode()
    assert "洗衣粉" in found and "王建国户" in found
    response = keeper.post("/points/shop/redemptions/pickup/", {"code": typed})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == RedemptionStatus.FULFILLED and r.closed_by == world.users["keeper_a1"]
    assert AuditEvent.objects.get(action="points.redemption.fulfil").after["by_code"] is True
    # the same code again: already handed over
    again = keeper.post("/points/shop/redemptions/pickup/", {"code": r.pickup_code})
    assert again.status_code == 200 and 'class="field has-error"' in again.content.decode()


def test_api_pickup_code_for_the_household_only_and_hand_over_by_code(world, scheme, soap, funded, client, api_token):
    villager, keeper = api_token(world.users["villager_a1"]), api_token(world.users["keeper_a1"])
    made = client.post(
        "/api/points/shop/redemptions",
        {"good_id": soap.pk, "confirm": True},
        content_type="application/json",
        **villager,
    ).json()
    assert len(made["pickup_code"]) == 6
    listed = client.get("/api/points/shop/redemptions", **keeper).json()
    assert listed[0]["id"] == made["id"] and listed[0]["pickup_code"] is None
    lookup = client.get("/api/points/shop/redemptions/pickup", {"code": made["pickup_code"]}, **keeper)
    assert lookup.status_code == 200 and lookup.json()["id"] == made["id"]
    bad = client.post("/api/points/shop/redemptions/pickup", {"code": "1"}, content_type="application/json", **keeper)
    assert bad.status_code == 422 and "code" in bad.content.decode()
    done = client.post(
        "/api/points/shop/redemptions/pickup",
        {"code": made["pickup_code"]},
        content_type="application/json",
        **keeper,
    )
    assert done.status_code == 200 and done.json()["status"] == RedemptionStatus.FULFILLED
