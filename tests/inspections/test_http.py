"""The pages and the API by role: who reads, who writes; a refusal (403, 404, 422) changes nothing."""

from __future__ import annotations

import json

import pytest

from core.models import AuditEvent
from inspections import services
from inspections.defaults import default_headings
from inspections.models import Deduction, Inspection, Round, RoundState, Sheet
from tests.inspections.conftest import photo


def _state():
    return (
        Sheet.objects.count(),
        Round.objects.count(),
        Inspection.objects.count(),
        Deduction.objects.count(),
        AuditEvent.objects.count(),
        tuple(Round.objects.values_list("state", flat=True)),
    )


PAGES = [
    (
        "/inspections/",
        {
            "cadre_a1": 200,
            "grid_a1": 200,
            "township_a": 200,
            "county_official": 200,
            "county_admin": 200,
            "villager_a1": 403,
            "mediator": 403,
        },
    ),
    ("/inspections/sheets/", {"county_admin": 200, "cadre_a1": 200, "villager_a1": 404}),
    ("/inspections/summary/", {"county_official": 200, "township_a": 200, "villager_a1": 403}),
]


@pytest.mark.parametrize("url,expected", PAGES)
def test_pages_by_role(world, seven, client, url, expected):
    for name, status in expected.items():
        client.force_login(world.users[name])
        assert client.get(url).status_code == status, (url, name)


def test_round_pages_by_role(world, seven, client):
    rnd = seven.round
    for name, status in {
        "cadre_a1": 200,
        "grid_a1": 200,
        "township_a": 200,
        "county_official": 200,
        "cadre_b1": 404,
        "villager_a1": 403,
    }.items():
        client.force_login(world.users[name])
        assert client.get(f"/inspections/rounds/{rnd.pk}/").status_code == status, name
        assert client.get(f"/inspections/rounds/{rnd.pk}/board/").status_code == status, name
    client.force_login(world.users["township_a"])
    assert client.get(f"/inspections/rounds/{rnd.pk}/inspect/").status_code == 403
    client.force_login(world.users["cadre_b1"])
    assert client.get(f"/inspections/rounds/{rnd.pk}/inspect/").status_code == 404


def test_the_phone_screen_saves_and_moves_to_the_next_household(world, seven, client):
    client.force_login(world.users["cadre_a1"])
    g = seven.groups[1]
    first = [h for h in seven.households if h.group_id == g.pk][0]
    page = client.get(f"/inspections/rounds/{seven.round.pk}/inspect/?group={g.pk}")
    assert page.status_code == 200 and first.head_name in page.content.decode()
    assert "已查 0/7" in page.content.decode() or "Inspected 0/7" in page.content.decode()
    d = seven.detail(4)
    response = client.post(
        f"/inspections/rounds/{seven.round.pk}/inspect/?group={g.pk}",
        {"household": first.pk, f"d_{d.pk}": "2", f"p_{d.pk}": photo(), "note": "院坝有杂物"},
    )
    assert response.status_code == 302 and f"group={g.pk}" in response["Location"]
    i = Inspection.objects.get(household=first)
    assert i.score == 98 and i.note == "院坝有杂物"
    following = client.get(response["Location"])
    assert following.status_code == 200
    assert "1/7" in following.content.decode()
    photo_url = f"/inspections/deductions/{i.deductions.get().pk}/thumb/"
    assert client.get(photo_url).status_code == 200
    client.force_login(world.users["cadre_b1"])
    assert client.get(photo_url).status_code == 404


def test_a_refused_screen_shows_the_message_and_writes_nothing(world, seven, client):
    client.force_login(world.users["cadre_a1"])
    d = seven.detail(0)
    before = _state()
    response = client.post(
        f"/inspections/rounds/{seven.round.pk}/inspect/", {"household": seven.households[0].pk, f"d_{d.pk}": "2"}
    )
    assert response.status_code == 422
    assert d.text in response.content.decode()
    too_much = client.post(
        f"/inspections/rounds/{seven.round.pk}/inspect/",
        {"household": seven.households[0].pk, f"d_{d.pk}": "9", f"p_{d.pk}": photo()},
    )
    assert too_much.status_code == 422
    # a household of another village is not on this screen
    other = client.post(f"/inspections/rounds/{seven.round.pk}/inspect/", {"household": world.households["a2"].pk})
    assert other.status_code == 404
    assert _state() == before


def test_publishing_needs_the_confirmation_and_the_role(world, seven, client):
    services.inspection_save(actor=world.users["cadre_a1"], round=seven.round, household=seven.households[0])
    url = f"/inspections/rounds/{seven.round.pk}/publish/"
    before = _state()
    client.force_login(world.users["grid_a1"])
    assert client.post(url, {"confirm": "1"}).status_code == 403
    client.force_login(world.users["cadre_b1"])
    assert client.post(url, {"confirm": "1"}).status_code == 404
    client.force_login(world.users["cadre_a1"])
    assert client.post(url, {}).status_code == 302
    assert _state() == before
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/board/")
    assert Round.objects.get().state == RoundState.PUBLISHED
    board = client.get(response["Location"]).content.decode()
    assert seven.households[0].head_name in board


