"""The honours through the API: boards, nominations (multipart), the steps through the generic case API, objections,
publishing a quarter and the public board; out of scope is 404 and a refusal writes nothing."""

import pytest

from honours.models import Board, Nomination, Objection

pytestmark = pytest.mark.usefixtures("panel")


def test_the_whole_procedure_through_the_api(world, client, api_token, board):
    villager = api_token(world.users["villager_a1"])
    assert len(client.get("/api/honours/boards", **villager).json()) == 10
    found = client.get(f"/api/honours/candidates?board={board.pk}&q=刘", **villager).json()
    assert [c["name"] for c in found] == ["刘桂兰"]
    outside = client.post(
        "/api/honours/nominations",
        {"board_id": board.pk, "person_id": world.people["b1_head"].pk, "deeds": "好人好事"},
        **villager,
    )
    assert outside.status_code == 422 and "person" in outside.json()["errors"]
    assert Nomination.objects.count() == 0
    made = client.post(
        "/api/honours/nominations",
        {"board_id": board.pk, "person_id": world.people["a1_wife"].pk, "deeds": "照顾邻居老人。"},
        **villager,
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    again = client.post(
        "/api/honours/nominations",
        {"board_id": board.pk, "person_id": world.people["a1_wife"].pk, "deeds": "照顾邻居老人。"},
        **villager,
    )
    assert again.status_code == 422 and Nomination.objects.count() == 1

    member = api_token(world.users["panel_a1"])
    waiting = client.get("/api/honours/nominations?which=to_evaluate", **member).json()
    assert [r["id"] for r in waiting] == [pk]
    case = f"/api/casework/cases/honour/{pk}"
    detail = client.get(case, **member).json()
    assert detail["deeds"] == "照顾邻居老人。"
    took = client.post(
        f"{case}/steps/accept",
        {"data": {"rank": 1}, "version": detail["version"]},
        content_type="application/json",
        **member,
    )
    assert took.status_code == 200, took.content
    quarter = made.json()["quarter"]
    published = client.post(
        "/api/honours/quarters/publish",
        {"village": world.village_a1.pk, "quarter": quarter},
        content_type="application/json",
        **member,
    )
    assert published.status_code == 200 and published.json()[0]["state"] == "published"

    grid = api_token(world.users["grid_a1"])
    objected = client.post(
        f"/api/honours/nominations/{pk}/objections", {"text": "事迹不实"}, content_type="application/json", **grid
    )
    assert objected.status_code == 201
    other = api_token(world.users["cadre_b1"])
    assert (
        client.post(
            f"/api/honours/nominations/{pk}/objections", {"text": "x"}, content_type="application/json", **other
        ).status_code
        == 404
    )
    assert Objection.objects.count() == 1
    assert len(client.get(f"/api/honours/nominations/{pk}/objections", **member).json()) == 1
    assert client.get(case, **other).status_code == 404

    public = client.get(f"/api/honours/public/{world.village_a1.code}?quarter={quarter}")
    assert public.status_code == 200
    kindness = next(b for b in public.json()["boards"] if b["board"] == board.name)
    assert kindness["honourees"][0]["name"] == "刘桂兰" and "phone" not in kindness["honourees"][0]


def test_the_boards_are_kept_by_the_county_admin_only(world, client, api_token):
    pioneer = Board.objects.get(county=world.county, code="pioneer")
    official = api_token(world.users["county_official"])
    assert (
        client.patch(
            f"/api/honours/boards/{pioneer.pk}", {"places": 3}, content_type="application/json", **official
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/honours/boards", {"code": "a", "name": "a"}, content_type="application/json", **official
        ).status_code
        == 403
    )
    admin = api_token(world.users["county_admin"])
    changed = client.patch(f"/api/honours/boards/{pioneer.pk}", {"places": 3}, content_type="application/json", **admin)
    assert changed.status_code == 200 and changed.json()["places"] == 3
    added = client.post(
        "/api/honours/boards",
        {"code": "yard", "name": "美丽庭院", "subject": "household"},
        content_type="application/json",
        **admin,
    )
    assert added.status_code == 201 and added.json()["subject"] == "household"
    bad = client.patch(f"/api/honours/boards/{pioneer.pk}", {"places": 0}, content_type="application/json", **admin)
    assert bad.status_code == 422
    assert Board.objects.get(pk=pioneer.pk).places == 3
