"""API-wide properties: documented, authenticated, scoped, and bad input answered in Chinese."""

import pytest

from config.api import api
from core.models import AuditEvent
from registry.models import Household


def _paths():
    schema = api.get_openapi_schema()
    return schema["paths"]


def test_openapi_schema_and_docs_are_served(client):
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/api/docs").status_code == 200
    paths = _paths()
    for path in [
        "/api/households",
        "/api/households/{household_id}",
        "/api/auth/token",
        "/api/grids",
        "/api/audit",
        "/api/people/{person_id}/reveal/{field}",
    ]:
        assert path in paths


def test_every_endpoint_but_token_requires_authentication(world, client):
    """Every operation that declares security answers 401 without credentials; public ones declare none."""
    import re

    public = []
    for path, operations in _paths().items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method, operation in operations.items():
            if not operation.get("security"):
                public.append(path)
                continue
            response = getattr(client, method)(url, content_type="application/json")
            assert response.status_code == 401, (method, path, response.status_code)
    assert "/api/auth/token" in public
    public_prefixes = (
        "/api/points/public/",
        "/api/transparency/public/",
        "/api/deliberation/public/",
        "/api/powers/public/",
        "/api/doorstep/certificates/verify/",
        "/api/committees/public/",
        "/api/honours/public/",
    )
    # signing in: a password, or a code by SMS (asked for, exchanged for a token, or used to reset the password)
    sign_in = {"/api/auth/token", "/api/auth/code", "/api/auth/code/token", "/api/auth/password/reset"}
    assert all(p in sign_in or p.startswith(public_prefixes) for p in public), public


def test_validation_errors_are_422_with_chinese_messages(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    response = client.post("/api/households", {"village_id": "abc"}, content_type="application/json", **headers)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["errors"]
    response = client.post(
        f"/api/households/{world.households['a1'].pk}/members",
        {"name": "测试", "relation": "child", "id_number": "123"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert "id_number" in response.json()["errors"]


def test_household_create_and_patch_through_api(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    response = client.post(
        "/api/households",
        {"village_id": world.village_a1.pk, "number": "0777", "grid_id": world.grid_a1.pk},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    hid = response.json()["id"]
    response = client.patch(
        f"/api/households/{hid}", {"address": "安家村5组"}, content_type="application/json", **headers
    )
    assert response.status_code == 200 and response.json()["address"] == "安家村5组"
    assert AuditEvent.objects.filter(action="registry.household.update", target_id=str(hid)).count() == 1


@pytest.mark.parametrize("role", ["villager_a1", "reviewer_a1", "township_a", "mediator"])
def test_roles_without_change_right_cannot_create(world, client, api_token, role):
    before = Household.objects.count()
    response = client.post(
        "/api/households",
        {"village_id": world.village_a1.pk, "number": "0888"},
        content_type="application/json",
        **api_token(world.users[role]),
    )
    assert response.status_code in (403, 404)
    assert Household.objects.count() == before


def test_reveal_through_api_is_logged(world, client, api_token):
    person = world.people["a1_head"]
    response = client.post(f"/api/people/{person.pk}/reveal/phone", **api_token(world.users["grid_a1"]))
    assert response.json() == {"field": "phone", "value": "13800000001"}
    assert AuditEvent.objects.filter(action="registry.person.reveal_phone").count() == 1
    response = client.post(f"/api/people/{person.pk}/reveal/id_number", **api_token(world.users["grid_a1"]))
    assert response.status_code == 403


def test_organizations_and_party_branches_api(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    response = client.post(
        "/api/organizations",
        {"village_id": world.village_a1.pk, "name": "安家村家庭农场", "kind": "family_farm"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    oid = response.json()["id"]
    response = client.patch(f"/api/organizations/{oid}", {"kind": "bogus"}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert client.get("/api/party-branches", **headers).status_code == 200
    assert (
        client.patch(
            f"/api/organizations/{oid}",
            {"name": "x"},
            content_type="application/json",
            **api_token(world.users["cadre_b1"]),
        ).status_code
        == 404
    )
