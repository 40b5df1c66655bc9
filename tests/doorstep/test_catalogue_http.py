"""The catalogue's pages and API by role: the guide for everyone in the county (villagers on the phone included),
the county administrator's writes, refusals that change nothing and never a 500."""

from datetime import date

import pytest
from django.utils import timezone

from core.models import AuditEvent
from doorstep import defaults
from doorstep.models import Bundle, CertificateKind, Item, ItemVersion

API = "/api/doorstep"


def _snapshot():
    return (
        Item.objects.count(),
        ItemVersion.objects.count(),
        Bundle.objects.count(),
        CertificateKind.objects.count(),
        list(Item.objects.values_list("pk", "current_id", "retired_on").order_by("pk")),
        AuditEvent.objects.filter(action__startswith="doorstep.").count(),
    )


ITEM_POST = {
    "code": "senior_allowance",
    "name": "高龄津贴申请",
    "level": "village",
    "category": "civil_affairs",
    "materials": "居民身份证\r\n户口簿\r\n户口簿",
    "time_limit_days": "10",
    "place": "村便民服务室",
    "agent_may": "on",
    "online": "on",
    "fee": "",
    "legal_basis": "《中华人民共和国老年人权益保障法》第三十三条",
    "upstream_office": "县民政局",
    "notes": "",
    "admitted_on": "2020-01-01",
    "certificate": "",
}


