"""Managing accounts through the API (/api/accounts): the same services and scope as the accounts page."""

import pytest

from accounts.models import RoleAssignment, User
from core.models import AuditEvent
from core.roles import Role
from regions.models import RegionLevel
from tests.factories import PASSWORD, make_region, make_user

pytestmark = pytest.mark.django_db


def _other_county_admin():
    county = make_region("邻县", "510423", RegionLevel.COUNTY)
    return make_user("other_admin", Role.COUNTY_ADMIN, county)


def _new_account(**over):
    body = {
        "username": "new_cadre",
        "password": PASSWORD,
        "display_name": "新村干部",
        "phone": "13812345678",
        "role": Role.VILLAGE_CADRE,
    }
    body.update(over)
    return body


def test_create_an_account_with_its_role(world, client, api_token):
    headers = api_token(world.users["county_admin"])
    body = _new_account(region_id=world.village_a1.pk)
    response = client.post("/api/accounts/users", body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    user = User.objects.get(username="new_cadre")
    assert response.json() == {"id": user.pk, "username": "new_cadre", "display_name": "新村干部", "is_active": True}
    assert RoleAssignment.objects.filter(user=user, role=Role.VILLAGE_CADRE, region=world.village_a1).exists()
    assert AuditEvent.objects.filter(action="accounts.user.create", target_id=str(user.pk)).exists()


def test_create_refuses_a_taken_username_in_chinese_and_writes_nothing(world, client, api_token):
    headers = api_token(world.users["county_admin"])
    body = _new_account(username="cadre_a1", region_id=world.village_a1.pk)
    response = client.post("/api/accounts/users", body, content_type="application/json", **headers)
    assert response.status_code == 422
    assert "用户名" in response.json()["errors"]["username"][0]
    # a role on the wrong level: nothing is left behind either
    body = _new_account(region_id=world.township_a.pk)
    response = client.post("/api/accounts/users", body, content_type="application/json", **headers)
    assert response.status_code == 422 and "region" in response.json()["errors"]
    assert not User.objects.filter(username="new_cadre").exists()


def test_create_outside_scope_is_404(world, client, api_token):
    headers = api_token(_other_county_admin())
    body = _new_account(region_id=world.village_a1.pk)
    response = client.post("/api/accounts/users", body, content_type="application/json", **headers)
    assert response.status_code == 404
    response = client.post(
        "/api/accounts/users", body, content_type="application/json", **api_token(world.users["cadre_a1"])
    )
    assert response.status_code == 404
    assert not User.objects.filter(username="new_cadre").exists()


def test_disable_and_enable_an_account(world, client, api_token):
    admin = world.users["county_admin"]
    headers = api_token(admin)
    target = world.users["cadre_a1"]
    url = f"/api/accounts/users/{target.pk}/active"
    response = client.post(url, {"active": False}, content_type="application/json", **headers)
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert not User.objects.get(pk=target.pk).is_active
    response = client.post(url, {"active": True}, content_type="application/json", **headers)
    assert response.status_code == 200 and User.objects.get(pk=target.pk).is_active
    # one's own account cannot be disabled
    own = client.post(
        f"/api/accounts/users/{admin.pk}/active", {"active": False}, content_type="application/json", **headers
    )
    assert own.status_code == 422 and "自己" in own.json()["detail"]
    assert User.objects.get(pk=admin.pk).is_active


def test_disable_outside_scope_is_404(world, client, api_token):
    target = world.users["cadre_a1"]
    response = client.post(
        f"/api/accounts/users/{target.pk}/active",
        {"active": False},
        content_type="application/json",
        **api_token(_other_county_admin()),
    )
    assert response.status_code == 404
    assert User.objects.get(pk=target.pk).is_active


def test_revoke_a_role(world, client, api_token):
    assignment = RoleAssignment.objects.get(user=world.users["reviewer_a1"])
    outsider = api_token(_other_county_admin())
    assert client.delete(f"/api/accounts/roles/{assignment.pk}", **outsider).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    response = client.delete(f"/api/accounts/roles/{assignment.pk}", **api_token(world.users["county_admin"]))
    assert response.status_code == 204
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(action="accounts.role.revoke").count() == 1
    assert (
        client.delete(f"/api/accounts/roles/{assignment.pk}", **api_token(world.users["county_admin"])).status_code
        == 404
    )
