"""Village certificates over HTTP by role: the counter's list, the printable certificate (the request's people and
the village's handlers only), the public verification page and API (the name masked, never the text), the request
page's link snippet, and the API round trip; a refusal changes nothing, bad input never answers 500."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

from core.models import AuditEvent
from doorstep import services
from doorstep.models import Certificate, ServiceRequest

API = "/api/doorstep/certificates"


def _counts():
    return ServiceRequest.objects.count(), Certificate.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def issued(ds, world):
    case = services.request_make(
        actor=ds.users["villager_a1"],
        item=ds.residence,
        household=world.households["a1"],
        person=world.people["a1_head"],
        purpose="子女入学",
    )
    services.request_step(actor=ds.users["volunteer"], case=case, step="take")
    case.refresh_from_db()
    services.request_step(actor=ds.users["volunteer"], case=case, step="complete", data={"result": "已出具"})
    case.refresh_from_db()
    return case.certificate


# -- pages --------------------------------------------------------------------------------------------------------


def test_list_for_the_counter_of_the_village_only(ds, world, issued, login):
    response = login(ds.users["cadre_a1"]).get("/doorstep/certificates/")
    assert response.status_code == 200 and issued.number in response.content.decode()
    assert issued.number in login(ds.users["township_a"]).get("/doorstep/certificates/").content.decode()
    response = login(ds.users["cadre_b1"]).get("/doorstep/certificates/")
    assert response.status_code == 200 and issued.number not in response.content.decode()


def test_list_search_by_number_and_name(ds, world, issued, login):
    client = login(ds.users["cadre_a1"])
    assert issued.number in client.get("/doorstep/certificates/", {"q": issued.number[-4:]}).content.decode()
    assert issued.number in client.get("/doorstep/certificates/", {"q": "王建"}).content.decode()
    assert issued.number not in client.get("/doorstep/certificates/", {"q": "陈志强"}).content.decode()
    for q in ("x" * 500, "%", "\u2028", "' or 1=1 --"):
        assert client.get("/doorstep/certificates/", {"q": q, "page": "abc"}).status_code == 200


def test_list_denied_to_roles_without_the_doorstep(ds, world, issued, login, client):
    assert client.get("/doorstep/certificates/").status_code == 302  # sign in first
    assert login(ds.users["department"]).get("/doorstep/certificates/").status_code == 403
    # a villager sees only the certificates of their own requests
    response = login(ds.users["villager_a1"]).get("/doorstep/certificates/")
    assert response.status_code == 200 and issued.number in response.content.decode()


@pytest.mark.parametrize("who", ["villager_a1", "volunteer", "cadre_a1", "township_a"])
def test_printable_certificate_for_its_people_and_handlers(ds, world, issued, login, who):
    response = login(ds.users[who]).get(f"/doorstep/certificates/{issued.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert issued.number in html and "安家村村民委员会" in html and 'id="certificate-text"' in html
    assert "王建国" in html and world.people["a1_head"].id_number_masked in html
    assert world.people["a1_head"].id_number not in html
    assert "http://testserver/doorstep/verify/" in html  # the absolute verification address
    assert "@media print" in html


@pytest.mark.parametrize("who", ["cadre_b1", "reviewer_a1", "department", "villager_other_village"])
def test_printable_certificate_hidden_from_others(ds, world, issued, login, who):
    if who == "villager_other_village":
        user = ds.users["villager_a1"]
        other = Certificate.objects.create(
            county=world.county,
            township=world.township_b,
            village=world.village_b1,
            number="510422002001-2026-0001",
            kind=ds.residence_kind,
            person=world.people["b1_head"],
            text="兹证明陈志强",
            issued_at=issued.issued_at,
            issued_by=ds.users["cadre_b1"],
        )
        assert login(user).get(f"/doorstep/certificates/{other.pk}/").status_code == 404
        return
    assert login(ds.users[who]).get(f"/doorstep/certificates/{issued.pk}/").status_code == 404


def test_printable_certificate_bad_ids(ds, world, issued, login, client):
    assert client.get(f"/doorstep/certificates/{issued.pk}/").status_code == 302
    cadre = login(ds.users["cadre_a1"])
    assert cadre.get("/doorstep/certificates/999999999/").status_code == 404
    assert cadre.get("/doorstep/certificates/99999999999999999999999/").status_code == 404


def test_verify_page_is_public_and_masks_the_name(ds, world, issued):
    anonymous = Client()
    response = anonymous.get(f"/doorstep/verify/{issued.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="verified"' in html and issued.number in html and "王**" in html and "居住证明" in html
    assert "王建国" not in html and "子女入学" not in html and issued.text not in html
    assert world.people["a1_head"].id_number_masked not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # the form's GET goes to the number's address
    response = anonymous.get("/doorstep/verify/", {"number": f"  {issued.number} "})
    assert response.status_code == 302 and response["Location"].endswith(f"/doorstep/verify/{issued.number}/")
    assert anonymous.get("/doorstep/verify/").status_code == 200


@pytest.mark.parametrize(
    "number", ["510422001001-2000-0001", "nothing", "%3Cscript%3E", "x" * 300, "'%20or%201=1", "%E4%B8%AD"]
)
def test_verify_unknown_number_says_so(ds, world, issued, number):
    response = Client().get(f"/doorstep/verify/{number}/")
    assert response.status_code == 404 and 'id="not-found"' in response.content.decode()


def test_verify_odd_queries_never_500(ds, world, issued):
    anonymous = Client()
    for value in ("<b>", "x" * 300, "中文编号", "a-b-c"):
        assert anonymous.get("/doorstep/verify/", {"number": value}).status_code in (302, 404)


def test_request_page_snippet_links_the_certificate(ds, world, issued):
    html = render_to_string("doorstep/certificate_link.html", {"case": issued.request})
    assert f"/doorstep/certificates/{issued.pk}/" in html and issued.number in html
    other = services.request_make(
        actor=ds.users["villager_a1"], item=ds.pension, household=world.households["a1"], person=world.people["a1_head"]
    )
    assert render_to_string("doorstep/certificate_link.html", {"case": other}).strip() == ""


# -- API ----------------------------------------------------------------------------------------------------------


def test_api_list_and_detail_scoped(ds, world, issued, api_token, client):
    headers = api_token(ds.users["cadre_a1"])
    rows = client.get(API, **headers).json()
    assert [r["number"] for r in rows] == [issued.number]
    detail = client.get(f"{API}/{issued.pk}", **headers).json()
    assert detail["text"] == issued.text and detail["committee"] == "安家村村民委员会"
    assert client.get(API, {"q": "陈"}, **headers).json() == []
    other = api_token(ds.users["cadre_b1"])
    assert client.get(API, **other).json() == []
    assert client.get(f"{API}/{issued.pk}", **other).status_code == 404
    assert client.get(f"{API}/0", **headers).status_code == 422
    assert client.get(API, {"q": "x" * 100}, **headers).status_code == 422
    assert Client().get(API).status_code == 401


def test_api_verify_public(ds, world, issued):
    anonymous = Client()
    body = anonymous.get(f"{API}/verify/{issued.number}").json()
    assert body["person"] == "王**" and body["kind"] == "居住证明" and body["valid"] is True
    assert "text" not in body
    assert anonymous.get(f"{API}/verify/nothing-here").status_code == 404
    assert anonymous.get(f"{API}/verify/{'x' * 100}").status_code in (404, 422)


def test_api_request_refused_kind_is_400_with_the_list_and_nothing_written(ds, world, api_token, client):
    headers = api_token(ds.users["cadre_a1"])
    before = _counts()
    response = client.post(
        f"{API}/request",
        {"kind": "无犯罪记录证明", "person": world.people["a1_head"].pk, "purpose": "求职"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    message = " ".join(response.json()["errors"]["kind"])
    assert "无犯罪记录证明" in message and "居住证明" in message
    response = client.post(
        f"{API}/request",
        {"kind": "residence", "person": world.people["b1_head"].pk, "purpose": "求职"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400 and "person" in response.json()["errors"]
    for payload in ({"kind": "residence"}, {"kind": "residence", "person": "abc"}, {"person": 1}, []):
        response = client.post(f"{API}/request", payload, content_type="application/json", **headers)
        assert response.status_code in (400, 422)
    response = client.post(f"{API}/request", "not json", content_type="application/json", **headers)
    assert response.status_code in (400, 422)
    assert _counts() == before


def test_api_round_trip(ds, world, api_token, client):
    headers = api_token(ds.users["cadre_a1"])
    response = client.post(
        f"{API}/request",
        {"kind": "居住证明", "person": world.people["a1_wife"].pk, "purpose": "办理医保"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    made = response.json()
    steps = f"/api/casework/cases/doorstep/{made['id']}/steps"
    assert client.post(f"{steps}/take", {}, content_type="application/json", **headers).status_code == 200
    response = client.post(f"{steps}/complete", {"result": "已出具"}, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    cert = Certificate.objects.get(request_id=made["id"])
    rows = client.get(API, **headers).json()
    assert rows[0]["number"] == cert.number and rows[0]["person"] == "刘桂兰"
    detail = client.get(f"{API}/{cert.pk}", **headers).json()
    assert "刘桂兰" in detail["text"] and "办理医保" in detail["text"]
    assert world.people["a1_wife"].id_number not in detail["text"]
    assert Client().get(f"{API}/verify/{cert.number}").json()["person"] == "刘**"


def test_list_page_shows_the_county_list_with_where_to_ask(ds, world, login):
    for who in ("cadre_a1", "villager_a1", "volunteer"):
        html = login(ds.users[who]).get("/doorstep/certificates/").content.decode()
        assert 'id="county-list"' in html and "居住证明" in html
        assert f"/doorstep/new/?item={ds.residence.pk}" in html
