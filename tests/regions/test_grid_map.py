"""The grid map page and its GeoJSON: scoped like the grid list, served with the platform's own Leaflet."""

import json

import pytest
from django.urls import reverse

from regions.models import Grid
from tests.factories import make_grid

MAP_URL = "/regions/grids/map/"
GEOJSON_URL = "/regions/grids/map.geojson"


def square(x0, y0, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


@pytest.fixture
def mapped_world(world):
    """build_world() gives only A1-01 a boundary; give B1-01 one too so scope, not a missing boundary, hides it."""
    Grid.objects.filter(pk=world.grid_b1.pk).update(polygon=square(102.5, 26.5))
    return world


def _geojson(client, query=""):
    response = client.get(GEOJSON_URL + query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return data


def _codes(data):
    return sorted(f["properties"]["code"] for f in data["features"])


def test_urls_have_names():
    assert reverse("regions:grid_map") == MAP_URL
    assert reverse("regions:grid_geojson") == GEOJSON_URL


def test_cadre_sees_the_map_page_with_local_leaflet(mapped_world, login):
    client = login(mapped_world.users["cadre_a1"])
    response = client.get(MAP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="vmap"' in html
    assert f'data-geojson-url="{GEOJSON_URL}"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/vendor/leaflet/leaflet.css" in html
    assert "/static/core/map.js" in html and "/static/core/map.css" in html
    assert 'data-tile-url=""' in html  # no tiles unless configured
    assert "网格地图" in html  # the page speaks Chinese


def test_tile_settings_reach_the_widget(mapped_world, login, settings):
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 测试图源"
    html = login(mapped_world.users["cadre_a1"]).get(MAP_URL).content.decode()
    assert 'data-tile-url="/tiles/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="© 测试图源"' in html


def test_village_cadre_gets_only_the_grids_of_their_village(mapped_world, login):
    data = _geojson(login(mapped_world.users["cadre_a1"]))
    assert _codes(data) == ["A1-01"]  # not B1-01 (other township), not A1-02 (no boundary)
    feature = data["features"][0]
    grid = mapped_world.grid_a1
    assert feature["type"] == "Feature"
    assert feature["geometry"] == grid.polygon
    assert feature["properties"] == {
        "kind": "grid",
        "id": grid.pk,
        "code": "A1-01",
        "label": f"安家村 {grid.name}",
        "url": f"/regions/grids/{grid.pk}/",
    }


def test_a_village_filter_does_not_widen_scope(mapped_world, login):
    client = login(mapped_world.users["cadre_a1"])
    assert _codes(_geojson(client, f"?village={mapped_world.village_b1.pk}")) == []


def test_county_admin_sees_every_drawn_grid_and_can_filter_by_village(mapped_world, login):
    client = login(mapped_world.users["county_admin"])
    assert _codes(_geojson(client)) == ["A1-01", "B1-01"]
    assert _codes(_geojson(client, f"?village={mapped_world.village_b1.pk}")) == ["B1-01"]
    html = client.get(MAP_URL, {"village": mapped_world.village_b1.pk}).content.decode()
    assert f'data-geojson-url="{GEOJSON_URL}?village={mapped_world.village_b1.pk}"' in html


def test_grid_worker_gets_only_their_grid(mapped_world, login):
    assert _codes(_geojson(login(mapped_world.users["grid_a1"]))) == ["A1-01"]


def test_retired_grids_are_not_on_the_map(mapped_world, login):
    Grid.objects.filter(pk=mapped_world.grid_b1.pk).update(is_active=False)
    assert _codes(_geojson(login(mapped_world.users["county_admin"]))) == ["A1-01"]


def test_page_says_when_no_grid_is_drawn(world, login):
    Grid.objects.update(polygon=None)
    html = login(world.users["cadre_a1"]).get(MAP_URL).content.decode()
    assert 'class="vmap"' not in html
    assert 'class="notice"' in html


def test_page_counts_grids_without_boundary(mapped_world, login):
    make_grid(mapped_world.village_a1, "A1-03")
    response = login(mapped_world.users["cadre_a1"]).get(MAP_URL)
    assert response.context["drawn"] == 1 and response.context["not_drawn"] == 2


@pytest.mark.parametrize("url", [MAP_URL, GEOJSON_URL])
def test_anonymous_is_sent_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", [MAP_URL, GEOJSON_URL])
def test_villager_may_not_open_the_grid_map(world, login, url):
    assert login(world.users["villager_a1"]).get(url).status_code == 403


def test_grid_list_links_to_the_map(mapped_world, login):
    html = login(mapped_world.users["cadre_a1"]).get("/regions/grids/").content.decode()
    assert f'href="{MAP_URL}"' in html
