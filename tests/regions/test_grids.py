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
