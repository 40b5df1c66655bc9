import pytest

from core.errors import DomainError, NotFound
from core.models import AuditEvent
from regions import services
from regions.models import Grid


def square(x0, y0, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def test_grid_create_computes_the_centre_and_is_audited(world):
    grid = services.grid_create(
        actor=world.users["cadre_a1"],
        village=world.village_a1,
        code="A1-03",
        name="三网格",
        polygon=square(102.02, 26.0),
    )
    assert grid.center_lat == pytest.approx(26.005) and grid.center_lng == pytest.approx(102.025)
    assert AuditEvent.objects.filter(action="regions.grid.create", target_id=str(grid.pk)).exists()


def test_overlapping_base_grids_are_refused(world):
    # world.grid_a1 covers 102.0–102.01 / 26.0–26.01
    with pytest.raises(DomainError) as exc:
        services.grid_create(
            actor=world.users["cadre_a1"],
            village=world.village_a1,
            code="A1-09",
            name="重叠",
            polygon=square(102.005, 26.005),
        )
    assert "polygon" in exc.value.error_dict
    assert not Grid.objects.filter(code="A1-09").exists()
    # Touching along an edge is fine.
    services.grid_create(
        actor=world.users["cadre_a1"], village=world.village_a1, code="A1-10", name="相邻", polygon=square(102.01, 26.0)
    )


@pytest.mark.parametrize(
    "polygon",
    [
        "not json",
        '{"type": "Point", "coordinates": [102, 26]}',
        square(10.0, 60.0),
        {"type": "Polygon", "coordinates": [[[102, 26], [102.01, 26.01], [102.01, 26], [102, 26.01], [102, 26]]]},
    ],
)
def test_bad_boundaries_are_refused(world, polygon):
    with pytest.raises(DomainError) as exc:
        services.grid_create(
            actor=world.users["cadre_a1"], village=world.village_a1, code="A1-11", name="坏", polygon=polygon
        )
    assert "polygon" in exc.value.error_dict


def test_cadre_cannot_create_grids_in_another_village(world):
    with pytest.raises(NotFound):
        services.grid_create(actor=world.users["cadre_a1"], village=world.village_b1, code="B1-99", name="越权")


def test_grid_with_households_cannot_be_retired(world):
    with pytest.raises(DomainError):
        services.grid_update(
            actor=world.users["cadre_a1"], grid=world.grid_a1, code="A1-01", name="x", kind="base", is_active=False
        )


def test_grid_pages(world, login):
    client = login(world.users["cadre_a1"])
    assert client.get("/regions/grids/").status_code == 200
    assert client.get(f"/regions/grids/{world.grid_a1.pk}/").status_code == 200
    assert client.get(f"/regions/grids/{world.grid_b1.pk}/").status_code == 404
    response = client.post(
        "/regions/grids/new/",
        {
            "village": world.village_a1.pk,
            "code": "A1-05",
            "name": "五网格",
            "kind": "base",
            "polygon": '{"type": "Polygon"}',
        },
    )
    assert response.status_code == 200 and not Grid.objects.filter(code="A1-05").exists()
    assert "五网格" in response.content.decode()  # what was typed is kept
    response = client.post(
        f"/regions/grids/{world.grid_a1.pk}/staff/", {"name": "周网格", "role": "leader", "phone": "13600001111"}
    )
    assert response.status_code == 302
    assert world.grid_a1.staff.filter(name="周网格").exists()
    assert login(world.users["grid_a1"]).get("/regions/grids/new/").status_code == 403


def test_grid_api(world, client, api_token):
    body = client.get("/api/grids", **api_token(world.users["cadre_a1"])).json()
    assert {g["code"] for g in body} == {"A1-01", "A1-02"}
    assert client.get(f"/api/grids/{world.grid_b1.pk}", **api_token(world.users["cadre_a1"])).status_code == 404


def test_region_tree_and_adding_subdivisions(world, login):
    from regions.models import Region

    admin = login(world.users["county_admin"])
    page = admin.get("/regions/").content.decode()
    assert "甲镇" in page and "新桥村" in page
    response = admin.post(f"/regions/{world.township_b.pk}/children/", {"name": "石桥村", "code": "510422002009"})
    assert response.status_code == 302
    village = Region.objects.get(code="510422002009")
    assert (
        village.level == "village" and village.village_id == village.pk and village.township_id == world.township_b.pk
    )
    cadre = login(world.users["cadre_a1"])
    assert "新桥村" not in cadre.get("/regions/").content.decode()
    cadre.post(f"/regions/{world.village_a1.pk}/children/", {"name": "3组", "code": "51042200100103"})
    assert Region.objects.filter(code="51042200100103", parent=world.village_a1).exists()
    # A village cadre cannot add villages to the township.
    cadre.post(f"/regions/{world.township_a.pk}/children/", {"name": "假村", "code": "510422001099"})
    assert not Region.objects.filter(code="510422001099").exists()
    admin = login(world.users["county_admin"])
    duplicate = admin.post(f"/regions/{world.township_b.pk}/children/", {"name": "石桥村", "code": "510422002010"})
    assert duplicate.status_code == 302 and not Region.objects.filter(code="510422002010").exists()
