"""入户走访's pages by role: the grid worker's list and the visit form on the phone, the follow-up buttons, the
county's frequencies, the township's board and the overdue workbook; a denial changes nothing."""

from datetime import timedelta
from io import BytesIO

from django.utils import timezone

from core.models import AuditEvent
from visits.models import Frequency, Visit


def test_the_grid_worker_records_a_visit_from_the_list(world, login, rules):
    client = login(world.users["grid_a1"])
    page = client.get("/visits/").content.decode()
    assert "王建国" in page and "社区矫正" not in page  # restricted tag not named to a grid worker
    form = client.get(f"/visits/record/?household={world.households['a1'].pk}")
    assert form.status_code == 200 and "刘桂兰" in form.content.decode()
    response = client.post(
        "/visits/record/",
        {
            "household": world.households["a1"].pk,
            "visited_on": timezone.localdate().isoformat(),
            "how": "home",
            "person": world.people["a1_wife"].pk,
            "found": "屋顶漏雨，需要维修",
            "follow_up": "incident",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    visit = Visit.objects.get()
    assert visit.problem and visit.person == world.people["a1_wife"]
    page = client.get(response["Location"]).content.decode()
    assert f"/incidents/report/?household={world.households['a1'].pk}" in page
    assert "/mediation/new/?village=" in page and "/doorstep/new/?person=" in page
    assert "王建国" not in client.get("/visits/").content.decode()  # this week's visit made
    linked = client.post(response["Location"], {"reference": "510422-2026-00001"})
    assert linked.status_code == 302
    visit.refresh_from_db()
    assert visit.reference == "510422-2026-00001"


def test_a_future_date_is_shown_beside_the_form_and_nothing_is_written(world, login, rules):
    client = login(world.users["grid_a1"])
    events = AuditEvent.objects.count()
    response = client.post(
        "/visits/record/",
        {
            "household": world.households["a1"].pk,
            "visited_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "how": "home",
            "found": "x",
        },
    )
    assert response.status_code == 400
    assert timezone.localdate().isoformat() in response.content.decode()
    assert not Visit.objects.exists() and AuditEvent.objects.count() == events


def test_denials_change_nothing(world, login, rules):
    day = timezone.localdate().isoformat()
    post = {"household": world.households["a1"].pk, "visited_on": day, "how": "home", "found": "x"}
    other = login(world.users["cadre_b1"])
    assert other.post("/visits/record/", post).status_code == 200  # a household out of reach: the picker again
    assert other.get(f"/visits/record/?household={world.households['a1'].pk}").status_code == 200
    villager = login(world.users["villager_a1"])
    assert villager.get("/visits/").status_code == 403
    assert villager.post("/visits/record/", post).status_code == 403
    assert villager.get("/visits/board/").status_code == 403
    assert villager.get("/visits/overdue.xlsx").status_code == 403
    assert not Visit.objects.exists()
    cadre = login(world.users["cadre_a1"])
    assert cadre.get("/visits/board/").status_code == 403  # the board is the township's and the county's
    frequencies = cadre.post("/visits/frequencies/", {"tag": world.tags["dibao"].pk, "period": "month"})
    assert frequencies.status_code == 403 and Frequency.objects.count() == 2


def test_a_visit_is_read_only_by_those_who_may(world, login, rules):
    client = login(world.users["grid_a1"])
    client.post(
        "/visits/record/",
        {
            "household": world.households["a1"].pk,
            "visited_on": timezone.localdate().isoformat(),
            "how": "phone",
            "found": "电话问候，一切正常",
        },
    )
    visit = Visit.objects.get()
    assert login(world.users["cadre_b1"]).get(f"/visits/{visit.pk}/").status_code == 404
    assert login(world.users["villager_a1"]).get(f"/visits/{visit.pk}/").status_code == 404
    township = login(world.users["township_a"]).get(f"/visits/{visit.pk}/")
    assert township.status_code == 200 and "电话问候" in township.content.decode()
    household = login(world.users["cadre_a1"]).get(f"/registry/households/{world.households['a1'].pk}/")
    assert household.status_code == 200 and "电话问候" in household.content.decode()


def test_the_county_sets_a_frequency_on_its_page(world, login):
    client = login(world.users["county_admin"])
    assert client.get("/visits/frequencies/").status_code == 200
    response = client.post(
        "/visits/frequencies/",
        {"tag": world.tags["left_behind_child"].pk, "period": "month", "since": "2026-01-01", "active": "on"},
    )
    assert response.status_code == 302
    row = Frequency.objects.get()
    assert row.tag == world.tags["left_behind_child"] and row.period == "month" and row.active
    page = login(world.users["grid_a1"]).get("/visits/frequencies/")
    assert (
        page.status_code == 200 and "留守儿童" in page.content.decode() and 'name="period"' not in page.content.decode()
    )


def test_the_township_board_and_the_overdue_workbook(world, login, rules):
    from openpyxl import load_workbook

    client = login(world.users["township_a"])
    board = client.get("/visits/board/").content.decode()
    assert "安家村A1-02网格" in board and "新桥村" not in board
    book = client.get("/visits/overdue.xlsx")
    assert book.status_code == 200
    sheet = load_workbook(BytesIO(book.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "0002" in values and "李秀英" in values  # never visited: overdue
    assert "陈志强" not in values  # township B
    home = client.get("/").content.decode()
    assert "/visits/board/" in home


def _png(name="door.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_a_visit_keeps_its_photos_for_those_who_see_it(world, login, rules, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = login(world.users["grid_a1"])
    post = {
        "household": world.households["a1"].pk,
        "visited_on": timezone.localdate().isoformat(),
        "how": "home",
        "found": "院墙开裂",
    }
    refused = client.post("/visits/record/", {**post, "photos": [SimpleUploadedFile("x.png", b"not an image")]})
    assert refused.status_code == 400 and not Visit.objects.exists()
    response = client.post("/visits/record/", {**post, "photos": [_png()]})
    assert response.status_code == 302
    visit = Visit.objects.get()
    photo = visit.photos.get()
    url = f"/visits/{visit.pk}/photos/{photo.pk}/"
    assert url in client.get(f"/visits/{visit.pk}/").content.decode().replace("thumb/", "")
    assert client.get(url).status_code == 200 and client.get(url + "thumb/").status_code == 200
    assert login(world.users["cadre_b1"]).get(url).status_code == 404
