"""Service points, agents and the 15-minute circle through HTTP, by role: pages and API allowed, denied (403/404
and nothing changed) and bad input (400/422 with the message, nothing changed, never 500)."""

import json

import pytest

from core.models import AuditEvent
from doorstep import places
from doorstep.models import Agent, AgentKind, Level, ServicePoint

pytestmark = pytest.mark.django_db
API = "/api/doorstep"


@pytest.fixture
def points(world):
    admin = world.users["county_admin"]
    room = places.point_create(
        admin,
        township=world.township_a,
        village=world.village_a1,
        name="安家村便民服务室",
        latitude=26.005,
        longitude=102.005,
        hours="周一至周五",
        after_hours="预约上门服务",
        phone="0838 6201234",
    )
    centre_b = places.point_create(
        admin, township=world.township_b, name="新桥镇便民服务中心", latitude=26.2, longitude=102.2
    )
    return {"room": room, "centre_b": centre_b}


def _snapshot():
    return (
        list(
            ServicePoint.objects.order_by("pk").values_list("pk", "name", "latitude", "longitude", "active", "village")
        ),
        [
            (a.pk, a.name, a.active, sorted(a.villages.values_list("pk", flat=True)))
            for a in Agent.objects.order_by("pk")
        ],
        AuditEvent.objects.filter(action__in=["doorstep.point.set", "doorstep.agent.set"]).count(),
    )


def _point_data(world, **kw):
    data = {
        "township": world.township_a.pk,
        "village": world.village_a2.pk,
        "name": "和平村便民服务室",
        "address": "和平村村委会",
        "latitude": "26.01",
        "longitude": "102.01",
        "hours": "周一至周六",
        "after_hours": "值班电话",
        "on_duty": "李四",
        "phone": "13800001111",
    }
    data.update(kw)
    return data


# -- pages ----------------------------------------------------------------------------------------------------------


def test_places_page_by_role(client, login, world, ds, points):
    assert client.get("/doorstep/places/").status_code == 302  # anonymous: to the login page
    page = login(world.users["villager_a1"]).get("/doorstep/places/")
    body = page.content.decode()
    assert page.status_code == 200 and "安家村便民服务室" in body and "新桥镇便民服务中心" not in body
    assert 'href="tel:08386201234"' in body and 'id="add-point"' not in body and "vmap" in body
    assert login(world.users["department"]).get("/doorstep/places/").status_code == 403
    admin = login(world.users["county_admin"]).get("/doorstep/places/").content.decode()
    assert 'id="add-point"' in admin and "新桥镇便民服务中心" in admin
    one = login(world.users["county_admin"]).get(f"/doorstep/places/?township={world.township_b.pk}").content.decode()
    assert "新桥镇便民服务中心" in one and f'id="point-{points["room"].pk}"' not in one
    geo = login(world.users["county_admin"]).get(f"/doorstep/places/map.geojson?township={world.township_b.pk}")
    assert [f["properties"]["label"] for f in geo.json()["features"]] == ["新桥镇便民服务中心"]
    geo = login(world.users["villager_a1"]).get("/doorstep/places/map.geojson")
    names = [f["properties"]["label"] for f in geo.json()["features"]]
    assert geo.status_code == 200 and names == ["安家村便民服务室"]
    # an agent without a role sees the points of the places they serve through their post
    assert login(ds.users["volunteer"]).get("/doorstep/places/").status_code == 200


def test_adding_a_point_from_the_page(client, login, world, points):
    page = login(world.users["township_a"])
    before = _snapshot()
    for bad in ({"latitude": "60"}, {"village": world.village_b1.pk}, {"name": ""}, {"longitude": ""}):
        response = page.post("/doorstep/places/", _point_data(world, **bad))
        assert response.status_code == 400, bad
        assert _snapshot() == before
    # another township is not among the choices
    response = page.post("/doorstep/places/", _point_data(world, township=world.township_b.pk, village=""))
    assert response.status_code == 400 and _snapshot() == before
    response = page.post("/doorstep/places/", _point_data(world))
    assert response.status_code == 302
    added = ServicePoint.objects.get(name="和平村便民服务室")
    assert response["Location"] == f"/doorstep/places/{added.pk}/"
    assert added.level == Level.VILLAGE and added.village == world.village_a2 and added.latitude == 26.01
    # a villager or a cadre may not add one
    for who in ("villager_a1", "cadre_a1"):
        assert login(world.users[who]).post("/doorstep/places/", _point_data(world, name="x")).status_code == 403
    assert not ServicePoint.objects.filter(name="x").exists()


