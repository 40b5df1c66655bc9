"""A county sets the longest side its phones reduce a photo to (core.pwa, /settings/phone-app/, the API): its people
get it on every page, another county's the platform's; a value out of range or not a number is refused in Chinese and
changes nothing; nobody but the county's own administrator changes it; the change is audited."""

from __future__ import annotations

import pytest
from django.conf import settings

from core import pwa
from core.models import AuditEvent, PhoneAppSettings
from core.roles import Role
from regions.models import RegionLevel
from tests.factories import make_region, make_user

PAGE = "/settings/phone-app/"


def _api(county) -> str:
    return f"/api/phone-app/counties/{county.pk}/settings"


@pytest.fixture
def other_county(world):
    county = make_region("邻县", "510423", RegionLevel.COUNTY)
    town = make_region("丙镇", "510423001", RegionLevel.TOWNSHIP, county)
    village = make_region("远村", "510423001001", RegionLevel.VILLAGE, town)
    return {
        "county": county,
        "admin": make_user("other_admin", Role.COUNTY_ADMIN, county),
        "cadre": make_user("other_cadre", Role.VILLAGE_CADRE, village),
    }


def _side_on_page(client, url="/") -> str:
    body = client.get(url).content.decode()
    return body.split('data-photo-max-side="', 1)[1].split('"', 1)[0]


def _nothing_changed(world):
    assert not PhoneAppSettings.objects.filter(county=world.county, photo_max_side__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="core.phone_app_settings").exists()


def test_a_county_sets_1280_and_its_phones_get_it(world, login, client, other_county):
    default = str(settings.PHOTO_MAX_SIDE)
    # read (and kept in the cache) before the change: the change must show at once
    assert _side_on_page(login(world.users["villager_a1"])) == default
    admin = world.users["county_admin"]
    page = login(admin).get(PAGE)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="photo_max_side"' in body and "测试县" in body
    response = login(admin).post(PAGE, {"photo_max_side": "1280"})
    assert response.status_code == 302
    assert PhoneAppSettings.objects.get(county=world.county).photo_max_side == 1280

    for name, url in (("villager_a1", "/"), ("grid_a1", "/"), ("grid_a1", "/incidents/report/")):
        assert _side_on_page(login(world.users[name]), url) == "1280", (name, url)
    assert _side_on_page(login(other_county["cadre"])) == default
    assert _side_on_page(login(other_county["admin"])) == default
    client.logout()
    assert 'data-photo-max-side="' + default + '"' in client.get("/login/").content.decode()

    event = AuditEvent.objects.get(action="core.phone_app_settings")
    assert event.actor == admin and event.county_id == world.county.pk
    assert event.before == {"photo_max_side": None} and event.after == {"photo_max_side": 1280}

    # emptied: back to the platform's value
    assert login(admin).post(PAGE, {"photo_max_side": ""}).status_code == 302
    assert _side_on_page(login(world.users["villager_a1"])) == default
    assert AuditEvent.objects.filter(action="core.phone_app_settings").count() == 2


def test_the_county_administrator_finds_the_page_from_the_accounts_page(world, login):
    body = login(world.users["county_admin"]).get("/accounts/").content.decode()
    assert 'id="phone-app-settings-link"' in body and f'href="{PAGE}"' in body


@pytest.mark.parametrize("value", ["639", "4097", "0", "-1600", "abc", "1280.5", "1,600"])
def test_the_page_refuses_a_bad_value_in_chinese_and_changes_nothing(world, login, value):
    response = login(world.users["county_admin"]).post(PAGE, {"photo_max_side": value})
    assert response.status_code == 422
    body = response.content.decode()
    assert "640" in body and "4096" in body and "像素" in body
    _nothing_changed(world)


@pytest.mark.parametrize("value", [639, 4097, 0, -1, "abc", 1280.5, True])
def test_the_api_refuses_a_bad_value_in_chinese_and_changes_nothing(world, client, api_token, value):
    headers = api_token(world.users["county_admin"])
    response = client.put(_api(world.county), {"photo_max_side": value}, content_type="application/json", **headers)
    assert response.status_code in (400, 422), response.content
    text = response.content.decode("utf-8")
    message = " ".join(response.json()["errors"].get("photo_max_side", [])) or response.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), text
    _nothing_changed(world)


def test_the_api_reads_and_sets_the_county_value(world, client, api_token):
    headers = api_token(world.users["county_admin"])
    got = client.get(_api(world.county), **headers)
    assert got.status_code == 200
    assert got.json() == {
        "county_id": world.county.pk,
        "photo_max_side": None,
        "photo_max_side_used": settings.PHOTO_MAX_SIDE,
        "photo_max_side_default": settings.PHOTO_MAX_SIDE,
    }
    put = client.put(_api(world.county), {"photo_max_side": 1280}, content_type="application/json", **headers)
    assert put.status_code == 200 and put.json()["photo_max_side"] == 1280 and put.json()["photo_max_side_used"] == 1280
    assert pwa.photo_max_side(world.users["grid_a1"]) == 1280
    assert AuditEvent.objects.filter(action="core.phone_app_settings", actor=world.users["county_admin"]).count() == 1


def test_nobody_else_changes_it(world, login, client, api_token, other_county):
    PhoneAppSettings.objects.create(county=world.county, photo_max_side=2000)
    for user in (world.users["cadre_a1"], world.users["villager_a1"], world.users["county_official"]):
        assert login(user).get(PAGE).status_code in (403, 404)
        assert login(user).post(PAGE, {"photo_max_side": "800"}).status_code in (403, 404)
    # another county's administrator sees and changes only their own county
    outsider = login(other_county["admin"])
    assert "邻县" in outsider.get(PAGE).content.decode()
    assert outsider.post(f"{PAGE}?county={world.county.pk}", {"photo_max_side": "800"}).status_code == 302
    assert PhoneAppSettings.objects.get(county=other_county["county"]).photo_max_side == 800
    client.logout()
    for user in (world.users["cadre_a1"], other_county["admin"], other_county["cadre"]):
        headers = api_token(user)
        assert client.get(_api(world.county), **headers).status_code in (403, 404)
        response = client.put(_api(world.county), {"photo_max_side": 800}, content_type="application/json", **headers)
        assert response.status_code in (403, 404)
    assert PhoneAppSettings.objects.get(county=world.county).photo_max_side == 2000
    assert not AuditEvent.objects.filter(action="core.phone_app_settings", county=world.county).exists()
    for user in (world.users["cadre_a1"], other_county["admin"]):
        with pytest.raises((pwa.NotFound, pwa.PermissionDenied)):
            pwa.settings_save(user, world.county, 800)
    assert PhoneAppSettings.objects.get(county=world.county).photo_max_side == 2000