def test_the_sheet_pages(world, client):
    admin = world.users["county_admin"]
    client.force_login(admin)
    page = client.get("/inspections/sheets/new/")
    assert page.status_code == 200 and "家具摆好" in page.content.decode()
    form = {"title": "七个好 v2", "total": "100", "effective_from": "", "note": "调整"}
    for n, h in enumerate(default_headings(), start=1):
        form[f"h{n}_name"] = h["name"]
        form[f"h{n}_points"] = str(h["points"])
        form[f"h{n}_details"] = "\n".join(f"{d['text']} | {d['points']}" for d in h["details"])
    bad = dict(form, h3_details=form["h3_details"] + "\n多出的一项 | 2")
    before = _state()
    response = client.post("/inspections/sheets/new/", bad)
    assert response.status_code == 422 and "农具放好" in response.content.decode()
    assert _state() == before
    response = client.post("/inspections/sheets/new/", form)
    assert response.status_code == 302
    sheet = Sheet.objects.get(number=2)
    client.force_login(world.users["cadre_a1"])
    assert client.get("/inspections/sheets/new/").status_code == 403
    assert client.post(f"/inspections/sheets/{sheet.pk}/", {"retired_on": ""}).status_code == 404
    assert Sheet.objects.get(pk=sheet.pk).retired_on is None
    client.force_login(admin)
    assert client.post(f"/inspections/sheets/{sheet.pk}/", {"retired_on": ""}).status_code == 302
    assert Sheet.objects.get(pk=sheet.pk).retired_on is not None