def test_township_official_cannot_edit_another_townships_point(client, login, world, points):
    centre_b = points["centre_b"]
    page = login(world.users["township_a"])
    before = _snapshot()
    assert page.get(f"/doorstep/places/{centre_b.pk}/").status_code == 404
    response = page.post(f"/doorstep/places/{centre_b.pk}/", {"name": "改名", "latitude": "", "longitude": ""})
    assert response.status_code == 404 and _snapshot() == before
    # the cadre sees their room but may not change it
    cadre = login(world.users["cadre_a1"])
    room = points["room"]
    view = cadre.get(f"/doorstep/places/{room.pk}/")
    assert view.status_code == 200 and 'id="edit-point"' not in view.content.decode()
    assert cadre.post(f"/doorstep/places/{room.pk}/", {"name": "改名"}).status_code == 403
    assert _snapshot() == before


def test_editing_and_taking_a_point_out_of_use(client, login, world, points):
    room = points["room"]
    page = login(world.users["township_a"])
    form = page.get(f"/doorstep/places/{room.pk}/").content.decode()
    assert 'id="edit-point"' in form and "data-pick-lat" in form
    data = _point_data(world, village=world.village_a1.pk, name="安家村便民服务室")
    data.pop("township")
    before = _snapshot()
    response = page.post(f"/doorstep/places/{room.pk}/", {**data, "latitude": "91"})
    assert response.status_code == 400 and _snapshot() == before
    response = page.post(f"/doorstep/places/{room.pk}/", data)  # "active" not ticked: out of use
    assert response.status_code == 302
    room.refresh_from_db()
    assert not room.active and room.address == "和平村村委会"
    assert "安家村便民服务室" not in login(world.users["villager_a1"]).get("/doorstep/places/").content.decode()


def test_agents_pages(client, login, world, ds):
    admin = login(world.users["county_admin"])
    body = admin.get("/doorstep/agents/").content.decode()
    assert "网格员甲" in body and "志愿者乙" in body and 'id="add-agent"' in body and "open-count" in body
    villager = login(world.users["villager_a1"]).get("/doorstep/agents/")
    text = villager.content.decode()
    assert villager.status_code == 200 and "网格员甲" in text and "open-count" not in text and "add-agent" not in text
    assert login(world.users["department"]).get("/doorstep/agents/").status_code == 403
    before = _snapshot()
    data = {
        "township": world.township_a.pk,
        "username": "reviewer_a1",
        "name": "村务助理丙",
        "kind": AgentKind.ASSISTANT,
        "phone": "13800009999",
        "villages": [world.village_a2.pk],
    }
    admin = login(world.users["county_admin"])
    for bad in ({"villages": [world.village_b1.pk]}, {"username": "nobody"}, {"villages": []}, {"kind": "x"}):
        response = admin.post("/doorstep/agents/", {**data, **bad})
        assert response.status_code == 400, bad
        assert _snapshot() == before
    response = admin.post("/doorstep/agents/", data)
    agent = Agent.objects.get(name="村务助理丙")
    assert response.status_code == 302 and response["Location"] == f"/doorstep/agents/{agent.pk}/"
    assert list(agent.villages.all()) == [world.village_a2]
    edit = admin.post(f"/doorstep/agents/{agent.pk}/", {**data, "villages": [world.village_a1.pk, world.village_a2.pk]})
    assert edit.status_code == 302 and agent.villages.count() == 2
    assert not Agent.objects.get(pk=agent.pk).active  # "active" was not ticked
    # the cadre sees the post but may not change it
    cadre = login(world.users["cadre_a1"])
    assert cadre.get(f"/doorstep/agents/{ds.grid_agent.pk}/").status_code == 200
    before = _snapshot()
    assert cadre.post(f"/doorstep/agents/{ds.grid_agent.pk}/", {**data, "active": "on"}).status_code == 403
    assert login(world.users["cadre_b1"]).get(f"/doorstep/agents/{ds.grid_agent.pk}/").status_code == 404
    assert _snapshot() == before