@pytest.mark.parametrize(
    "who", ["villager_a1", "volunteer", "grid_a1", "cadre_a1", "township_a", "county_official", "county_admin"]
)
def test_the_guide_and_an_item_for_each_person_in_the_county(ds, world, login, who):
    client = login(ds.users[who])
    page = client.get("/doorstep/catalogue/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "城乡居民养老保险待遇资格认证" in html and "农村宅基地和建房（规划许可）审批" in html
    assert 'class="print-only"' in html  # the printed guide: name, materials, time limit
    item = client.get(f"/doorstep/catalogue/{ds.pension.pk}/")
    assert item.status_code == 200 and 'id="item-versions"' in item.content.decode()
    assert client.get("/doorstep/bundles/").status_code == 200
    assert client.get("/doorstep/certificate-kinds/").status_code == 200
    filtered = client.get("/doorstep/catalogue/?level=township&category=housing&q=宅基地&status=all")
    assert filtered.status_code == 200
    text = filtered.content.decode()
    assert "农村宅基地和建房" in text and "城乡居民养老保险待遇资格认证" not in text


def test_the_apply_link_follows_what_the_person_may_do(ds, world, login):
    from django.urls import NoReverseMatch, reverse

    try:
        new = reverse("doorstep:new")
    except NoReverseMatch:
        pytest.skip("the request page is not there yet")
    villager = login(ds.users["villager_a1"])
    assert (
        f'href="{new}?item={ds.pension.pk}"' in villager.get(f"/doorstep/catalogue/{ds.pension.pk}/").content.decode()
    )
    # not on the phone: no link for the villager
    assert 'id="item-apply"' not in villager.get(f"/doorstep/catalogue/{ds.homestead.pk}/").content.decode()
    counter = login(ds.users["cadre_a1"])
    assert 'id="item-apply"' in counter.get(f"/doorstep/catalogue/{ds.homestead.pk}/").content.decode()
    county = login(ds.users["county_official"])
    assert 'id="item-apply"' not in county.get(f"/doorstep/catalogue/{ds.pension.pk}/").content.decode()


def test_pages_refused_to_those_outside(ds, world, login, client):
    assert client.get("/doorstep/catalogue/").status_code == 302  # to the login page
    outsider = login(ds.users["mediator"])  # no doorstep action
    for url in ("/doorstep/catalogue/", f"/doorstep/catalogue/{ds.pension.pk}/", "/doorstep/bundles/"):
        assert outsider.get(url).status_code == 403, url
    villager = login(ds.users["villager_a1"])
    assert villager.get("/doorstep/catalogue/99999999/").status_code == 404
    assert villager.get("/doorstep/catalogue/new/").status_code == 403
    assert villager.get(f"/doorstep/catalogue/{ds.pension.pk}/edit/").status_code == 403


def test_retired_items_shown_to_the_administrator_only(ds, world, login):
    ds.pension.retired_on = date(2021, 1, 1)
    ds.pension.save()
    villager = login(ds.users["villager_a1"])
    assert "城乡居民养老保险待遇资格认证" not in villager.get("/doorstep/catalogue/").content.decode()
    assert villager.get(f"/doorstep/catalogue/{ds.pension.pk}/").status_code == 404
    admin = login(ds.users["county_admin"])
    assert "城乡居民养老保险待遇资格认证" in admin.get("/doorstep/catalogue/?status=retired").content.decode()
    page = admin.get(f"/doorstep/catalogue/{ds.pension.pk}/")
    assert page.status_code == 200 and 'id="item-retired"' in page.content.decode()


def test_the_administrator_adds_changes_retires_and_readmits_on_the_pages(ds, world, login):
    admin = login(ds.users["county_admin"])
    assert admin.get("/doorstep/catalogue/new/").status_code == 200
    response = admin.post("/doorstep/catalogue/new/", ITEM_POST)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get(code="senior_allowance")
    assert response["Location"] == f"/doorstep/catalogue/{item.pk}/"
    assert item.current.materials == ["居民身份证", "户口簿"]
    assert admin.get(f"/doorstep/catalogue/{item.pk}/edit/").status_code == 200
    edit = {k: v for k, v in ITEM_POST.items() if k not in ("code", "admitted_on", "certificate")}
    response = admin.post(f"/doorstep/catalogue/{item.pk}/edit/", {**edit, "time_limit_days": "7"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current.number == 2 and item.current.time_limit_days == 7
    today = timezone.localdate()
    response = admin.post(f"/doorstep/catalogue/{item.pk}/retire/", {"retired_on": today.isoformat()})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.retired_on == today
    response = admin.post(f"/doorstep/catalogue/{item.pk}/readmit/", {"admitted_on": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.retired_on is None


def test_bad_input_on_the_pages_changes_nothing(ds, world, login):
    admin = login(ds.users["county_admin"])
    before = _snapshot()
    for change in (
        {"time_limit_days": "0"},
        {"time_limit_days": "-1"},
        {"time_limit_days": "x"},
        {"name": ""},
        {"level": "province"},
        {"code": "pension_cert"},
        {"category": "certificate"},
    ):
        response = admin.post("/doorstep/catalogue/new/", {**ITEM_POST, **change})
        assert response.status_code == 400, change
    response = admin.post("/doorstep/catalogue/new/", {**ITEM_POST, "time_limit_days": "0"})
    assert 'id="item-form"' in response.content.decode()
    edit = {k: v for k, v in ITEM_POST.items() if k not in ("code", "admitted_on", "certificate")}
    assert admin.post(f"/doorstep/catalogue/{ds.pension.pk}/edit/", {**edit, "time_limit_days": "0"}).status_code == 400
    response = admin.post(f"/doorstep/catalogue/{ds.pension.pk}/retire/", {"retired_on": "2019-01-01"})
    assert response.status_code == 302  # back to the item with the refusal's message
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["township_a", "cadre_a1", "villager_a1", "county_official"])
def test_page_writes_refused_to_others(ds, world, login, who):
    client = login(ds.users[who])
    before = _snapshot()
    edit = {k: v for k, v in ITEM_POST.items() if k not in ("code", "admitted_on", "certificate")}
    for url, data in (
        ("/doorstep/catalogue/new/", ITEM_POST),
        (f"/doorstep/catalogue/{ds.pension.pk}/edit/", {**edit, "time_limit_days": "9"}),
        (f"/doorstep/catalogue/{ds.pension.pk}/retire/", {}),
        ("/doorstep/bundles/", {"code": "x", "name": "某一件事", "items": [ds.pension.pk], "active": "on"}),
        ("/doorstep/certificate-kinds/", {"code": "kinship", "name": "亲属关系证明"}),
    ):
        assert client.post(url, data).status_code in (403, 404), url
    assert _snapshot() == before


def test_bundles_and_certificate_kinds_on_the_pages(ds, world, login):
    admin = login(ds.users["county_admin"])
    page = admin.get("/doorstep/bundles/?edit=newborn")
    assert page.status_code == 200 and "新生儿出生一件事" in page.content.decode()
    response = admin.post(
        "/doorstep/bundles/",
        {
            "code": "disabled_care",
            "name": "残疾人服务一件事",
            "items": [ds.disability.pk, ds.pension.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert set(Bundle.objects.get(code="disabled_care").items.all()) == {ds.disability, ds.pension}
    before = _snapshot()
    assert admin.post("/doorstep/bundles/", {"code": "empty", "name": "空", "active": "on"}).status_code == 400
    assert admin.post("/doorstep/certificate-kinds/", {"code": "kinship", "name": ""}).status_code == 400
    assert _snapshot() == before
    response = admin.post(
        "/doorstep/certificate-kinds/", {"code": "kinship", "name": "亲属关系证明", "basis": "民法典"}
    )
    assert response.status_code == 302
    assert CertificateKind.objects.filter(county=world.county, code="kinship").exists()
    page = login(ds.users["villager_a1"]).get("/doorstep/certificate-kinds/")
    assert "亲属关系证明" in page.content.decode() and 'id="kind-form"' not in page.content.decode()


def test_the_default_catalogue_on_the_pages(world, login):
    defaults.install(world.county, today=date(2020, 1, 1))
    page = login(world.users["villager_a1"]).get("/doorstep/catalogue/")
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("高龄津贴申请", "开具居住证明", "惠民殡葬补贴（基本殡葬服务费用减免）申请", "结婚登记"):
        assert name in html
    assert login(world.users["villager_a1"]).get("/doorstep/bundles/").status_code == 200


# -- the API --------------------------------------------------------------------------------------------------------


def test_api_reads(ds, world, client, api_token):
    headers = api_token(ds.users["villager_a1"])
    rows = client.get(f"{API}/catalogue", **headers).json()
    assert {r["code"] for r in rows} >= {"pension_cert", "homestead", "residence_cert"}
    township = client.get(f"{API}/catalogue?level=township&q=残疾", **headers).json()
    assert [r["code"] for r in township] == ["disability_subsidy"]
    detail = client.get(f"{API}/catalogue/{ds.pension.pk}", **headers)
    assert detail.status_code == 200 and detail.json()["versions"][0]["number"] == 1
    assert detail.json()["current"]["free"] is True
    assert client.get(f"{API}/catalogue/99999999", **headers).status_code == 404
    bundles = client.get(f"{API}/bundles", **headers).json()
    assert bundles[0]["code"] == "newborn" and "出生医学证明" in bundles[0]["materials"]
    kinds = client.get(f"{API}/certificate-kinds", **headers).json()
    assert [k["code"] for k in kinds] == ["residence"]
    outsider = api_token(ds.users["mediator"])
    assert client.get(f"{API}/catalogue", **outsider).status_code == 403


def test_api_round_trip(ds, world, client, api_token):
    headers = api_token(ds.users["county_admin"])
    body = {**ITEM_POST, "materials": ["居民身份证", "户口簿", "户口簿"], "time_limit_days": 10, "agent_may": True}
    body.pop("certificate")
    created = client.post(f"{API}/catalogue", body, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["current"]["materials"] == ["居民身份证", "户口簿"] and item["current"]["number"] == 1
    changed = client.post(
        f"{API}/catalogue/{item['id']}/versions", {"time_limit_days": 5}, content_type="application/json", **headers
    )
    assert changed.status_code == 201, changed.content
    assert changed.json()["current"]["number"] == 2 and [v["number"] for v in changed.json()["versions"]] == [2, 1]
    assert changed.json()["current"]["name"] == "高龄津贴申请"
    retired = client.post(
        f"{API}/catalogue/{item['id']}/retire", {"retired_on": "2030-01-01"}, content_type="application/json", **headers
    )
    assert retired.status_code == 200 and retired.json()["retired_on"] == "2030-01-01"
    readmit = client.post(f"{API}/catalogue/{item['id']}/readmit", {}, content_type="application/json", **headers)
    assert readmit.status_code == 200 and readmit.json()["retired_on"] is None
    bundle = client.post(
        f"{API}/bundles",
        {"code": "elder", "name": "老人服务一件事", "items": [item["id"], ds.pension.pk]},
        content_type="application/json",
        **headers,
    )
    assert bundle.status_code == 201 and len(bundle.json()["items"]) == 2
    again = client.post(
        f"{API}/bundles",
        {"code": "elder", "name": "老人服务一件事", "items": [item["id"]], "active": False},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 200 and again.json()["active"] is False
    kind = client.post(
        f"{API}/certificate-kinds",
        {"code": "household_members", "name": "家庭成员情况证明", "admitted_on": "2020-01-01"},
        content_type="application/json",
        **headers,
    )
    assert kind.status_code == 201 and kind.json()["in_force"] is True


@pytest.mark.parametrize(
    "path,body",
    [
        ("/catalogue", {**ITEM_POST, "time_limit_days": 0, "materials": []}),
        ("/catalogue", {**ITEM_POST, "time_limit_days": -5, "materials": []}),
        ("/catalogue", {**ITEM_POST, "time_limit_days": 400, "materials": []}),
        ("/catalogue", {**ITEM_POST, "time_limit_days": 99999999999, "materials": []}),
        ("/catalogue", {**ITEM_POST, "time_limit_days": 3, "materials": ["a" * 81]}),
        ("/catalogue", {**ITEM_POST, "time_limit_days": 3, "materials": [], "level": "moon"}),
        ("/catalogue", {**ITEM_POST, "time_limit_days": 3, "materials": [], "certificate": "nope"}),
        ("/catalogue", {**ITEM_POST, "time_limit_days": 3, "materials": [], "admitted_on": "2020-13-01"}),
        ("/catalogue", {"name": "x"}),
        ("/catalogue/{pension}/versions", {"time_limit_days": 0}),
        ("/catalogue/{pension}/versions", {}),
        ("/catalogue/{pension}/versions", {"name": ""}),
        ("/catalogue/{pension}/retire", {"retired_on": "2019-01-01"}),
        ("/catalogue/{pension}/readmit", {}),
        ("/bundles", {"code": "x", "name": "某一件事", "items": []}),
        ("/bundles", {"code": "x", "name": "某一件事", "items": [99999999]}),
        ("/bundles", {"code": "x", "name": "某一件事", "items": [0]}),
        ("/certificate-kinds", {"code": "good_conduct", "name": "无犯罪记录证明"}),
        ("/certificate-kinds", {"code": "kinship", "name": "亲属", "retired_on": "2000-01-01"}),
    ],
)
def test_api_bad_input_is_refused_with_a_message_and_changes_nothing(ds, world, client, api_token, path, body):
    headers = api_token(ds.users["county_admin"])
    before = _snapshot()
    body = {k: v for k, v in body.items() if k != "certificate" or v}
    response = client.post(API + path.format(pension=ds.pension.pk), body, content_type="application/json", **headers)
    assert response.status_code in (400, 422), response.content
    assert response.json()["detail"]  # the message (Chinese once the lead merges the translations)
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["township_a", "cadre_a1", "villager_a1", "county_official"])
def test_api_writes_refused_to_others(ds, world, client, api_token, who):
    headers = api_token(ds.users[who])
    before = _snapshot()
    writes = [
        ("/catalogue", {**ITEM_POST, "time_limit_days": 3, "materials": [], "certificate": None}),
        (f"/catalogue/{ds.pension.pk}/versions", {"time_limit_days": 9}),
        (f"/catalogue/{ds.pension.pk}/retire", {}),
        ("/bundles", {"code": "x", "name": "某一件事", "items": [ds.pension.pk]}),
        ("/certificate-kinds", {"code": "kinship", "name": "亲属关系证明"}),
    ]
    for path, body in writes:
        response = client.post(API + path, body, content_type="application/json", **headers)
        assert response.status_code in (403, 404), (path, response.content)
    assert _snapshot() == before


def test_api_zero_days_names_the_field(ds, world, client, api_token):
    headers = api_token(ds.users["county_admin"])
    response = client.post(
        f"{API}/catalogue/{ds.pension.pk}/versions", {"time_limit_days": 0}, content_type="application/json", **headers
    )
    assert response.status_code == 422 and "time_limit_days" in response.json()["errors"]
    assert ItemVersion.objects.filter(item=ds.pension).count() == 1


def test_another_countys_catalogue_is_not_found(ds, world, client, login, api_token):
    from regions.models import RegionLevel
    from tests.doorstep.conftest import make_item
    from tests.factories import make_region

    other = make_region("邻县", "510499", RegionLevel.COUNTY)
    theirs = make_item(other, "pension_cert", "邻县养老认证")
    page = login(ds.users["villager_a1"])
    assert page.get(f"/doorstep/catalogue/{theirs.pk}/").status_code == 404
    assert "邻县养老认证" not in page.get(f"/doorstep/catalogue/?county={other.pk}").content.decode()
    admin = login(ds.users["county_admin"])
    before = _snapshot()
    edit = {k: v for k, v in ITEM_POST.items() if k not in ("code", "admitted_on", "certificate")}
    assert admin.post(f"/doorstep/catalogue/{theirs.pk}/edit/", edit).status_code == 404
    headers = api_token(ds.users["county_admin"])
    assert client.get(f"{API}/catalogue/{theirs.pk}", **headers).status_code == 404
    response = client.post(
        f"{API}/catalogue/{theirs.pk}/versions", {"time_limit_days": 9}, content_type="application/json", **headers
    )
    assert response.status_code == 404
    response = client.post(
        f"{API}/bundles",
        {"county": other.pk, "code": "x", "name": "某一件事", "items": [theirs.pk]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    assert _snapshot() == before


def test_the_printed_guide_is_the_villages(ds, world, login):
    from doorstep.models import Level, ServicePoint

    ServicePoint.objects.create(
        county=world.county,
        township=world.township_a,
        village=world.village_a1,
        level=Level.VILLAGE,
        name="安家村便民服务室",
        hours="周一至周五 9:00-17:00",
        phone="0812-1234567",
    )
    html = login(ds.users["villager_a1"]).get("/doorstep/catalogue/").content.decode()
    printed = html.split('class="print-only"', 1)[1]
    assert "安家村" in printed and "0812-1234567" in printed
    assert "城乡居民养老保险待遇资格认证" in printed and "身份证" in printed


def test_the_administrator_installs_the_default_catalogue_from_the_page_and_the_api(
    ds, world, login, client, api_token
):
    from doorstep.models import Item

    before = Item.objects.filter(county=world.county).count()
    refused = login(ds.users["township_a"]).post("/doorstep/catalogue/install/")
    assert refused.status_code in (403, 404) and Item.objects.filter(county=world.county).count() == before
    page = login(ds.users["county_admin"]).post("/doorstep/catalogue/install/")
    assert page.status_code == 302
    installed = Item.objects.filter(county=world.county).count()
    assert installed > before + 30
    again = client.post(
        "/api/doorstep/catalogue/install", {}, content_type="application/json", **api_token(ds.users["county_admin"])
    )
    assert again.status_code == 200 and again.json() == {"certificate_kinds": 0, "items": 0, "bundles": 0}
    assert Item.objects.filter(county=world.county).count() == installed
