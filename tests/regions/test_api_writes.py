"""Regions and grids written through the API: the same services and scope as the region tree and grid pages."""

import pytest

from core.models import AuditEvent
from regions.models import Grid, GridStaff, Region

pytestmark = pytest.mark.django_db

JSON = "application/json"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[102.02, 26.0], [102.03, 26.0], [102.03, 26.01], [102.02, 26.01], [102.02, 26.0]]],
}


def test_add_a_village_group(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    body = {"name": "一组", "code": "510422001001001", "kind_label": "组"}
    response = client.post(f"/api/regions/{world.village_a1.pk}/children", body, content_type=JSON, **headers)
    assert response.status_code == 201, response.content
    assert response.json()["parent_id"] == world.village_a1.pk and response.json()["level"] == "group"
    again = client.post(f"/api/regions/{world.village_a1.pk}/children", body, content_type=JSON, **headers)
    assert again.status_code == 422 and again.json()["errors"]["name"]
    # a cadre adds no village to a township, and sees no region of another township
    body = {"name": "新村", "code": "510422001009"}
    assert (
        client.post(f"/api/regions/{world.township_a.pk}/children", body, content_type=JSON, **headers).status_code
        == 404
    )
    assert (
        client.post(f"/api/regions/{world.village_b1.pk}/children", body, content_type=JSON, **headers).status_code
        == 404
    )
    assert Region.objects.filter(parent=world.village_a1).count() == 1


def test_grid_create_update_and_staff(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    body = {"village_id": world.village_a1.pk, "code": "A1-03", "name": "安家村三网格", "polygon": SQUARE}
    response = client.post("/api/grids", body, content_type=JSON, **headers)
    assert response.status_code == 201, response.content
    grid = Grid.objects.get(code="A1-03")
    assert response.json()["center_lat"] == pytest.approx(26.005)
    change = {"code": "A1-03", "name": "三网格", "kind": "base", "complaint_phone": "0834-1234567"}
    response = client.put(f"/api/grids/{grid.pk}", change, content_type=JSON, **headers)
    assert response.status_code == 200 and response.json()["name"] == "三网格"
    assert response.json()["polygon"] is None
    staff = client.post(
        f"/api/grids/{grid.pk}/staff", {"name": "王网格", "role": "first"}, content_type=JSON, **headers
    )
    assert staff.status_code == 201, staff.content
    staff_id = staff.json()["id"]
    assert client.get(f"/api/grids/{grid.pk}", **headers).json()["staff"][0]["id"] == staff_id
    assert client.delete(f"/api/grids/{grid.pk}/staff/{staff_id}", **headers).status_code == 204
    assert not GridStaff.objects.filter(pk=staff_id).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "regions.grid.create",
        "regions.grid.update",
        "regions.grid_staff.add",
        "regions.grid_staff.remove",
    } <= actions


def test_grid_refusals_are_422_in_chinese(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    body = {"village_id": world.village_a1.pk, "code": "A1-01", "name": "重复", "kind": "base"}
    response = client.post("/api/grids", body, content_type=JSON, **headers)
    assert response.status_code == 422 and "已" in response.json()["errors"]["code"][0]
    change = {"code": "A1-01", "name": "网格", "kind": "base", "is_active": False}
    response = client.put(f"/api/grids/{world.grid_a1.pk}", change, content_type=JSON, **headers)
    assert response.status_code == 422 and response.json()["errors"]["is_active"]
    response = client.post(
        f"/api/grids/{world.grid_a1.pk}/staff", {"name": "", "role": "nobody"}, content_type=JSON, **headers
    )
    assert response.status_code == 422 and set(response.json()["errors"]) == {"name", "role"}
    assert Grid.objects.get(pk=world.grid_a1.pk).is_active and not GridStaff.objects.exists()


def test_grids_outside_scope_are_404(world, client, api_token):
    headers = api_token(world.users["cadre_b1"])
    body = {"village_id": world.village_a1.pk, "code": "A1-09", "name": "越界"}
    assert client.post("/api/grids", body, content_type=JSON, **headers).status_code == 404
    change = {"code": "A1-01", "name": "改名", "kind": "base"}
    assert client.put(f"/api/grids/{world.grid_a1.pk}", change, content_type=JSON, **headers).status_code == 404
    staff = GridStaff.objects.create(grid=world.grid_a1, name="王网格", role="first")
    url = f"/api/grids/{world.grid_a1.pk}/staff"
    assert client.post(url, {"name": "李", "role": "first"}, content_type=JSON, **headers).status_code == 404
    assert client.delete(f"{url}/{staff.pk}", **headers).status_code == 404
    # the grid worker may see the grid but not manage it
    assert client.delete(f"{url}/{staff.pk}", **api_token(world.users["grid_a1"])).status_code == 404
    assert GridStaff.objects.filter(pk=staff.pk).exists() and not Grid.objects.filter(code="A1-09").exists()
    assert Grid.objects.get(pk=world.grid_a1.pk).name != "改名"
