"""The honours' pages by role: a villager nominates on the phone, the panel evaluates through casework's step page
and publishes the quarter, the public board shows names and deeds without login (no phones, no ID numbers), the
county keeps its boards; a denial changes nothing."""

import pytest

from honours import services
from honours.models import Board, Nomination, Objection

pytestmark = pytest.mark.usefixtures("panel")


def test_a_villager_nominates_on_the_phone(world, login, board):
    client = login(world.users["villager_a1"])
    assert board.name in client.get("/honours/nominate/").content.decode()
    picked = client.get(f"/honours/nominate/?board={board.pk}&q=刘").content.decode()
    assert "刘桂兰" in picked
    assert "陈志强" not in client.get(f"/honours/nominate/?board={board.pk}&q=陈").content.decode()
    url = f"/honours/nominate/?board={board.pk}&nominee={world.people['a1_wife'].pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"deeds": "义务照顾孤寡老人三年。"})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Nomination.objects.get()
    assert case.person == world.people["a1_wife"]
    assert case.number in client.get(response["Location"]).content.decode()
    assert case.number in client.get("/honours/").content.decode()


def test_nominating_someone_outside_the_village_writes_nothing(world, login, board):
    client = login(world.users["villager_a1"])
    outside = world.people["b1_head"].pk
    response = client.post(f"/honours/nominate/?board={board.pk}&nominee={outside}", {"deeds": "好人好事"})
    assert response.status_code == 200 and Nomination.objects.count() == 0
    bad = client.post(
        f"/honours/nominate/?board={board.pk}&nominee={world.people['a1_wife'].pk}", {"deeds": "电话13812345678"}
    )
    assert bad.status_code == 400 and Nomination.objects.count() == 0


def test_the_panel_evaluates_publishes_and_the_public_board_shows_it(world, login, client, board):
    case = services.nomination_create(
        actor=world.users["villager_a1"], board=board, person=world.people["a1_wife"], deeds="照顾邻居老人。"
    )
    nominator = login(world.users["villager_a1"])
    assert nominator.get("/honours/panel/").status_code == 403
    refused = nominator.post(
        f"/casework/cases/honour/{case.pk}/steps/accept/", {"accept-version": case.version, "accept-rank": "1"}
    )
    assert refused.status_code in (400, 403)
    case.refresh_from_db()
    assert case.state == "nominated"

    member = login(world.users["panel_a1"])
    assert case.name in member.get("/honours/panel/").content.decode()
    took = member.post(
        f"/casework/cases/honour/{case.pk}/steps/accept/",
        {"accept-version": case.version, "accept-rank": "1", "accept-score": "96"},
    )
    assert took.status_code == 302
    quarter = f"{case.year}-{case.quarter}"
    assert (
        member.post("/honours/panel/publish/", {"village": world.village_a1.pk, "quarter": quarter}).status_code == 302
    )
    case.refresh_from_db()
    assert case.state == "published"

    sheet = member.get(f"/honours/boards/?village={world.village_a1.pk}&quarter={quarter}&format=xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    from io import BytesIO

    from openpyxl import load_workbook

    cells = [r for r in load_workbook(BytesIO(sheet.content)).active.iter_rows(values_only=True)]
    assert any(row[2] == "刘桂兰" and row[1] == 1 for row in cells[2:])

    client.logout()
    page = client.get(f"/public/{world.village_a1.code}/honours/?quarter={quarter}")
    text = page.content.decode()
    assert page.status_code == 200 and "刘桂兰" in text and "照顾邻居老人" in text
    assert "13800000002" not in text and "138****" not in text and world.people["a1_wife"].id_number_masked not in text
    printed = client.get(f"/public/{world.village_a1.code}/honours/print/?quarter={quarter}")
    assert printed.status_code == 200 and "刘桂兰" in printed.content.decode()
    assert client.get("/public/000000/honours/").status_code == 404
    assert client.get(f"/public/{world.village_a1.code}/honours/?quarter=bad").status_code == 404


def test_a_villager_objects_from_the_public_board(world, login, board):
    case = services.nomination_create(
        actor=world.users["grid_a1"], board=board, person=world.people["a1_head"], deeds="带头修路。"
    )
    services.nomination_step(actor=world.users["cadre_a1"], case=case, step="accept", data={"rank": 1})
    case.refresh_from_db()
    services.nomination_step(actor=world.users["cadre_a1"], case=case, step="publish")
    outsider = login(world.users["cadre_b1"])
    assert outsider.post(f"/honours/{case.pk}/object/", {"text": "不同意"}).status_code == 404
    assert Objection.objects.count() == 0
    villager = login(world.users["villager_a1"])
    assert villager.get(f"/honours/{case.pk}/object/").status_code == 200
    assert villager.post(f"/honours/{case.pk}/object/", {"text": "修路是村集体出资"}).status_code == 302
    assert Objection.objects.get().made_by == world.users["villager_a1"]
    member = login(world.users["panel_a1"])
    assert "修路是村集体出资" in member.get(f"/honours/{case.pk}/").content.decode()


def test_the_honour_is_on_the_household_page(world, login, board):
    case = services.nomination_create(
        actor=world.users["villager_a1"], board=board, person=world.people["a1_wife"], deeds="照顾邻居老人。"
    )
    services.nomination_step(actor=world.users["cadre_a1"], case=case, step="accept", data={"rank": 1})
    case.refresh_from_db()
    services.nomination_step(actor=world.users["cadre_a1"], case=case, step="publish")
    page = login(world.users["cadre_a1"]).get(f"/registry/households/{world.households['a1'].pk}/").content.decode()
    assert board.name in page and "刘桂兰" in page


def test_the_county_keeps_its_boards_and_others_only_read_them(world, login):
    official = login(world.users["county_official"])
    assert "先锋榜" in official.get("/honours/settings/").content.decode()
    assert official.post("/honours/settings/", {"code": "x", "name": "x", "subject": "person"}).status_code == 403
    admin = login(world.users["county_admin"])
    response = admin.post(
        "/honours/settings/",
        {"code": "safe", "name": "平安榜", "subject": "person", "places": "8", "publicity_days": "5", "active": "on"},
    )
    assert response.status_code == 302
    assert Board.objects.get(code="safe").places == 8
    pioneer = Board.objects.get(county=world.county, code="pioneer")
    edit = admin.post(
        "/honours/settings/",
        {"board": pioneer.pk, "name": "先锋榜", "subject": "person", "places": "12", "publicity_days": "7"},
    )
    assert edit.status_code == 302
    pioneer.refresh_from_db()
    assert pioneer.places == 12 and pioneer.publicity_days == 7 and not pioneer.active


def test_the_quarter_boards_page_and_the_home_card(world, login):
    cadre = login(world.users["cadre_a1"])
    assert cadre.get("/honours/boards/").status_code == 200
    assert cadre.get("/").status_code == 200
    assert login(world.users["department"]).get("/honours/").status_code == 403
