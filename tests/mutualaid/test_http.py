"""Pages and the API of mutual aid by role: who sees what, a refused write changes nothing, the steps through
casework's step view and API, the .xlsx downloads."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from casework.models import CaseEvent
from core.audit import AuditEvent
from mutualaid import fund
from mutualaid.models import Application, Band, FundEntry
from tests.mutualaid.conftest import apply, step, to_approved

pytestmark = pytest.mark.django_db

STEPS = "/api/casework/cases/mutualaid"


def snapshot():
    return (
        list(Application.objects.values_list("pk", "state", "version", "approved_amount")),
        FundEntry.objects.count(),
        Band.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("user", ["cadre_a1", "grid_a1", "villager_a1", "township_a", "county_official"])
def test_pages_open_for_each_role(aid, login, user):
    client = login(aid.world.users[user])
    assert client.get("/mutualaid/").status_code == 200
    assert client.get("/mutualaid/applications/").status_code == 200


def test_villager_applies_on_the_page(aid, login):
    client = login(aid.villager)
    person = aid.world.people["a1_head"]
    page = client.get("/mutualaid/applications/new/")
    assert page.status_code == 200 and person.name in page.content.decode()
    response = client.post(
        "/mutualaid/applications/new/",
        {"person": person.pk, "reason": "disaster", "amount_asked": "600", "situation": "房屋被风吹坏"},
    )
    assert response.status_code == 302
    case = Application.objects.get()
    assert case.state == "applied" and case.applicant == aid.villager
    assert client.get(response["Location"]).status_code == 200


def test_page_refuses_an_amount_above_the_band_with_a_chinese_message(aid, login):
    client = login(aid.villager)
    before = snapshot()
    response = client.post(
        "/mutualaid/applications/new/",
        {"person": aid.world.people["a1_head"].pk, "reason": "illness", "amount_asked": "9000", "situation": "x"},
    )
    assert response.status_code == 422
    assert "最高档" in response.content.decode() or "5000.00" in response.content.decode()
    assert snapshot() == before


def test_villager_cannot_apply_for_someone_outside_their_household(aid, login):
    client = login(aid.villager)
    before = snapshot()
    response = client.post(
        "/mutualaid/applications/new/",
        {"person": aid.world.people["b1_head"].pk, "reason": "illness", "amount_asked": "100", "situation": "x"},
    )
    assert response.status_code == 422
    assert snapshot() == before


def test_villager_cannot_approve_through_the_step_view(aid, login):
    case = apply(aid)
    step(aid.leader, case, "group_verify", finding="属实")
    step(aid.grid, case, "association_verify", finding="属实")
    case.refresh_from_db()
    client = login(aid.villager)
    before = snapshot()
    response = client.post(
        f"/casework/cases/mutualaid/{case.pk}/steps/approve/",
        {"approve-version": case.version, "approve-approved_amount": "800"},
    )
    assert response.status_code == 400
    assert snapshot() == before
    page = client.get(case.get_absolute_url()).content.decode()
    assert "approve-approved_amount" not in page


def test_cadre_approves_and_member_pays_through_the_step_view(aid, login):
    case = apply(aid)
    step(aid.leader, case, "group_verify", finding="属实")
    step(aid.grid, case, "association_verify", finding="属实")
    case.refresh_from_db()
    client = login(aid.cadre)
    response = client.post(
        f"/casework/cases/mutualaid/{case.pk}/steps/approve/",
        {"approve-version": case.version, "approve-approved_amount": "700"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.state == "approved"
    client = login(aid.grid)
    url = f"/casework/cases/mutualaid/{case.pk}/steps/pay/"
    data = {"pay-version": case.version, "pay-paid_on": date.today().isoformat()}
    assert client.post(url, data).status_code == 400  # not confirmed
    assert client.post(url, {**data, "pay-confirm": "on"}).status_code == 302
    assert fund.balance(aid.world.village_a1.pk) == 2300


def test_outsiders_get_404_for_an_application(aid, login):
    case = apply(aid)
    for user in ("cadre_b1", "township_a"):
        client = login(aid.world.users[user])
        assert client.get(case.get_absolute_url()).status_code == 404
        assert client.get(f"{STEPS}/{case.pk}").status_code == 404


def test_fund_page_records_and_reverses(aid, login):
    client = login(aid.cadre)
    village = aid.world.village_a1
    page = client.get(f"/mutualaid/fund/?village={village.pk}")
    assert page.status_code == 200 and "3000.00" in page.content.decode()
    before = snapshot()
    bad = client.post(
        f"/mutualaid/fund/?village={village.pk}",
        {"source": "society", "amount": "-5", "on": date.today().isoformat()},
    )
    assert bad.status_code == 422 and snapshot() == before
    good = client.post(
        f"/mutualaid/fund/?village={village.pk}",
        {"source": "society", "amount": "250.5", "on": date.today().isoformat(), "donor": "爱心企业"},
    )
    assert good.status_code == 302
    entry = FundEntry.objects.get(donor="爱心企业")
    assert client.post(f"/mutualaid/fund/entries/{entry.pk}/reverse/", {"reason": "录错"}).status_code == 302
    assert fund.balance(village.pk) == 3000
    xlsx = client.get(f"/mutualaid/fund/?village={village.pk}&format=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet.max_row >= 5


def test_villager_and_other_village_cannot_touch_the_fund(aid, login):
    village = aid.world.village_a1
    entry = FundEntry.objects.first()
    before = snapshot()
    for user in ("villager_a1", "cadre_b1"):
        client = login(aid.world.users[user])
        assert client.get(f"/mutualaid/fund/?village={village.pk}").status_code in (403, 404)
        response = client.post(f"/mutualaid/fund/entries/{entry.pk}/reverse/", {"reason": "x"})
        assert response.status_code == 404
    assert snapshot() == before


def test_township_reads_the_fund_but_cannot_record(aid, login):
    client = login(aid.world.users["township_a"])
    village = aid.world.village_a1
    assert client.get(f"/mutualaid/fund/?village={village.pk}").status_code == 200
    before = snapshot()
    response = client.post(
        f"/mutualaid/fund/?village={village.pk}", {"source": "society", "amount": "5", "on": date.today().isoformat()}
    )
    assert response.status_code in (404, 422)
    assert snapshot() == before


def test_bands_page(aid, login):
    client = login(aid.cadre)
    village = aid.world.village_a1
    assert client.get(f"/mutualaid/bands/?village={village.pk}").status_code == 200
    response = client.post(f"/mutualaid/bands/?village={village.pk}", {"name": "特大", "up_to": "8000"})
    assert response.status_code == 302
    band = Band.objects.get(name="特大")
    assert client.post(f"/mutualaid/bands/{band.pk}/remove/").status_code == 302
    assert not Band.objects.filter(name="特大").exists()


def test_figures_page_and_xlsx(aid, login):
    case = to_approved(aid)
    step(aid.cadre, case, "pay", paid_on=date.today().isoformat())
    client = login(aid.world.users["county_official"])
    page = client.get("/mutualaid/figures/")
    assert page.status_code == 200 and "800.00" in page.content.decode()
    xlsx = client.get(f"/mutualaid/figures/?format=xlsx&year={date.today().year}")
    book = load_workbook(BytesIO(xlsx.content))
    assert len(book.sheetnames) == 3
    assert login(aid.villager).get("/mutualaid/figures/").status_code == 403


# -- the API ----------------------------------------------------------------------------------------------------


def test_api_full_path(aid, api_token):
    villager, leader = api_token(aid.villager), api_token(aid.leader)
    grid, cadre = api_token(aid.grid), api_token(aid.cadre)
    client = __import__("django.test", fromlist=["Client"]).Client()
    created = client.post(
        "/api/mutualaid/applications",
        {"person": aid.world.people["a1_head"].pk, "reason": "accident", "amount_asked": "1500", "situation": "摔伤"},
        content_type="application/json",
        **villager,
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    def take(who, name, body):
        return client.post(f"{STEPS}/{pk}/steps/{name}", body, content_type="application/json", **who)

    assert take(villager, "group_verify", {"finding": "x"}).status_code in (403, 422)
    assert take(leader, "group_verify", {"finding": "属实"}).status_code == 200
    assert take(grid, "association_verify", {"finding": "属实"}).status_code == 200
    refused = take(cadre, "approve", {"approved_amount": "6000"})
    assert refused.status_code == 422 and "approved_amount" in refused.content.decode()
    assert take(cadre, "approve", {"approved_amount": "1500"}).status_code == 200
    assert take(grid, "pay", {"paid_on": date.today().isoformat()}).status_code == 422  # confirm missing
    assert take(grid, "pay", {"paid_on": date.today().isoformat(), "confirm": True}).status_code == 200
    detail = client.get(f"{STEPS}/{pk}", **villager).json()
    assert detail["state"] == "paid"
    lists = client.get("/api/mutualaid/applications", **villager).json()
    assert [r["id"] for r in lists["visible"]] == [pk]
    published = client.post(
        "/api/mutualaid/publish", {"village": aid.world.village_a1.pk}, content_type="application/json", **cadre
    )
    assert published.status_code == 201
    assert Application.objects.get(pk=pk).notice_id == published.json()["notice"]


def test_api_fund_and_bands(aid, api_token, client):
    cadre = api_token(aid.cadre)
    village = aid.world.village_a1.pk
    data = client.get(f"/api/mutualaid/fund?village={village}", **cadre).json()
    assert data["balance"] == "3000.00" and data["by_source"]["government"] == "2000.00"
    before = snapshot()
    for amount in ("0", "-10", "x"):
        bad = client.post(
            "/api/mutualaid/fund/contributions",
            {"village": village, "source": "society", "amount": amount, "on": date.today().isoformat()},
            content_type="application/json",
            **cadre,
        )
        assert bad.status_code == 422
    assert snapshot() == before
    ok = client.post(
        "/api/mutualaid/fund/contributions",
        {"village": village, "source": "society", "amount": "88.8", "on": date.today().isoformat()},
        content_type="application/json",
        **cadre,
    )
    assert ok.status_code == 201 and ok.json()["amount"] == "88.80"
    rev = client.post(
        f"/api/mutualaid/fund/entries/{ok.json()['id']}/reverse",
        {"reason": "错"},
        content_type="application/json",
        **cadre,
    )
    assert rev.status_code == 201 and rev.json()["amount"] == "-88.80"
    bands = client.get(f"/api/mutualaid/bands?village={village}", **cadre).json()
    assert [b["up_to"] for b in bands] == ["500.00", "2000.00", "5000.00"]
    added = client.post(
        "/api/mutualaid/bands",
        {"village": village, "name": "特大", "up_to": "9000"},
        content_type="application/json",
        **cadre,
    )
    assert added.status_code == 201
    assert client.post(f"/api/mutualaid/bands/{added.json()['id']}/remove", **cadre).status_code == 204
    villager = api_token(aid.villager)
    assert client.get(f"/api/mutualaid/fund?village={village}", **villager).status_code == 404
    figures = client.get("/api/mutualaid/figures", **api_token(aid.world.users["township_a"]))
    assert figures.status_code == 200 and figures.json()["money"]["in"] == "3000.00"


def test_application_with_a_photo_and_a_bad_file(aid, login):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, "JPEG")
    client = login(aid.villager)
    data = {"person": aid.world.people["a1_head"].pk, "reason": "illness", "amount_asked": "300", "situation": "看病"}
    before = snapshot()
    bad = client.post(
        "/mutualaid/applications/new/",
        {**data, "attachments": [SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")]},
    )
    assert bad.status_code == 422 and snapshot() == before
    good = client.post(
        "/mutualaid/applications/new/",
        {**data, "attachments": [SimpleUploadedFile("bill.jpg", buf.getvalue(), content_type="image/jpeg")]},
    )
    assert good.status_code == 302
    event = CaseEvent.objects.get(flow="mutualaid", transition="start")
    assert event.attachments.count() == 1


def test_api_figures_xlsx_and_scope(aid, api_token, client):
    county = api_token(aid.world.users["county_official"])
    response = client.get("/api/mutualaid/figures?format=xlsx", **county)
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).sheetnames
    assert client.get("/api/mutualaid/figures", **api_token(aid.villager)).status_code == 404
    other = client.get(
        f"/api/mutualaid/figures?region={aid.world.township_b.pk}", **api_token(aid.world.users["township_a"])
    )
    assert other.status_code == 404


def test_api_fund_ledger_xlsx(aid, api_token, client):
    response = client.get(f"/api/mutualaid/fund?village={aid.world.village_a1.pk}&format=xlsx", **api_token(aid.cadre))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.cell(row=3, column=4).value in (1000, 2000)  # under the caption and the heads


def test_reversal_without_a_reason_changes_nothing(aid, login):
    client = login(aid.cadre)
    entry = FundEntry.objects.first()
    before = snapshot()
    response = client.post(f"/mutualaid/fund/entries/{entry.pk}/reverse/", {"reason": "  "}, follow=True)
    assert response.status_code == 200 and snapshot() == before
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
