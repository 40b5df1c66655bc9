"""The committees page and API by role: the village's cadre keeps them, another village's cadre cannot, a refused
write changes nothing."""

import pytest

from committees import services
from committees.models import Committee, CommitteeKind, Member


@pytest.fixture
def council(world):
    return services.committee_set(
        actor=world.users["cadre_a1"], village=world.village_a1, kind=CommitteeKind.CUSTOMS_COUNCIL
    )


def test_the_cadre_sees_and_keeps_the_village_committees(world, login, council):
    client = login(world.users["cadre_a1"])
    page = client.get("/committees/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "红白理事会" in body and "邻里互助会" in body and "安家村" in body
    response = client.post(
        "/committees/",
        {
            "form": "seat",
            "village": world.village_a1.pk,
            "s-committee": council.pk,
            "s-name": "王德明",
            "s-post": "chair",
            "s-username": "grid_a1",
        },
    )
    assert response.status_code == 302
    seat = Member.objects.get()
    assert seat.user == world.users["grid_a1"] and seat.post == "chair"
    assert "王德明" in client.get("/committees/").content.decode()
    assert client.post(f"/committees/members/{seat.pk}/end/").status_code == 302
    seat.refresh_from_db()
    assert seat.ended_on is not None


def test_a_refused_seat_is_shown_beside_the_form_and_nothing_is_written(world, login, council):
    client = login(world.users["cadre_a1"])
    response = client.post(
        "/committees/",
        {
            "form": "seat",
            "village": world.village_a1.pk,
            "s-committee": council.pk,
            "s-name": "谁",
            "s-username": "nobody",
        },
    )
    assert response.status_code == 400
    assert "没有" in response.content.decode() or "账号" in response.content.decode()
    assert not Member.objects.exists()


def test_others_cannot_write(world, login, council):
    villager = login(world.users["villager_a1"])
    assert villager.get("/committees/").status_code in (200, 403)
    assert (
        villager.post(
            "/committees/", {"form": "committee", "village": world.village_a1.pk, "c-kind": "mutual_aid"}
        ).status_code
        == 403
    )
    other = login(world.users["cadre_b1"])
    # another village's cadre sees their own village and may not post for 安家村's committees
    assert other.post(
        "/committees/", {"form": "seat", "village": world.village_a1.pk, "s-committee": council.pk, "s-name": "x"}
    ).status_code in (400, 403)
    seat = services.member_add(actor=world.users["cadre_a1"], committee=council, name="留任")
    assert other.post(f"/committees/members/{seat.pk}/end/").status_code == 404
    assert Member.objects.get().ended_on is None
    assert Committee.objects.count() == 1


def test_the_api_sets_up_seats_ends_and_lists(world, api_token, client):
    headers = api_token(world.users["cadre_a1"])
    made = client.post(
        "/api/committees",
        {"village": world.village_a1.pk, "kind": "mutual_aid", "name": "互助会"},
        content_type="application/json",
        **headers,
    )
    assert made.status_code == 200, made.content
    cid = made.json()["id"]
    seat = client.post(
        f"/api/committees/{cid}/members",
        {"name": "李长春", "post": "chair", "username": "grid_a1"},
        content_type="application/json",
        **headers,
    )
    assert seat.status_code == 200, seat.content
    listed = client.get(f"/api/committees?village={world.village_a1.pk}", **headers).json()
    assert [c["kind"] for c in listed] == ["mutual_aid"] and listed[0]["members"][0]["username"] == "grid_a1"
    bad = client.post(
        f"/api/committees/{cid}/members", {"name": "王", "post": "chair"}, content_type="application/json", **headers
    )
    assert bad.status_code == 422 and "post" in bad.json()["errors"]
    ended = client.post(
        f"/api/committees/members/{seat.json()['id']}/end", {}, content_type="application/json", **headers
    )
    assert ended.status_code == 200 and ended.json()["ended_on"]
    assert client.get(f"/api/committees?village={world.village_a1.pk}", **headers).json()[0]["members"] == []

    other = api_token(world.users["cadre_b1"])
    assert (
        client.post(
            f"/api/committees/{cid}/members", {"name": "x"}, content_type="application/json", **other
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/committees",
            {"village": world.village_a1.pk, "kind": "customs"},
            content_type="application/json",
            **other,
        ).status_code
        == 404
    )
    assert Committee.objects.count() == 1