def test_circle_page_by_role(client, login, world, points):
    world.households["a1"].latitude, world.households["a1"].longitude = 26.0055, 102.0055
    world.households["a1"].save()
    official = login(world.users["county_official"])
    page = official.get("/doorstep/circle/")
    body = page.content.decode()
    assert page.status_code == 200 and 'id="circle-villages"' in body and f'id="village-{world.village_a1.pk}"' in body
    assert 'id="total-unlocated">3<' in body  # three of the four households have no coordinates
    geo = official.get(f"/doorstep/circle/map.geojson?region={world.county.pk}").json()
    labels = {f["properties"]["label"] for f in geo["features"]}
    assert {"安家村", "安家村便民服务室", "新桥镇便民服务中心"} <= labels
    download = official.get(f"/doorstep/circle/?region={world.township_a.pk}&format=xlsx")
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(download.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    # 安家村: 2 households, 1 placed and within the walk of its room; 和平村: 1 household, not placed; the total
    assert [r[1:7] for r in rows] == [
        ["安家村", 2, 1, 1, 1, 100.0],
        ["和平村", 1, 0, 1, 0, None],
        ["甲镇", 3, 1, 2, 1, 100.0],
    ]
    cadre = login(world.users["cadre_a1"])
    assert cadre.get("/doorstep/circle/").status_code == 200
    assert cadre.get(f"/doorstep/circle/?region={world.village_b1.pk}").status_code == 404
    for bad in ("abc", "99999999999999999999", str(world.grid_a1.pk * 1000)):
        assert official.get(f"/doorstep/circle/?region={bad}").status_code == 404
    assert official.get("/doorstep/circle/?minutes=abc").status_code == 200  # falls back to 15
    for who in ("villager_a1", "department", "grid_a1"):
        assert login(world.users[who]).get("/doorstep/circle/").status_code == 403


# -- API ------------------------------------------------------------------------------------------------------------


def _post(client, url, data, headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_points_api(client, api_token, world, points):
    admin = api_token(world.users["township_a"])
    listed = client.get(f"{API}/points", **admin).json()
    assert [p["name"] for p in listed] == ["安家村便民服务室"]
    data = {**_point_data(world), "latitude": 26.01, "longitude": 102.01}
    before = _snapshot()
    for bad, status in (
        ({"latitude": 60}, 422),
        ({"latitude": 100}, 422),
        ({"latitude": "abc"}, 422),
        ({"longitude": None}, 422),
        ({"village": world.village_b1.pk}, 422),
        ({"village": 0}, 422),
        ({"name": ""}, 422),
        ({"township": world.township_b.pk, "village": None}, 404),
        ({"township": None}, 422),
    ):
        response = _post(client, f"{API}/points", {**data, **bad}, admin)
        assert response.status_code == status, (bad, response.content)
        assert "detail" in response.json()
    assert _snapshot() == before
    created = _post(client, f"{API}/points", data, admin)
    assert created.status_code == 201 and created.json()["level"] == "village"
    pk = created.json()["id"]
    changed = _post(client, f"{API}/points/{pk}", {**data, "active": False, "hours": "全天"}, admin)
    assert changed.status_code == 200 and changed.json()["active"] is False
    before = _snapshot()
    other = _post(client, f"{API}/points/{points['centre_b'].pk}", {**data, "village": None}, admin)
    assert other.status_code == 404 and _snapshot() == before
    villager = api_token(world.users["villager_a1"])
    assert _post(client, f"{API}/points/{points['room'].pk}", data, villager).status_code == 404
    assert _post(client, f"{API}/points", data, villager).status_code == 404
    assert client.get(f"{API}/points", **api_token(world.users["department"])).status_code == 403
    assert _snapshot() == before


def test_agents_api(client, api_token, world, ds):
    admin = api_token(world.users["county_admin"])
    listed = client.get(f"{API}/agents", **admin).json()
    assert {a["name"] for a in listed} == {"网格员甲", "志愿者乙"}
    assert all(a["open_requests"] == 0 and a["username"] for a in listed)
    villager = client.get(f"{API}/agents", **api_token(world.users["villager_a1"])).json()
    assert {a["name"] for a in villager} == {"网格员甲", "志愿者乙"}
    assert all(a["open_requests"] is None and a["username"] is None for a in villager)
    data = {
        "township": world.township_a.pk,
        "username": "reviewer_a1",
        "name": "村务助理丙",
        "kind": "assistant",
        "phone": "",
        "villages": [world.village_a1.pk],
    }
    before = _snapshot()
    for bad, status in (
        ({"villages": [world.village_b1.pk]}, 422),
        ({"villages": [0]}, 422),
        ({"villages": "x"}, 422),
        ({"username": "grid_a1"}, 422),
        ({"kind": "boss"}, 422),
        ({"township": world.township_b.pk, "villages": [world.village_b1.pk]}, 200),
    ):
        response = _post(client, f"{API}/agents", {**data, **bad}, api_token(world.users["township_a"]))
        if status == 200:
            assert response.status_code == 404
        else:
            assert response.status_code == status, (bad, response.content)
    assert _snapshot() == before
    created = _post(client, f"{API}/agents", data, admin)
    assert created.status_code == 201 and created.json()["villages"] == [{"id": world.village_a1.pk, "name": "安家村"}]
    pk = created.json()["id"]
    changed = _post(client, f"{API}/agents/{pk}", {**data, "active": False}, admin)
    assert changed.status_code == 200 and changed.json()["active"] is False
    before = _snapshot()
    denied = _post(client, f"{API}/agents/{pk}", {**data, "name": "改"}, api_token(world.users["cadre_a1"]))
    assert denied.status_code == 404 and _snapshot() == before


def test_circle_api(client, api_token, world, points):
    official = api_token(world.users["county_official"])
    result = client.get(f"{API}/circle", **official)
    body = result.json()
    assert result.status_code == 200 and body["region"]["id"] == world.county.pk
    assert body["speed_kmh"] == 4.0 and body["detour_factor"] == 1.3 and body["walk_m"] == 1000.0
    assert body["total"]["households"] == 4 and body["total"]["unlocated"] == 4 and body["total"]["share"] is None
    assert len(body["villages"]) == 3 and len(body["points"]) == 2
    township = client.get(f"{API}/circle?region={world.township_b.pk}&minutes=30", **official).json()
    assert township["minutes"] == 30 and [v["name"] for v in township["villages"]] == ["新桥村"]
    for query, status in (
        ("minutes=0", 422),
        ("minutes=abc", 422),
        ("speed_kmh=100", 422),
        ("region=abc", 422),
        ("region=0", 422),
        (f"region={world.grid_a1.pk + 100000}", 404),
    ):
        assert client.get(f"{API}/circle?{query}", **official).status_code == status, query
    cadre = api_token(world.users["cadre_a1"])
    assert client.get(f"{API}/circle?region={world.village_b1.pk}", **cadre).status_code == 404
    assert client.get(f"{API}/circle", **cadre).json()["region"]["id"] == world.village_a1.pk
    assert client.get(f"{API}/circle", **api_token(world.users["villager_a1"])).status_code == 403


def test_bad_input_never_answers_500(client, login, api_token, world, ds, points):
    admin = login(world.users["county_admin"])
    before = _snapshot()
    for url in ("/doorstep/places/999999/", "/doorstep/agents/999999/"):
        assert admin.get(url).status_code == 404
    assert admin.get("/doorstep/circle/?minutes=100000&region=").status_code == 200
    assert admin.get(f"/doorstep/agents/?township={world.township_b.pk}").status_code == 200
    assert admin.get("/doorstep/agents/?township=abc").status_code == 200
    response = admin.post("/doorstep/agents/", {"township": "abc", "villages": ["abc"], "username": "x"})
    assert response.status_code == 400
    response = admin.post("/doorstep/places/", {"township": "abc", "village": "x", "name": "点", "latitude": "1e400"})
    assert response.status_code == 400
    response = admin.post(f"/doorstep/places/{points['room'].pk}/", {"name": "点", "latitude": "26", "longitude": "x"})
    assert response.status_code == 400
    headers = api_token(world.users["county_admin"])
    assert client.get(f"{API}/points?township=abc", **headers).status_code == 422
    assert client.get(f"{API}/agents?township=0", **headers).status_code == 422
    long_name = {"township": world.township_a.pk, "name": "长" * 300}
    assert _post(client, f"{API}/points", long_name, headers).status_code == 422
    assert (
        _post(client, f"{API}/points", {"township": world.township_a.pk, "name": "长" * 100}, headers).status_code
        == 422
    )
    assert client.post(f"{API}/points", "not json", content_type="application/json", **headers).status_code in (
        400,
        422,
    )
    assert _post(client, f"{API}/points/999999", {"name": "x"}, headers).status_code == 404
    assert (
        _post(
            client, f"{API}/agents/999999", {"name": "x", "username": "x", "kind": "x", "villages": []}, headers
        ).status_code
        == 404
    )
    assert _snapshot() == before
