"""Control characters (NUL among them) are refused at the edge with a 400 in Chinese, on pages and in the API, and
never reach the database (PostgreSQL answered 500; SQLite stored them)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from registry.models import Person

REFUSED = "控制字符"


def _json_refused(response, field=None):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert REFUSED in body["detail"]
    if field is not None:
        assert field in body["errors"], body


def _page_refused(response):
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    assert REFUSED in response.content.decode()


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_api_body_with_a_control_character_is_refused_and_nothing_is_stored(world, client, api_token, char):
    headers = api_token(world.users["cadre_a1"])
    household = world.households["a1"]
    before = (Person.objects.count(), AuditEvent.objects.count())
    payload = {"name": f"张{char}三", "relation": "child", "gender": "M", "birth_date": "2010-01-01"}
    # As a client sends it (escaped, \u0000) and raw in the text.
    for body in (json.dumps(payload), json.dumps(payload, ensure_ascii=False)):
        response = client.post(
            f"/api/households/{household.pk}/members", body, content_type="application/json", **headers
        )
        _json_refused(response, "body")
    assert (Person.objects.count(), AuditEvent.objects.count()) == before
    assert not Person.objects.filter(name__contains="张").exclude(name="张三").exists()


def test_page_form_with_nul_is_refused_and_nothing_is_stored(world, login):
    client = login(world.users["cadre_a1"])
    household = world.households["a1"]
    before = Person.objects.count()
    response = client.post(
        f"/registry/households/{household.pk}/members/new/",
        {"name": "张\x00三", "relation": "child", "gender": "M", "birth_date": "2010-01-01"},
    )
    _page_refused(response)
    assert Person.objects.count() == before


@pytest.mark.parametrize(
    "url",
    [
        "/registry/households/?q=%00",
        "/registry/people/?q=a%00b",
        "/audit/?who=%00",
        "/audit/?action=x%1Fy",
        "/registry/households/?q=%0Aa",  # a line break in a search parameter
        "/registry/households/?%00=1",  # in a parameter's name
    ],
)
def test_page_query_parameters_with_control_characters_are_refused(world, login, url):
    _page_refused(login(world.users["county_admin"]).get(url))


@pytest.mark.parametrize(
    "url,field",
    [
        ("/api/households?q=%00", "q"),
        ("/api/people?q=%00", "q"),
        ("/api/audit?action=%00", "action"),
        ("/api/incidents?q=%07", "q"),
    ],
)
def test_api_query_parameters_with_control_characters_are_refused(world, client, api_token, url, field):
    _json_refused(client.get(url, **api_token(world.users["county_admin"])), field)


def test_public_pages_without_login_refuse_a_village_code_with_nul(world, client):
    _page_refused(client.get(f"/public/{world.village_a1.code}%00/notices/"))
    _page_refused(client.get("/public/%00/decisions/"))
    _json_refused(client.get("/api/transparency/public/%00/notices"), "path")
    _json_refused(client.get(f"/api/points/public/{world.village_a1.code}/publications?year=%00"), "year")


def test_multipart_fields_are_checked(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0", content_type="image/jpeg")
    response = client.post("/api/incidents", {"title": "路灯\x00坏了", "photos": [photo]}, **headers)
    _json_refused(response, "title")


def test_ordinary_text_passes(world, client, api_token):
    """Tab, line feed and carriage return are text in a body; an escaped backslash followed by u0000 is text too."""
    headers = api_token(world.users["cadre_a1"])
    household = world.households["a1"]
    for name in ("张\t小\r\n明", "a\\u0000b"):
        response = client.post(
            f"/api/households/{household.pk}/members",
            {"name": name, "relation": "child", "gender": "M", "birth_date": "2010-01-01"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code != 400, response.content
    assert Person.objects.filter(name="a\\u0000b").exists()
    assert client.get("/api/households?q=%E7%8E%8B", **headers).status_code == 200
