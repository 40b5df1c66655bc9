"""The one map: the places one level down with the chosen indicator's figures, and the layers the apps register —
scoped to the person, and disputes as counts per village only (never a dispute's place, parties or matter)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from incidents.models import Incident
from regions.models import Grid
from tests.incidents.test_kpi import story  # noqa: F401 (a fixture)
from tests.mediation.conftest import med, record  # noqa: F401 (a fixture and a helper)

pytestmark = pytest.mark.django_db


def _json(client, user, url, **query):
    client.force_login(user)
    return client.get(url, query)


def _square(x0, y0, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def test_the_places_are_drawn_from_their_grids_with_the_indicator_s_figures(story, client):  # noqa: F811
    iw, _c = story
    w = iw.w
    Grid.objects.filter(pk=w.grid_a1b.pk).update(polygon=_square(102.01, 26.0), center_lat=26.005, center_lng=102.015)
    Grid.objects.filter(pk=w.grid_b1.pk).update(polygon=_square(102.5, 26.5), center_lat=26.505, center_lng=102.505)
    official = w.users["county_official"]
    url = f"/dashboards/{w.county.pk}/map/places.geojson"
    body = _json(client, official, url, indicator="incidents.cases", period="month", month="2026-03").json()
    places = {f["properties"]["label"]: f for f in body["features"]}
    assert set(places) == {"甲镇", "乙镇"}
    a = places["甲镇"]
    # 甲镇 is the outline of 安家村's two adjoining grids: one polygon spanning both
    assert a["geometry"]["type"] == "Polygon"
    xs = [x for x, _y in a["geometry"]["coordinates"][0]]
    assert min(xs) == pytest.approx(102.0) and max(xs) == pytest.approx(102.02)
    assert (a["properties"]["value"], places["乙镇"]["properties"]["value"]) == (5, 1)
    assert a["properties"]["url"] == f"/dashboards/{w.township_a.pk}/map/"
    # a share over too few cases is not coloured, but its figure is shown as such
    cache.clear()
    body = _json(client, official, url, indicator="incidents.completion", period="month", month="2026-03").json()
    a = next(f for f in body["features"] if f["properties"]["label"] == "甲镇")
    assert a["properties"]["value"] is None and a["properties"]["thin"] and a["properties"]["display"] == "75.0%"
    # a village's map: its grids, which open nothing further
    body = _json(
        client, official, f"/dashboards/{w.village_a1.pk}/map/places.geojson", indicator="incidents.cases"
    ).json()
    assert {f["properties"]["label"] for f in body["features"]} == {w.grid_a1.name, w.grid_a1b.name}
    assert all(f["properties"]["url"] == "" for f in body["features"])


def test_layers_are_scoped_and_bad_input_is_refused(story, client):  # noqa: F811
    iw, c = story
    w = iw.w
    recent = timezone.now() - timedelta(days=5)  # the layer shows the last 90 days
    Incident.objects.filter(pk=c["1"].pk).update(lat=26.005, lng=102.005, created_at=recent)
    Incident.objects.filter(pk=c["4"].pk).update(lat=26.505, lng=102.505, created_at=recent)  # 新桥村, 乙镇
    Incident.objects.filter(pk=c["3"].pk).update(lat=26.005, lng=102.005)  # long ago: not on the map
    official, township = w.users["county_official"], w.users["township_a"]
    layer = _json(client, official, f"/dashboards/{w.county.pk}/map/layers/incidents.geojson").json()
    assert {f["properties"]["id"] for f in layer["features"]} == {c["1"].pk, c["4"].pk}
    layer = _json(client, official, f"/dashboards/{w.township_a.pk}/map/layers/incidents.geojson").json()
    assert {f["properties"]["id"] for f in layer["features"]} == {c["1"].pk}
    assert _json(client, township, f"/dashboards/{w.township_b.pk}/map/layers/incidents.geojson").status_code == 403
    assert _json(client, township, f"/dashboards/{w.county.pk}/map/places.geojson").status_code == 403
    assert _json(client, official, f"/dashboards/{w.county.pk}/map/layers/nothing.geojson").status_code == 404
    page = _json(client, official, f"/dashboards/{w.county.pk}/map/", indicator="nope", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 400 and "没有指标" in page.content.decode()
    # a person without the incidents has no incident layer
    assert (
        _json(client, w.users["cadre_a1"], f"/dashboards/{w.village_a1.pk}/map/layers/incidents.geojson").status_code
        == 200
    )
    villager_page = _json(client, w.users["villager_a1"], f"/dashboards/{w.village_a1.pk}/map/")
    assert villager_page.status_code == 403


def test_disputes_are_counts_per_village_and_nothing_of_a_dispute(world, med, client):  # noqa: F811
    Grid.objects.filter(pk=world.grid_a1.pk).update(center_lat=26.005, center_lng=102.005)
    record(world, med)
    record(world, med, title="两户土地边界纠纷")
    layer = _json(client, world.users["county_official"], f"/dashboards/{world.county.pk}/map/layers/disputes.geojson")
    features = layer.json()["features"]
    assert len(features) == 1
    (f,) = features
    assert f["properties"]["kind"] == "count" and f["properties"]["count"] == 2
    assert set(f["properties"]) == {"kind", "count", "label"}
    assert f["geometry"]["coordinates"] == [102.005, 26.005]  # the village's centre, not a dispute's place
    text = layer.content.decode()
    assert "宅基地" not in text and "王建国" not in text and "两户" not in text


def test_households_are_on_a_village_s_map_only_for_staff_who_may_read_the_registry(world, client):
    from registry.models import Household

    Household.objects.filter(pk=world.households["a1"].pk).update(latitude=26.004, longitude=102.004)
    Household.objects.filter(pk=world.households["b1"].pk).update(latitude=26.504, longitude=102.504)
    official = world.users["county_official"]
    url = "/dashboards/{}/map/layers/households.geojson"
    village = _json(client, official, url.format(world.village_a1.pk)).json()["features"]
    assert [f["properties"]["label"] for f in village] == ["0001 王**"]
    assert village[0]["properties"]["url"] == f"/registry/households/{world.households['a1'].pk}/"
    assert _json(client, official, url.format(world.county.pk)).json()["features"] == []  # not at county scale
    # a reviewer reads the dashboards of their village but not the registry's map of households
    assert _json(client, world.users["cadre_a1"], url.format(world.village_a1.pk)).status_code == 200


def test_special_grids_stand_out_and_meetings_are_counted_per_village(world, client):
    from regions.models import GridKind, GridStaff

    Grid.objects.filter(pk=world.grid_a1b.pk).update(kind=GridKind.SPECIAL, polygon=_square(102.01, 26.0))
    GridStaff.objects.create(grid=world.grid_a1b, name="赵监测", phone="0812-1234567", role="specialist")
    grids = _json(client, world.users["county_official"], f"/dashboards/{world.village_a1.pk}/map/layers/grids.geojson")
    by_id = {f["properties"]["id"]: f["properties"] for f in grids.json()["features"]}
    assert by_id[world.grid_a1b.pk]["color"] == "#e65100" and "color" not in by_id[world.grid_a1.pk]
    assert "赵监测 0812-1234567" in by_id[world.grid_a1b.pk]["detail"]
    meetings = _json(
        client, world.users["county_official"], f"/dashboards/{world.county.pk}/map/layers/meetings.geojson"
    )
    assert meetings.status_code == 200 and meetings.json()["features"] == []  # none held: nothing drawn
