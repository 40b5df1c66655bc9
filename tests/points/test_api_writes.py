"""The API twins of the points pages' writes: schemes, rule books, the meeting form, honours, the county's
consequences, list rules, mentorships, shops and goods, credit partners. Each: it writes, it refuses with the
service's message (422), and outside scope it is not found (404)."""

from datetime import timedelta

import pytest

from core.roles import Role
from points import credit
from points.models import ConsequenceType, Good, Honour, ListRule, Mentorship, RuleBook, Scheme
from points.shop import services as shop
from points.subjects import subject_of
from regions.models import RegionLevel
from tests.factories import PASSWORD, make_region, make_user
from tests.points.test_lists import black_listed  # noqa: F401 - the fixture

JSON = {"content_type": "application/json"}


def post(client, url, data, who, method="post"):
    return getattr(client, method)(url, data, **JSON, **who)


def test_scheme_create(world, client, api_token):
    cadre = api_token(world.users["cadre_a1"])
    data = {"village_id": world.village_a1.pk, "name": "文明户积分", "kind": "civility", "subject_kind": "household"}
    response = post(client, "/api/points/schemes", data, cadre)
    assert response.status_code == 201, response.content
    assert Scheme.objects.get(pk=response.json()["id"]).village == world.village_a1
    assert post(client, "/api/points/schemes", dict(data, name=""), cadre).status_code == 422
    other = dict(data, village_id=world.village_b1.pk)
    assert post(client, "/api/points/schemes", other, cadre).status_code == 404
    assert post(client, "/api/points/schemes", data, api_token(world.users["grid_a1"])).status_code == 403


def test_rulebook_create_items_and_adopt(world, scheme, client, api_token, today):
    cadre = api_token(world.users["cadre_a1"])
    url = f"/api/points/schemes/{scheme.pk}/rulebooks"
    response = post(client, url, {"title": "新细则", "effective_from": (today + timedelta(days=30)).isoformat()}, cadre)
    assert response.status_code == 201, response.content
    book_id = response.json()["id"]
    assert RuleBook.objects.get(pk=book_id).is_adopted is False
    adopt = f"/api/points/rulebooks/{book_id}/adopt"
    refused = post(client, adopt, {"decision_ref": "决议第4号"}, cadre)
    assert refused.status_code == 422  # no items yet
    item = {"category_name": "环境卫生", "code": "1.1", "text": "房前屋后干净", "points": "2"}
    saved = post(client, f"/api/points/rulebooks/{book_id}/items", item, cadre)
    assert saved.status_code == 200 and saved.json()["points"] == "2.00"
    assert post(client, f"/api/points/rulebooks/{book_id}/items", dict(item, points="0"), cadre).status_code == 422
    assert post(client, adopt, {"decision_ref": "决议第4号"}, cadre).json()["is_adopted"] is True
    assert post(client, f"/api/points/rulebooks/{book_id}/items", item, cadre).status_code == 422  # adopted
    outsider = api_token(world.users["cadre_b1"])
    assert post(client, url, {"title": "x", "effective_from": today.isoformat()}, outsider).status_code == 404
    assert post(client, adopt, {"decision_ref": "x"}, outsider).status_code == 404


def test_bulk_record(world, scheme, item, client, api_token, today):
    grid = api_token(world.users["grid_a1"])
    url = f"/api/points/schemes/{scheme.pk}/claims/bulk"
    rows = [{"subject_id": world.households["a1"].pk, "item_id": item.pk}]
    response = post(client, url, {"occurred_on": today.isoformat(), "rows": rows}, grid)
    assert response.status_code == 201 and len(response.json()["claim_ids"]) == 1
    bad = [{"subject_id": world.households["a1"].pk, "item_id": 0}]
    assert post(client, url, {"occurred_on": today.isoformat(), "rows": bad}, grid).status_code == 422
    other = api_token(world.users["cadre_b1"])
    assert post(client, url, {"occurred_on": today.isoformat(), "rows": rows}, other).status_code == 404


def test_honour_grant(world, scheme, client, api_token, today):
    cadre = api_token(world.users["cadre_a1"])
    url = f"/api/points/schemes/{scheme.pk}/honours"
    key = subject_of(world.households["a1"]).key
    data = {"year": today.year, "title": "文明家庭", "subject_key": key}
    response = post(client, url, data, cadre)
    assert response.status_code == 201, response.content
    assert Honour.objects.get().subject_key == key
    assert post(client, url, dict(data, subject_key="household:0"), cadre).status_code == 422
    assert post(client, url, data, api_token(world.users["cadre_b1"])).status_code == 404


def test_consequence_save(world, client, api_token):
    admin = api_token(world.users["county_admin"])
    data = {"county_id": world.county.pk, "name": "暂停评优", "forbidden": False, "legal_note": "当年"}
    response = post(client, "/api/points/consequences", data, admin)
    assert response.status_code == 200 and response.json()["name"] == "暂停评优"
    assert ConsequenceType.objects.filter(county=world.county, name="暂停评优").exists()
    assert post(client, "/api/points/consequences", dict(data, name=" "), admin).status_code == 422
    elsewhere = make_region("别县", "510499", RegionLevel.COUNTY)
    assert post(client, "/api/points/consequences", dict(data, county_id=elsewhere.pk), admin).status_code == 404
    assert post(client, "/api/points/consequences", data, api_token(world.users["cadre_a1"])).status_code == 403


