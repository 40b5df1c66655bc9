"""The 红白理事会's pages and API by role: a household declares on the phone, the council takes its steps through
casework's step page, the cadre sets the limits, the township reads the figures; a denial changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customs import services
from customs.models import Event, LimitSet

pytestmark = pytest.mark.usefixtures("council")


def _declared(world, days=0, **plan):
    return services.event_declare(
        actor=world.users["villager_a1"],
        household=world.households["a1"],
        kind="wedding",
        host="王建国",
        event_date=timezone.localdate() + timedelta(days=days),
        plan=plan or {"tables": 18},
        budget="50000",
    )


def test_a_villager_declares_on_the_phone(world, login, limits):
    client = login(world.users["villager_a1"])
    form = client.get("/customs/new/")
    assert form.status_code == 200 and "王建国" in form.content.decode()
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        "/customs/new/",
        {
            "household": world.households["a1"].pk,
            "kind": "wedding",
            "host": "王建国",
            "event_date": day,
            "plan__tables": "18",
            "plan__cars": "4",
            "plan__bearers": "9",
            "budget": "60000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.plan == {"tables": "18", "cars": "4"} and not event.on_behalf
    page = client.get(response["Location"]).content.decode()
    assert event.number in page and "待理事会回复" in page


def test_a_late_or_past_date_is_shown_beside_the_form_and_nothing_is_written(world, login, limits):
    client = login(world.users["villager_a1"])
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        "/customs/new/",
        {
            "household": world.households["a1"].pk,
            "kind": "wedding",
            "host": "王建国",
            "event_date": day,
            "plan__tables": "-3",
        },
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_the_council_takes_its_steps_through_the_case_pages(world, login, limits):
    event = _declared(world)
    member = login(world.users["grid_a1"])
    assert "等待" in member.get("/").content.decode() or member.get("/").status_code == 200
    home = member.get("/customs/").content.decode()
    assert event.number in home
    url = f"/casework/cases/customs/{event.pk}/steps/acknowledge/"
    assert member.post(url, {"acknowledge-version": event.version}).status_code == 302
    event.refresh_from_db()
    assert event.state == "registered"
    assess = f"/casework/cases/customs/{event.pk}/steps/assess/"
    refused = member.post(assess, {"assess-version": event.version, "assess-actual_tables": "30"})  # unconfirmed
    event.refresh_from_db()
    assert refused.status_code in (400, 422) and event.state == "registered"
    done = member.post(assess, {"assess-version": event.version, "assess-actual_tables": "30", "assess-confirm": "on"})
    assert done.status_code == 302
    event.refresh_from_db()
    assert event.result == "breach"
    page = member.get(f"/customs/{event.pk}/").content.decode()
    assert "超出标准" in page or "超标" in page


def test_a_villager_of_the_household_sees_it_on_the_household_page(world, login, limits):
    event = _declared(world)
    cadre = login(world.users["cadre_a1"])
    page = cadre.get(f"/registry/households/{world.households['a1'].pk}/").content.decode()
    assert event.number in page


def test_others_cannot_see_or_act(world, login, limits):
    event = _declared(world)
    other = login(world.users["cadre_b1"])
    assert other.get(f"/customs/{event.pk}/").status_code == 404
    assert (
        other.post(f"/casework/cases/customs/{event.pk}/steps/acknowledge/", {"version": event.version}).status_code
        == 404
    )
    neighbour = login(world.users["villager_a1"])
    assert neighbour.post(
        f"/casework/cases/customs/{event.pk}/steps/acknowledge/", {"version": event.version}
    ).status_code in (403, 400)
    event.refresh_from_db()
    assert event.state == "declared"


def test_the_cadre_sets_limits_on_the_page_and_a_villager_cannot(world, login):
    cadre = login(world.users["cadre_a1"])
    assert cadre.get("/customs/limits/").status_code == 200
    response = cadre.post(
        "/customs/limits/",
        {
            "village": world.village_a1.pk,
            "effective_from": timezone.localdate().isoformat(),
            "basis": "村规民约第八条",
            "wedding__tables": "20",
            "wedding__cars": "6",
            "funeral__bearers": "10",
            "funeral__bearer_pay": "100",
            "notice__wedding": "7",
        },
    )
    assert response.status_code == 302
    row = LimitSet.objects.get()
    assert row.values["wedding"] == {"tables": "20", "cars": "6"} and row.notice_days["wedding"] == 7
    page = cadre.get("/customs/limits/").content.decode()
    assert "村规民约第八条" in page
    bad = cadre.post(
        "/customs/limits/",
        {"village": world.village_a1.pk, "effective_from": timezone.localdate().isoformat(), "wedding__tables": "-1"},
    )
    assert bad.status_code == 400 and LimitSet.objects.count() == 1
    villager = login(world.users["villager_a1"])
    assert (
        villager.post(
            "/customs/limits/",
            {
                "village": world.village_a1.pk,
                "wedding__tables": "99",
                "effective_from": timezone.localdate().isoformat(),
            },
        ).status_code
        == 403
    )
    assert LimitSet.objects.count() == 1


def test_the_township_reads_the_figures_and_downloads_them(world, login, limits):
    event = _declared(world, budget=None)
    services.event_step(actor=world.users["grid_a1"], case=event, step="acknowledge")
    event.refresh_from_db()
    services.event_step(
        actor=world.users["grid_a1"], case=event, step="assess", data={"actual_tables": 12, "actual_cost": "30000"}
    )
    township = login(world.users["township_a"])
    page = township.get("/customs/figures/")
    assert page.status_code == 200 and "安家村" in page.content.decode()
    sheet = township.get(f"/customs/figures/?year={event.event_date.year}&format=xlsx")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxml")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(sheet.content)).active.iter_rows(values_only=True))
    anjia = next(r for r in rows if r[0] and "安家村" in str(r[0]))
    assert anjia[1] == 1 and anjia[6] == 1 and anjia[-1] == 20000  # declared, within, 50,000 − 30,000 saved
    assert login(world.users["villager_a1"]).get("/customs/figures/").status_code == 403


def test_the_api_declares_lists_steps_and_reads_limits(world, client, api_token, limits):
    headers = api_token(world.users["villager_a1"])
    day = (timezone.localdate() + timedelta(days=8)).isoformat()
    made = client.post(
        "/api/customs/events",
        {
            "household": world.households["a1"].pk,
            "kind": "feast",
            "host": "王建国",
            "event_date": day,
            "plan": {"tables": 8},
        },
        content_type="application/json",
        **headers,
    )
    assert made.status_code == 201, made.content
    assert client.get("/api/customs/events?which=mine", **headers).json()[0]["number"] == made.json()["number"]
    past = client.post(
        "/api/customs/events",
        {"household": world.households["a1"].pk, "kind": "feast", "host": "王建国", "event_date": "2020-01-01"},
        content_type="application/json",
        **headers,
    )
    assert past.status_code == 422 and "event_date" in past.json()["errors"]
    limits_now = client.get(f"/api/customs/limits?village={world.village_a1.pk}", **headers).json()
    assert limits_now["values"]["feast"]["tables"] == "10"

    member = api_token(world.users["grid_a1"])
    case = f"/api/casework/cases/customs/{made.json()['id']}"
    detail = client.get(case, **member).json()
    assert detail["plan"] == {"tables": "8"}
    took = client.post(
        f"{case}/steps/advise",
        {"data": {"advice": "控制在8桌"}, "version": detail["version"]},
        content_type="application/json",
        **member,
    )
    assert took.status_code == 200, took.content
    other = api_token(world.users["cadre_b1"])
    assert client.get(case, **other).status_code == 404
    assert (
        client.post(
            "/api/customs/limits",
            {"village": world.village_a1.pk, "values": {"wedding": {"tables": 1}}},
            content_type="application/json",
            **other,
        ).status_code
        == 404
    )
    assert client.get("/api/customs/figures?year=2026", **headers).status_code == 403


def test_the_home_cards_count_what_waits(world, limits):
    from customs.plug import customs_card

    _declared(world, days=3)
    villager = customs_card(world.users["villager_a1"])
    assert villager.data == {"mine": 1}
    council = customs_card(world.users["grid_a1"])
    assert council.data["answer"] == 1 and council.data["assess"] == 0
    assert customs_card(world.users["cadre_b1"]).data["answer"] == 0
