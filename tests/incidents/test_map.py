"""The incident map (一张图): the page, and the GeoJSON of grids and visible cases it draws, coloured by state."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import map_views, services
from incidents.models import Incident, Rating
from regions.models import Grid
from tests.incidents.support import INSIDE_A1, photo

pytestmark = pytest.mark.django_db

MAP_URL = "/incidents/map/"
GEOJSON_URL = "/incidents/map.geojson"
B1_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[102.5, 26.5], [102.51, 26.5], [102.51, 26.51], [102.5, 26.51], [102.5, 26.5]]],
}
INSIDE_B1 = (26.505, 102.505)


def _report(iw, actor="grid_a1", matter=None, where=INSIDE_A1, **kwargs):
    incident, _created = services.incident_report(
        actor=iw.users[actor],
        matter=matter or iw.litter,
        description="河边堆了很多垃圾",
        lat=where[0] if where else None,
        lng=where[1] if where else None,
        **kwargs,
    )
    return incident


def _step(iw, incident, step, actor="cadre_a1", **kwargs):
    return services.incident_step(actor=iw.users[actor], incident=incident, step=step, **kwargs)


@pytest.fixture
def cases(iw):
    """One case of village A1 in each colour of the legend, plus one of village B1."""
    dispatched = _report(iw)
    accepted = _step(iw, _report(iw), "accept")
    resolved = _step(iw, _step(iw, _report(iw), "accept"), "resolve", note="已清理", photos=[photo()])
    closed = _report(iw)
    _step(iw, closed, "accept")
    _step(iw, closed, "resolve", note="已清理", photos=[photo()])
    services.incident_rate(actor=iw.users["grid_a1"], incident=closed, rating=Rating.SATISFIED)
    reported = _step(iw, _report(iw), "hand_back", note="应由镇上处理")
    overdue = _step(iw, _report(iw), "accept")
    Incident.objects.filter(pk=overdue.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    late_but_closed = _report(iw)
    Incident.objects.filter(pk=late_but_closed.pk).update(state="closed", ever_overdue=True, closed_at=timezone.now())
    Grid.objects.filter(pk=iw.w.grid_b1.pk).update(polygon=B1_SQUARE)
    b1 = _report(iw, actor="cadre_b1", where=INSIDE_B1)
    return {
        "dispatched": dispatched,
        "accepted": accepted,
        "resolved": resolved,
        "closed": closed,
        "reported": reported,
        "overdue": overdue,
        "late_but_closed": late_but_closed,
        "b1": b1,
    }


def _geojson(client, query=None):
    response = client.get(GEOJSON_URL, query or {})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return data


def _cases(data):
    return {f["properties"]["id"]: f for f in data["features"] if f["properties"]["kind"] == "case"}


def _grids(data):
    return sorted(f["properties"]["code"] for f in data["features"] if f["properties"]["kind"] == "grid")


def test_urls_have_names():
    assert reverse("incidents:map") == MAP_URL
    assert reverse("incidents:map_geojson") == GEOJSON_URL


def test_page_needs_sign_in_and_a_role_that_sees_cases(iw, client, login):
    assert client.get(MAP_URL).status_code == 302
    assert client.get(GEOJSON_URL).status_code == 302
    assert login(iw.users["villager_a1"]).get(MAP_URL).status_code == 403
    assert login(iw.users["villager_a1"]).get(GEOJSON_URL).status_code == 403
    for name in ("cadre_a1", "grid_a1", "township_a", "county_admin", "department"):
        assert login(iw.users[name]).get(MAP_URL).status_code == 200, name


def test_page_has_the_widget_with_the_filters_in_the_geojson_url_and_a_legend(iw, cases, login):
    client = login(iw.users["cadre_a1"])
    html = client.get(MAP_URL, {"state": "accepted", "period": "90", "matter": iw.litter.pk}).content.decode()
    assert 'class="vmap"' in html and "/static/core/map.js" in html and "/static/vendor/leaflet/leaflet.js" in html
    assert f'data-geojson-url="{GEOJSON_URL}?state=accepted&amp;period=90&amp;matter={iw.litter.pk}"' in html
    assert "data-legend=" in html
    for color in map_views.COLORS.values():
        assert color in html  # every colour of the legend
    plain = client.get(MAP_URL).content.decode()
    assert f'data-geojson-url="{GEOJSON_URL}?period=30"' in plain


def test_markers_are_coloured_by_state(iw, cases, login):
    features = _cases(_geojson(login(iw.users["cadre_a1"])))
    expected = {
        "dispatched": "dispatched",
        "accepted": "accepted",
        "resolved": "resolved",
        "closed": "closed",
        "reported": "reported",
        "overdue": "overdue",
        "late_but_closed": "closed",  # once closed, a case is shown as closed even if it was late
    }
    for name, key in expected.items():
        props = features[cases[name].pk]["properties"]
        assert props["color_key"] == key, name
        assert props["color"] == map_views.COLORS[key], name
        assert props["url"] == reverse("incidents:detail", args=[cases[name].pk])
        assert props["label"].startswith(cases[name].number) and props["state_label"]
    point = features[cases["accepted"].pk]["geometry"]
    assert point == {"type": "Point", "coordinates": [INSIDE_A1[1], INSIDE_A1[0]]}


def test_geojson_is_scoped_to_what_the_user_sees(iw, cases, login):
    a1_ids = {c.pk for name, c in cases.items() if name != "b1"}
    cadre_b1 = _geojson(login(iw.users["cadre_b1"]))
    assert set(_cases(cadre_b1)) == {cases["b1"].pk}  # none of village A1's cases
    assert _grids(cadre_b1) == ["B1-01"]
    cadre_a1 = _geojson(login(iw.users["cadre_a1"]))
    assert set(_cases(cadre_a1)) == a1_ids and _grids(cadre_a1) == ["A1-01"]
    county = _geojson(login(iw.users["county_admin"]))
    assert set(_cases(county)) == a1_ids | {cases["b1"].pk} and _grids(county) == ["A1-01", "B1-01"]
    # the environment department sees only the cases it handles (none here) and no grids
    department = _geojson(login(iw.users["department"]))
    assert _cases(department) == {} and _grids(department) == []
    pollution = _report(iw, matter=iw.pollution)
    assert set(_cases(_geojson(login(iw.users["department"])))) == {pollution.pk}


def test_filters_by_state_matter_and_period(iw, cases, login):
    client = login(iw.users["cadre_a1"])
    accepted = _cases(_geojson(client, {"state": "accepted"}))
    assert set(accepted) == {cases["accepted"].pk, cases["overdue"].pk}
    assert set(_cases(_geojson(client, {"state": "overdue"}))) == {cases["overdue"].pk}
    assert set(_cases(_geojson(client, {"state": "closed"}))) == {cases["closed"].pk, cases["late_but_closed"].pk}
    pollution = _report(iw, matter=iw.pollution)
    assert set(_cases(_geojson(client, {"matter": iw.pollution.pk}))) == {pollution.pk}
    Incident.objects.filter(pk=cases["dispatched"].pk).update(created_at=timezone.now() - timedelta(days=60))
    assert cases["dispatched"].pk not in _cases(_geojson(client))  # the last 30 days by default
    assert cases["dispatched"].pk in _cases(_geojson(client, {"period": "90"}))
    assert cases["dispatched"].pk in _cases(_geojson(client, {"period": "all"}))
    assert cases["dispatched"].pk not in _cases(_geojson(client, {"period": "7"}))
    # a filter that makes no sense is ignored rather than failing
    assert len(_cases(_geojson(client, {"state": "nonsense", "matter": "x", "period": "-1"}))) == 7


def test_markers_are_capped_and_the_page_says_so(iw, cases, login, monkeypatch):
    monkeypatch.setattr(map_views, "MAX_MARKERS", 3)
    client = login(iw.users["county_admin"])
    features = _cases(_geojson(client))
    newest = Incident.objects.exclude(lat=None).order_by("-created_at", "-pk").values_list("pk", flat=True)[:3]
    assert set(features) == set(newest)
    page = client.get(MAP_URL)
    assert page.context["capped"] and page.context["shown"] == 3 and page.context["total"] == 8
    assert "notice" in page.content.decode()
    assert not login(iw.users["cadre_b1"]).get(MAP_URL).context["capped"]


def test_cases_without_a_location_are_counted_on_the_page(iw, cases, login):
    _report(iw, where=None, grid=iw.w.grid_a1)
    page = login(iw.users["cadre_a1"]).get(MAP_URL)
    assert page.context["unlocated"] == 1 and page.context["total"] == 7
