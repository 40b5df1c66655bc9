"""The calendar page and API: every signed-in staff member of the county reads it, only its administrator
changes it (audited); a refused change leaves the calendar as it was. The load_calendar command."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from casework.models import CalendarSource, WorkingDay
from core.calendar import is_working_day
from core.models import AuditEvent
from tests.factories import make_region, make_user

pytestmark = pytest.mark.django_db
URL = "/casework/calendar/"


def state():
    return list(WorkingDay.objects.order_by("date", "region_id").values_list("date", "region_id", "is_working", "note"))


# -- reading ---------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("who", ["township_a", "department", "grid_a1", "villager_a1", "county_official"])
def test_staff_and_villagers_read_it_without_forms(world, login, calendar_2026, who):
    response = login(world.users[who]).get(URL, {"year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert "/casework/calendar/days/" not in body and 'name="is_working"' not in body
    assert response.context["totals"]["makeup"] == 6
    oct10 = [d for m in response.context["months"] for w in m.weeks for d in w if d.date == date(2026, 10, 10)]
    assert oct10[0].kind == "makeup"


def test_county_admin_sees_the_forms(world, login, calendar_2026):
    response = login(world.users["county_admin"]).get(URL, {"year": 2026, "day": "2026-10-10"})
    assert response.status_code == 200
    assert response.context["can_edit"] and response.context["selected"].kind == "makeup"
    assert 'name="is_working"' in response.content.decode()


def test_a_year_without_schedule_says_so(world, login, calendar_2026):
    with translation.override("en"):
        response = login(world.users["county_admin"]).get(URL, {"year": 2027}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["totals"]["has_schedule"] is False
    assert "cal-missing" in response.content.decode()


def test_a_user_without_any_role_is_refused(db, login):
    from accounts.services import user_create

    user = user_create(actor=None, username="nobody", password="Test@pass2026", display_name="x", is_system=True)
    assert login(user).get(URL).status_code == 403


def test_another_county_is_not_found(world, login):
    other = make_region("外县", "510499", "county")
    assert login(world.users["county_admin"]).get(URL, {"county": other.pk}).status_code == 404


def test_bad_year_falls_back_to_this_year(world, login):
    response = login(world.users["township_a"]).get(URL, {"year": "abc"})
    assert response.status_code == 200


# -- changing --------------------------------------------------------------------------------------------------


def test_admin_toggles_a_day_with_a_note(world, login, calendar_2026):
    client = login(world.users["county_admin"])
    response = client.post(
        "/casework/calendar/days/",
        {"county": world.county.pk, "year": 2026, "first": "2026-10-10", "is_working": "0", "note": "本县调整"},
    )
    assert response.status_code == 302 and "day=2026-10-10" in response["Location"]
    row = WorkingDay.objects.get(region=world.county, date=date(2026, 10, 10))
    assert (row.is_working, row.note, row.source, row.updated_by) == (
        False,
        "本县调整",
        CalendarSource.ADMIN,
        world.users["county_admin"],
    )
    assert not is_working_day(date(2026, 10, 10), county=world.county)
    assert is_working_day(date(2026, 10, 10))  # the national row is untouched
    event = AuditEvent.objects.get(action="casework.calendar.change")
    assert event.county_id == world.county.pk and event.after["is_working"] is False and event.before is None


def test_admin_enters_next_years_holiday_as_a_range(world, login):
    client = login(world.users["county_admin"])
    response = client.post(
        "/casework/calendar/days/",
        {
            "county": world.county.pk,
            "year": 2027,
            "first": "2027-10-01",
            "last": "2027-10-07",
            "is_working": "0",
            "note": "国庆节",
        },
    )
    assert response.status_code == 302
    assert WorkingDay.objects.filter(region=world.county, date__year=2027, is_working=False).count() == 7
    assert AuditEvent.objects.filter(action="casework.calendar.change").count() == 7
    assert client.get(URL, {"year": 2027}).context["totals"]["has_schedule"]


def test_saving_the_same_again_changes_nothing(world, login):
    client = login(world.users["county_admin"])
    data = {"county": world.county.pk, "year": 2027, "first": "2027-01-01", "is_working": "0", "note": "元旦"}
    client.post("/casework/calendar/days/", data)
    client.post("/casework/calendar/days/", data)
    assert AuditEvent.objects.filter(action="casework.calendar.change").count() == 1


def test_bad_range_keeps_what_was_typed_and_writes_nothing(world, login):
    client = login(world.users["county_admin"])
    before = state()
    response = client.post(
        "/casework/calendar/days/",
        {
            "county": world.county.pk,
            "year": 2027,
            "first": "2027-10-07",
            "last": "2027-10-01",
            "is_working": "0",
            "note": "国庆节",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["last"]
    assert 'value="国庆节"' in response.content.decode()
    assert state() == before and not AuditEvent.objects.filter(action__startswith="casework").exists()


def test_too_long_a_range_is_refused(world, login):
    response = login(world.users["county_admin"]).post(
        "/casework/calendar/days/",
        {"county": world.county.pk, "first": "2027-01-01", "last": "2027-12-31", "is_working": "0"},
    )
    assert response.status_code == 200 and response.context["form"].errors["last"]
    assert not WorkingDay.objects.exists()


@pytest.mark.parametrize("who", ["township_a", "county_official", "cadre_a1", "villager_a1"])
def test_others_cannot_change_it(world, login, calendar_2026, who):
    before = state()
    response = login(world.users[who]).post(
        "/casework/calendar/days/", {"county": world.county.pk, "first": "2026-10-10", "is_working": "0"}
    )
    assert response.status_code == 403
    assert state() == before and not AuditEvent.objects.filter(action="casework.calendar.change").exists()


def test_admin_of_another_county_cannot_change_this_one(world, login, calendar_2026):
    other = make_region("外县", "510499", "county")
    admin = make_user("other_admin", "county_admin", other)
    before = state()
    response = login(admin).post(
        "/casework/calendar/days/", {"county": world.county.pk, "first": "2026-10-10", "is_working": "0"}
    )
    assert response.status_code == 404 and state() == before


def test_reset_removes_the_county_entry(world, login, calendar_2026):
    client = login(world.users["county_admin"])
    client.post(
        "/casework/calendar/days/", {"county": world.county.pk, "first": "2026-10-10", "is_working": "0", "note": "x"}
    )
    response = client.post("/casework/calendar/reset/", {"county": world.county.pk, "day": "2026-10-10"})
    assert response.status_code == 302
    assert not WorkingDay.objects.filter(region=world.county).exists()
    assert is_working_day(date(2026, 10, 10), county=world.county)
    assert AuditEvent.objects.filter(action="casework.calendar.reset").count() == 1
    assert (
        login(world.users["township_a"])
        .post("/casework/calendar/reset/", {"county": world.county.pk, "day": "2026-10-10"})
        .status_code
        == 403
    )


# -- API -------------------------------------------------------------------------------------------------------


def test_api_reads_the_year(world, client, api_token, calendar_2026):
    response = client.get("/api/casework/calendar/2026", **api_token(world.users["department"]))
    assert response.status_code == 200
    body = response.json()
    assert body["has_schedule"] and body["county_id"] == world.county.pk
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-10-10"]["kind"] == "makeup" and days["2026-10-10"]["is_working"]
    assert days["2026-10-01"]["kind"] == "holiday"


def test_api_deadline(world, client, api_token, calendar_2026):
    response = client.get(
        "/api/casework/calendar/deadline",
        {"working_days": 5, "start": "2026-09-30T10:00:00+08:00"},
        **api_token(world.users["township_a"]),
    )
    assert response.status_code == 200
    assert response.json()["due"].startswith("2026-10-13T18:00:00")


def test_api_change_by_admin_only(world, client, api_token, calendar_2026):
    payload = {"county_id": world.county.pk, "first": "2027-01-01", "is_working": False, "note": "元旦"}
    refused = client.post(
        "/api/casework/calendar/days", payload, content_type="application/json", **api_token(world.users["township_a"])
    )
    assert refused.status_code == 403 and not WorkingDay.objects.filter(region=world.county).exists()
    done = client.post(
        "/api/casework/calendar/days",
        payload,
        content_type="application/json",
        **api_token(world.users["county_admin"]),
    )
    assert done.status_code == 200 and done.json()[0]["kind"] == "holiday"
    bad = client.post(
        "/api/casework/calendar/days",
        {**payload, "last": "2026-12-01"},
        content_type="application/json",
        **api_token(world.users["county_admin"]),
    )
    assert bad.status_code == 422 and "last" in bad.json()["errors"]


def test_api_resets_a_day_by_admin_only(world, client, api_token, calendar_2026):
    admin = api_token(world.users["county_admin"])
    entered = {"county_id": world.county.pk, "first": "2026-10-10", "is_working": False, "note": "x"}
    client.post("/api/casework/calendar/days", entered, content_type="application/json", **admin)
    url = f"/api/casework/calendar/days/2026-10-10?county_id={world.county.pk}"
    before = state()
    refused = client.delete(url, **api_token(world.users["township_a"]))
    assert refused.status_code == 403 and state() == before
    other = make_region("外县", "510499", "county")
    outside = client.delete(f"/api/casework/calendar/days/2026-10-10?county_id={other.pk}", **admin)
    assert outside.status_code == 404 and state() == before
    done = client.delete(url, **admin)
    assert done.status_code == 200 and done.json()["kind"] == "makeup" and done.json()["is_working"]
    assert not WorkingDay.objects.filter(region=world.county).exists()
    assert AuditEvent.objects.filter(action="casework.calendar.reset").count() == 1
    bad = client.delete(f"/api/casework/calendar/days/2026-13-40?county_id={world.county.pk}", **admin)
    assert bad.status_code == 422


def test_api_needs_a_token(client):
    assert client.get("/api/casework/calendar/2026").status_code == 401


# -- the command -----------------------------------------------------------------------------------------------


def test_load_calendar_2026(db):
    out = StringIO()
    call_command("load_calendar", "2026", stdout=out, stderr=StringIO())
    assert "2026" in out.getvalue()
    assert is_working_day(date(2026, 10, 10)) and not is_working_day(date(2026, 10, 1))
    loaded = WorkingDay.objects.filter(region__isnull=True).count()
    call_command("load_calendar", "2026", stdout=StringIO())
    assert WorkingDay.objects.filter(region__isnull=True).count() == loaded


def test_load_calendar_2027_says_there_is_no_data(db):
    with translation.override("en"), pytest.raises(CommandError) as err:
        call_command("load_calendar", "2027", stdout=StringIO(), stderr=StringIO())
    assert "2027" in str(err.value)
    assert not WorkingDay.objects.exists()


def test_load_calendar_default_years_loads_what_it_can_and_warns(db):
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("load_calendar", "2026", "2027", stdout=out, stderr=err)
    assert "2026" in out.getvalue()
    assert "2027" in err.getvalue() and "calendar page" in err.getvalue()


def test_load_calendar_without_years_only_warns_in_a_year_it_does_not_know(db, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2030, 6, 1))
    out, err = StringIO(), StringIO()
    call_command("load_calendar", stdout=out, stderr=err)  # no CommandError: set-up scripts keep working
    assert "2030" in err.getvalue() and "2031" in err.getvalue()
    assert not WorkingDay.objects.exists()


def test_load_calendar_without_years_loads_this_year(db, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 11, 22))
    call_command("load_calendar", stdout=StringIO(), stderr=StringIO())
    assert is_working_day(date(2026, 10, 10)) and not is_working_day(date(2026, 10, 1))
