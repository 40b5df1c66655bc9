"""Redeeming spends points at once, so it is confirmed first: the page says what will happen, asks (a script's
dialog, or a box to tick without one) and refuses with 400 until confirmed; the API wants "confirm": true (422
without). A refusal writes nothing."""

from decimal import Decimal

from django.utils import translation

from core.models import AuditEvent
from points.models import Good, Redemption
from points.shop import services as shop_services
from tests.points.test_shop import balance, counts, funded, keepers, member_shop, soap  # noqa: F401 - fixtures


def nothing_written():
    return counts(), AuditEvent.objects.filter(action="points.redemption.create").count()


def test_the_page_says_what_happens_and_refuses_without_confirmation(world, scheme, soap, funded, login):  # noqa: F811
    client = login(world.users["villager_a1"])
    with translation.override("zh-hans"):
        text = shop_services.redeem_confirm_text(soap)
    shelf = client.get("/points/shop/").content.decode()
    assert 'name="redeem-confirm"' in shelf and "js/steps.js" in shelf
    page = client.get(f"/points/shop/goods/{soap.pk}/redeem/").content.decode()
    assert f'data-confirm="{text}"' in page.replace("&#x27;", "'") and 'name="redeem-confirm"' in page
    before = nothing_written()
    refused = client.post(
        f"/points/shop/goods/{soap.pk}/redeem/", {"redeem-quantity": "1", "redeem-client_key": "no-confirm"}
    )
    assert refused.status_code == 400 and "confirm" in refused.context["form"].errors
    assert nothing_written() == before and balance(scheme, funded) == Decimal("5")
    done = client.post(
        f"/points/shop/goods/{soap.pk}/redeem/",
        {"redeem-quantity": "1", "redeem-client_key": "no-confirm", "redeem-confirm": "on"},
    )
    assert done.status_code == 302 and Redemption.objects.count() == 1 and balance(scheme, funded) == Decimal("3")


def test_the_counter_refuses_without_confirmation(world, scheme, soap, funded, login):  # noqa: F811
    client = login(world.users["cadre_a1"])
    assert 'name="redeem-confirm"' in client.get(f"/points/shop/goods/{soap.pk}/counter/").content.decode()
    before = nothing_written()
    refused = client.post(
        f"/points/shop/goods/{soap.pk}/counter/", {"redeem-household": "0001", "redeem-quantity": "1"}
    )
    assert refused.status_code == 400 and "confirm" in refused.context["form"].errors
    assert nothing_written() == before


def test_the_api_wants_confirm_true(world, scheme, soap, funded, client, api_token):  # noqa: F811
    villager = api_token(world.users["villager_a1"])
    before = nothing_written()
    for body in ({"good_id": soap.pk}, {"good_id": soap.pk, "confirm": False}):
        refused = client.post("/api/points/shop/redemptions", body, content_type="application/json", **villager)
        assert refused.status_code == 422 and "confirm" in refused.json()["errors"]
    assert nothing_written() == before and Good.objects.get(pk=soap.pk).stock == 5
    made = client.post(
        "/api/points/shop/redemptions",
        {"good_id": soap.pk, "confirm": True},
        content_type="application/json",
        **villager,
    )
    assert made.status_code == 201 and balance(scheme, funded) == Decimal("3")