def test_list_rule_save(world, scheme, client, api_token):
    cadre = api_token(world.users["cadre_a1"])
    url = f"/api/points/schemes/{scheme.pk}/list-rules"
    allowed = ConsequenceType.objects.get(county=world.county, name="黑榜公示")
    forbidden = ConsequenceType.objects.get(county=world.county, name="取消低保待遇")
    data = {"kind": "black", "method": "below", "value": "10", "consequence_ids": [allowed.pk]}
    response = post(client, url, data, cadre)
    assert response.status_code == 200, response.content
    rule_id = response.json()["id"]
    changed = post(client, url, dict(data, rule_id=rule_id, duration_quarters=2), cadre)
    assert changed.json()["duration_quarters"] == 2 and ListRule.objects.count() == 1
    assert post(client, url, dict(data, consequence_ids=[forbidden.pk]), cadre).status_code == 422
    assert post(client, url, data, api_token(world.users["cadre_b1"])).status_code == 404


def test_mentorship_update(world, client, api_token, black_listed):  # noqa: F811
    cadre = api_token(world.users["cadre_a1"])
    url = f"/api/points/mentorships/{black_listed.pk}"
    mentor = world.households["a1"].members.first()
    data = {"mentor_id": mentor.pk, "visit_note": "上门走访", "upgraded": True}
    response = post(client, url, data, cadre, method="put")
    assert response.status_code == 200, response.content
    m = Mentorship.objects.get(pk=black_listed.pk)
    assert m.mentor == mentor and "上门走访" in m.notes and m.upgraded_on is not None
    stranger = world.households["b1"].members.first()
    assert post(client, url, {"mentor_id": stranger.pk}, cadre, method="put").status_code == 422
    assert post(client, url, data, api_token(world.users["cadre_b1"]), method="put").status_code == 404


@pytest.fixture
def keeper(world):
    return make_user("keeper_api", Role.SHOPKEEPER, world.village_a1)


def test_shop_create_and_update(world, client, api_token, keeper):
    cadre = api_token(world.users["cadre_a1"])
    data = {"village_id": world.village_a1.pk, "name": "安家村积分超市"}
    response = post(client, "/api/points/shop/shops", data, cadre)
    assert response.status_code == 201, response.content
    shop_id = response.json()["id"]
    assert post(client, "/api/points/shop/shops", data, cadre).status_code == 422  # the same name again
    other = dict(data, village_id=world.village_b1.pk)
    assert post(client, "/api/points/shop/shops", other, cadre).status_code == 404
    url = f"/api/points/shop/shops/{shop_id}"
    updated = post(client, url, {"name": "联盟商户", "is_member_shop": True, "keeper_id": keeper.pk}, cadre, "put")
    assert updated.status_code == 200 and updated.json()["keeper_id"] == keeper.pk
    refused = post(client, url, {"name": "x", "keeper_id": world.users["grid_a1"].pk}, cadre, "put")
    assert refused.status_code == 422
    assert post(client, url, {"name": "x"}, api_token(world.users["cadre_b1"]), "put").status_code == 404


def test_goods_create_update_and_stock(world, scheme, client, api_token):
    cadre = api_token(world.users["cadre_a1"])
    made = shop.shop_create(actor=world.users["cadre_a1"], village=world.village_a1, name="超市")
    data = {"scheme_id": scheme.pk, "name": "洗衣粉", "price": "2", "stock": 5}
    response = post(client, f"/api/points/shop/shops/{made.pk}/goods", data, cadre)
    assert response.status_code == 201, response.content
    good_id = response.json()["id"]
    assert post(client, f"/api/points/shop/shops/{made.pk}/goods", dict(data, price="0"), cadre).status_code == 422
    url = f"/api/points/shop/goods/{good_id}"
    changed = post(client, url, {"scheme_id": scheme.pk, "name": "洗衣粉 1 袋", "price": "3"}, cadre, "put")
    assert changed.status_code == 200 and changed.json()["price"] == "3.00"
    stock = post(client, f"{url}/stock", {"delta": 3, "reason": "补货"}, cadre)
    assert stock.status_code == 200 and Good.objects.get(pk=good_id).stock == 8
    assert post(client, f"{url}/stock", {"delta": -99, "reason": "损耗"}, cadre).status_code == 422
    outsider = api_token(world.users["cadre_b1"])
    assert post(client, f"{url}/stock", {"delta": 1, "reason": "x"}, outsider).status_code == 404
    assert post(client, f"/api/points/shop/shops/{made.pk}/goods", data, outsider).status_code == 404


def test_credit_partner_set_active(world, client, api_token):
    partner = credit.partner_create(
        actor=world.users["county_admin"],
        county=world.county,
        name="农商银行",
        kind="bank",
        username="bank_api",
        password=PASSWORD,
    )
    admin = api_token(world.users["county_admin"])
    url = f"/api/points/credit/partners/{partner.pk}/active"
    response = post(client, url, {"active": False}, admin)
    assert response.status_code == 200 and response.json()["active"] is False
    assert post(client, url, {"active": True}, admin).json()["active"] is True
    assert post(client, url, {"active": "maybe"}, admin).status_code == 422
    elsewhere = make_region("别县", "510499", RegionLevel.COUNTY)
    outsider = api_token(make_user("admin_elsewhere", Role.COUNTY_ADMIN, elsewhere))
    assert post(client, url, {"active": False}, outsider).status_code == 404