def test_the_summary_downloads_as_xlsx(world, seven, client):
    from io import BytesIO

    from openpyxl import load_workbook

    services.inspection_save(actor=world.users["cadre_a1"], round=seven.round, household=seven.households[0])
    client.force_login(world.users["county_official"])
    r = seven.round
    response = client.get(f"/inspections/summary/?year={r.year}&quarter={r.quarter}&format=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert len(rows) == 4  # the header and the county's three villages
    assert any(row[1] == "安家村" and row[3] == 1 for row in rows)


# -- the API -----------------------------------------------------------------------------------------------------


def test_the_api_round_trip(world, seven, client, api_token):
    cadre = api_token(world.users["cadre_a1"])
    r = seven.round
    assert client.get("/api/inspections/rounds", **cadre).json()[0]["id"] == r.pk
    progress = client.get(f"/api/inspections/rounds/{r.pk}", **cadre).json()["progress"]
    assert sum(g["households"] for g in progress) == 22
    d = seven.detail(2)
    response = client.post(
        f"/api/inspections/rounds/{r.pk}/inspections",
        {"household": seven.households[0].pk, "deductions": json.dumps({str(d.pk): 3}), f"p_{d.pk}": photo()},
        **cadre,
    )
    assert response.status_code == 200, response.content
    assert response.json()["score"] == 97
    before = _state()
    refused = [
        client.post(
            f"/api/inspections/rounds/{r.pk}/inspections",
            {"household": seven.households[1].pk, "deductions": json.dumps({str(d.pk): 4}), f"p_{d.pk}": photo()},
            **cadre,
        ),
        client.post(
            f"/api/inspections/rounds/{r.pk}/inspections",
            {"household": seven.households[1].pk, "deductions": json.dumps({str(d.pk): 1})},
            **cadre,
        ),
        client.post(f"/api/inspections/rounds/{r.pk}/inspections", {"household": world.households["a2"].pk}, **cadre),
        client.post(
            f"/api/inspections/rounds/{r.pk}/inspections",
            {"household": seven.households[1].pk, "deductions": "[1"},
            **cadre,
        ),
    ]
    assert [x.status_code for x in refused] == [422, 422, 422, 422]
    assert all(x.json().get("detail") or x.json().get("errors") for x in refused)
    assert _state() == before
    board = client.get(f"/api/inspections/rounds/{r.pk}/board", **cadre).json()
    assert board["published"] is False and len(board["not_inspected"]) == 21
    published = client.post(f"/api/inspections/rounds/{r.pk}/publish", **cadre)
    assert published.status_code == 200 and published.json()["state"] == "published"


def test_the_api_by_role(world, seven, client, api_token):
    r = seven.round
    grid, other, villager, cadre = (
        api_token(world.users[n]) for n in ("grid_a1", "cadre_b1", "villager_a1", "cadre_a1")
    )
    before = _state()
    assert client.post(f"/api/inspections/rounds/{r.pk}/publish", **grid).status_code == 403
    assert (
        client.post(
            "/api/inspections/rounds",
            {"village": world.village_a1.pk, "year": 2024, "quarter": 1},
            content_type="application/json",
            **grid,
        ).status_code
        == 403
    )
    assert client.get(f"/api/inspections/rounds/{r.pk}", **other).status_code == 404
    assert (
        client.post(
            f"/api/inspections/rounds/{r.pk}/inspections", {"household": seven.households[0].pk}, **other
        ).status_code
        == 404
    )
    assert client.get("/api/inspections/rounds", **villager).status_code == 403
    sheet = Sheet.objects.get()
    assert (
        client.post(
            f"/api/inspections/sheets/{sheet.pk}/retire", {}, content_type="application/json", **cadre
        ).status_code
        == 404
    )
    assert _state() == before


def test_the_api_sheet_and_shares(world, client, api_token):
    admin = api_token(world.users["county_admin"])
    sheets = client.get("/api/inspections/sheets", **admin).json()
    full = client.get(f"/api/inspections/sheets/{sheets[0]['id']}", **admin).json()
    assert len(full["headings"]) == 7 and sum(len(h["details"]) for h in full["headings"]) == 35
    headings = full["headings"]
    headings[0]["points"] = 20
    official = api_token(world.users["county_official"])
    before = _state()
    bad = client.post(
        "/api/inspections/sheets",
        {"county": world.county.pk, "title": "v2", "total": 100, "headings": headings},
        content_type="application/json",
        **admin,
    )
    assert bad.status_code == 422 and "家具摆好" in json.dumps(bad.json(), ensure_ascii=False)
    assert _state() == before
    headings[0]["points"] = 15
    ok = client.post(
        "/api/inspections/sheets",
        {"county": world.county.pk, "title": "v2", "total": 100, "headings": headings},
        content_type="application/json",
        **admin,
    )
    assert ok.status_code == 201 and ok.json()["number"] == 2
    shares = client.put(
        f"/api/inspections/policies/{world.county.pk}",
        {"praise_percent": "3", "exposure_percent": "6", "group_percent": "25"},
        content_type="application/json",
        **admin,
    )
    assert shares.status_code == 200 and shares.json()["exposure_percent"] == "6"
    assert (
        client.put(
            f"/api/inspections/policies/{world.county.pk}",
            {"praise_percent": "9", "exposure_percent": "9", "group_percent": "9"},
            content_type="application/json",
            **official,
        ).status_code
        == 404
    )
    assert client.get(f"/api/inspections/policies/{world.county.pk}", **official).json()["praise_percent"] == "3"


def test_the_reinspection_page_and_api(world, seven, client, api_token):
    cadre = world.users["cadre_a1"]
    for n, h in enumerate(seven.households):
        d = seven.detail(n % 5)
        deductions = {d.pk: 3} if n == 19 else {}
        services.inspection_save(
            actor=cadre, round=seven.round, household=h, deductions=deductions, photos={d.pk: photo()}
        )
    services.round_publish(actor=cadre, round=seven.round)
    exposed = Inspection.objects.get(board="exposure")
    praised = Inspection.objects.filter(board="praise").first()
    token = api_token(world.users["township_a"])
    client.force_login(cadre)
    url = f"/inspections/inspections/{exposed.pk}/recheck/"
    page = client.get(url)
    assert page.status_code == 200 and exposed.household.head_name in page.content.decode()
    d = seven.detail(1)
    before = _state()
    assert client.post(url, {f"d_{d.pk}": "1"}).status_code == 422  # no photo
    assert client.post(f"/inspections/inspections/{praised.pk}/recheck/", {}).status_code == 422  # not exposed
    assert _state() == before
    response = client.post(url, {"rectified": "1", "note": "已整改"})
    assert response.status_code == 302
    recheck = Inspection.objects.get(kind="recheck")
    assert recheck.rectified and recheck.score == 100 and recheck.recheck_of_id == exposed.pk
    board = client.get(f"/inspections/rounds/{seven.round.pk}/board/").content.decode()
    assert "Rectified" in board or "已整改" in board
    # the township reads but does not reinspect
    before = _state()
    refused = client.post(f"/api/inspections/inspections/{exposed.pk}/recheck", {}, **token)
    assert refused.status_code == 403
    assert _state() == before
    again = client.post(
        f"/api/inspections/inspections/{exposed.pk}/recheck",
        {"deductions": json.dumps({str(d.pk): 1}), f"p_{d.pk}": photo(), "rectified": "false"},
        **api_token(cadre),
    )
    assert again.status_code == 200, again.content
    assert again.json()["score"] == 99 and again.json()["rectified"] is False


def test_the_household_page_shows_its_seven_goods(world, seven, client):
    h = seven.households[0]
    services.inspection_save(actor=world.users["cadre_a1"], round=seven.round, household=h)
    client.force_login(world.users["cadre_a1"])
    page = client.get(f"/registry/households/{h.pk}/")
    assert page.status_code == 200
    assert "household-inspections" in page.content.decode()
    client.force_login(world.users["villager_a1"])
    own = client.get(f"/registry/households/{world.households['a1'].pk}/")
    assert "household-inspections" not in own.content.decode()
