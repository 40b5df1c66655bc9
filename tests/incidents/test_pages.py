"""The incident loop's pages through HTTP: who may open each page, the report form (photos, location, the
grid fallback, a double submit), one form per step, stale versions and refusals that change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from casework.models import CaseAttachment, CaseEvent
from core import workflow
from core.errors import DomainError
from core.models import Notification
from incidents import selectors, services
from incidents.flows import INCIDENT
from incidents.models import Incident, IncidentAssist, Level
from tests.factories import make_user
from tests.incidents.support import INSIDE_A1, OUTSIDE, not_a_photo, photo

pytestmark = pytest.mark.django_db


def t(msgid: str, **params) -> str:
    """What the page shows for ``msgid`` (pages render in zh-hans; the msgid itself until it is translated)."""
    with override("zh-hans"):
        text = gettext(msgid)
    return text % params if params else text


def counts():
    return Incident.objects.count(), CaseEvent.objects.count(), CaseAttachment.objects.count()


def new_case(iw, *, matter=None, actor=None, photos=None):
    incident, created = services.incident_report(
        actor=actor or iw.users["grid_a1"],
        matter=matter or iw.litter,
        description="河边堆了很多垃圾",
        lat=INSIDE_A1[0],
        lng=INSIDE_A1[1],
        photos=photos if photos is not None else [photo()],
    )
    assert created
    return incident


def as_user(client, user):
    client.force_login(user)
    return client


def step_url(incident, step) -> str:
    """Where a step form of the case page posts: the generic step view of the flow's declared steps."""
    return reverse("casework:step", args=[INCIDENT.name, incident.pk, step])


def take(client, incident, step, *, confirm=True, **data):
    """Post a step form of the case page with the case's current version (the form's fields are named
    ``<step>-<field>``); ``confirm`` ticks the box a step that cannot be undone asks for (ignored by others)."""
    incident.refresh_from_db()
    data.setdefault("version", incident.version)
    if confirm:
        data.setdefault("confirm", "on")
    return client.post(step_url(incident, step), {f"{step}-{name}": value for name, value in data.items()})


def refusal(call) -> str:
    """The message a service gives for a refused step (so the page's message is compared in any language)."""
    with override("zh-hans"):
        with pytest.raises(DomainError) as caught:
            call()
    return " ".join(caught.value.messages)


# -- who may open which page --------------------------------------------------------------------------------

PAGES = ["list", "report", "mine", "queue", "to_dispatch", "board", "follow_up"]
ALLOWED = {
    "grid_a1": {"list", "report", "mine", "follow_up"},
    "villager_a1": {"report", "mine"},
    "cadre_a1": {"list", "report", "mine", "queue", "follow_up"},
    "township_a": {"list", "queue", "to_dispatch", "board", "follow_up"},
    "county_official": {"list", "queue", "to_dispatch", "board", "follow_up"},
    "county_admin": {"list", "follow_up"},
    "department": {"queue"},
    "mediator": set(),
}


@pytest.mark.parametrize("username", sorted(ALLOWED))
def test_every_page_opens_for_the_roles_it_serves_and_is_forbidden_to_the_others(iw, client, username):
    new_case(iw)
    as_user(client, iw.users[username])
    for name in PAGES:
        response = client.get(reverse(f"incidents:{name}"))
        expected = 200 if name in ALLOWED[username] else 403
        assert response.status_code == expected, (username, name, response.status_code)


def test_pages_need_a_login(iw, client):
    incident = new_case(iw)
    for url in [reverse(f"incidents:{name}") for name in PAGES] + [
        reverse("incidents:detail", args=[incident.pk]),
        reverse("core:notifications"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = client.post(step_url(incident, "accept"), {"accept-version": incident.version})
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    "username, status",
    [
        ("grid_a1", 200),  # the reporter, and the grid's worker
        ("cadre_a1", 200),  # the village handles it
        ("township_a", 200),
        ("county_official", 200),
        ("county_admin", 200),
        ("cadre_b1", 404),  # another village
        ("villager_a1", 404),  # not their report
        ("department", 404),  # a village case is not the department's
        ("mediator", 404),
    ],
)
def test_the_case_page_answers_404_outside_scope(iw, client, username, status):
    incident = new_case(iw)
    response = as_user(client, iw.users[username]).get(reverse("incidents:detail", args=[incident.pk]))
    assert response.status_code == status


def test_a_villager_sees_their_own_reports_and_their_case(iw, client):
    villager = iw.users["villager_a1"]
    incident = new_case(iw, actor=villager)
    other = new_case(iw)
    as_user(client, villager)
    mine = client.get(reverse("incidents:mine"))
    assert mine.status_code == 200
    assert incident.number in mine.content.decode() and other.number not in mine.content.decode()
    page = client.get(reverse("incidents:detail", args=[incident.pk]))
    assert page.status_code == 200
    assert "河边堆了很多垃圾" in page.content.decode()
    assert t(INCIDENT.state_label(incident.state)) in page.content.decode()


def test_the_nav_shows_the_incident_pages_of_the_role(iw, client):
    def nav(username):
        as_user(client, iw.users[username])
        return {item["url"] for item in client.get(reverse("core:home")).context["nav_items"]}

    assert {reverse("incidents:report")} <= nav("villager_a1")
    assert reverse("incidents:list") not in nav("villager_a1")
    assert {reverse("incidents:queue")} <= nav("department")
    assert {reverse("incidents:list"), reverse("incidents:queue"), reverse("incidents:board")} <= nav("township_a")
    assert reverse("incidents:report") not in nav("township_a")


# -- the report form ------------------------------------------------------------------------------------------


def report_form(**changes):
    data = {
        "severity": "general",
        "description": "村口路灯坏了三盏",
        "address": "村口大槐树旁",
        "lat": str(INSIDE_A1[0]),
        "lng": str(INSIDE_A1[1]),
        "grid": "",
        "client_key": "key-0001",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_report_form_offers_the_current_catalogue_by_group_and_the_own_grid(iw, client):
    response = as_user(client, iw.users["grid_a1"]).get(reverse("incidents:report"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="环境卫生">' in html and "垃圾乱堆乱放" in html
    assert "已退出事项" not in html  # a retired matter is offered for no new report
    assert 'accept="image/*"' in html and 'capture="environment"' in html and "multiple" in html
    assert 'data-pick-lat="id_lat"' in html and 'data-pick-lng="id_lng"' in html
    assert f'<option value="{iw.w.grid_a1.pk}" selected>' in html
    assert response.context["form"]["client_key"].value()  # the server's key until the page's script sets one


def test_reporting_through_the_form_stores_one_case_with_its_photo(iw, client):
    as_user(client, iw.users["grid_a1"])
    response = client.post(
        reverse("incidents:report"), report_form(matter=iw.litter.pk, photos=[photo("a.png"), photo("b.png")])
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("incidents:detail", args=[incident.pk])
    assert incident.grid == iw.w.grid_a1 and incident.address == "村口大槐树旁"
    assert incident.reporter == iw.users["grid_a1"] and incident.state == "dispatched"
    start = workflow.history(incident).first()
    assert start.attachments.count() == 2
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "村口路灯坏了三盏" in html
    for attachment in start.attachments.all():
        assert reverse("casework:attachment_thumb", args=[attachment.pk]) in html
        assert reverse("casework:attachment", args=[attachment.pk]) in html


def test_the_same_client_key_twice_stores_one_case(iw, client):
    as_user(client, iw.users["grid_a1"])
    first = client.post(reverse("incidents:report"), report_form(matter=iw.litter.pk, photos=[photo()]))
    again = client.post(reverse("incidents:report"), report_form(matter=iw.litter.pk, photos=[photo()]), follow=True)
    incident = Incident.objects.get()
    assert first["Location"] == reverse("incidents:detail", args=[incident.pk])
    assert again.redirect_chain[-1][0] == first["Location"]
    assert t("Already received; it was not stored twice.") in again.content.decode()
    assert CaseAttachment.objects.count() == 1


def test_a_report_with_the_grid_and_no_location_goes_to_that_grid(iw, client):
    as_user(client, iw.users["cadre_a1"])
    grid = iw.w.grid_a1b
    response = client.post(
        reverse("incidents:report"), report_form(matter=iw.dispute.pk, lat="", lng="", grid=str(grid.pk))
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.grid == grid and incident.lat is None and incident.village == iw.w.village_a1


def test_a_location_wins_over_a_preselected_grid(iw, client):
    as_user(client, iw.users["grid_a1"])
    client.post(reverse("incidents:report"), report_form(matter=iw.litter.pk, grid=str(iw.w.grid_a1b.pk)))
    assert Incident.objects.get().grid == iw.w.grid_a1  # the pin lies in A1-01


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"photos": [not_a_photo()]}, "photos"),
        ({"photos": [photo(f"p{i}.png") for i in range(10)]}, "photos"),
        ({"lat": str(OUTSIDE[0]), "lng": str(OUTSIDE[1])}, "lat"),
        ({"lat": "", "lng": "", "grid": ""}, "grid"),
        ({"matter": "retired"}, "matter"),
        ({"matter": ""}, "matter"),
        ({"description": ""}, "description"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"lat": "abc"}, "lat"),
        ({"lat": "", "grid": "999999"}, "grid"),
    ],
)
def test_a_bad_report_shows_the_error_beside_the_field_keeps_the_text_and_stores_nothing(iw, client, changes, field):
    as_user(client, iw.users["grid_a1"])
    data = report_form(**{"matter": iw.litter.pk, **changes})
    if data.get("matter") == "retired":
        data["matter"] = iw.retired.pk
    before = counts()
    response = client.post(reverse("incidents:report"), data)
    assert response.status_code == 200
    assert counts() == before
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    html = response.content.decode()
    if changes.get("description") != "":
        assert "村口路灯坏了三盏" in html  # the typed text is kept
    assert "村口大槐树旁" in html


def test_a_location_outside_every_grid_says_so(iw, client):
    as_user(client, iw.users["grid_a1"])
    response = client.post(
        reverse("incidents:report"), report_form(matter=iw.litter.pk, lat=str(OUTSIDE[0]), lng=str(OUTSIDE[1]))
    )
    message = refusal(
        lambda: services.incident_report(
            actor=iw.users["grid_a1"], matter=iw.litter, description="x", lat=OUTSIDE[0], lng=OUTSIDE[1]
        )
    )
    assert message in response.content.decode()
    assert not Incident.objects.exists()


def test_a_villager_reports_from_the_form_in_their_village(iw, client):
    as_user(client, iw.users["villager_a1"])
    response = client.post(reverse("incidents:report"), report_form(matter=iw.litter.pk, photos=[photo()]))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.reporter == iw.users["villager_a1"] and incident.village == iw.w.village_a1


def test_reporting_in_a_village_out_of_reach_is_refused_on_the_form(iw, client):
    as_user(client, iw.users["cadre_b1"])
    response = client.post(reverse("incidents:report"), report_form(matter=iw.litter.pk))
    assert response.status_code == 200 and response.context["form"].errors.get("lat")
    assert not Incident.objects.exists()


# -- the case page and its steps -----------------------------------------------------------------------------


def steps_offered(client, incident) -> list[str]:
    response = client.get(reverse("incidents:detail", args=[incident.pk]))
    assert response.status_code == 200
    return [s["name"] for s in response.context["steps"]]


def test_the_page_offers_each_person_the_steps_they_may_take_now(iw, client):
    incident = new_case(iw, matter=iw.pollution)  # county level: the environment department
    assert steps_offered(as_user(client, iw.users["department"]), incident) == ["accept", "hand_back"]
    assert steps_offered(as_user(client, iw.users["township_a"]), incident) == ["dispatch"]
    assert steps_offered(as_user(client, iw.users["grid_a1"]), incident) == []
    html = as_user(client, iw.users["grid_a1"]).get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert step_url(incident, "accept") not in html


def test_a_village_case_through_every_step_of_its_handlers(iw, client):
    incident = new_case(iw)  # litter: the village's cadres handle it
    cadre, reporter = iw.users["cadre_a1"], iw.users["grid_a1"]

    assert take(as_user(client, cadre), incident, "accept", note="马上去看").status_code == 302
    incident.refresh_from_db()
    assert incident.state == "accepted" and incident.responded_at is not None

    response = take(client, incident, "progress", note="已联系保洁员", attachments=[photo("progress.png")])
    assert response.status_code == 302
    assert workflow.history(incident).last().attachments.count() == 1

    deadline = Incident.objects.get(pk=incident.pk).deadline_at
    assert take(client, incident, "extend", days="2", note="等清运车").status_code == 302
    incident.refresh_from_db()
    assert incident.deadline_at > deadline

    refused = take(client, incident, "resolve", note="清理完毕")  # photos are required to resolve
    assert refused.status_code == 400 and refused.context["failed"].errors.get("attachments")
    incident.refresh_from_db()
    assert incident.state == "accepted"

    assert take(client, incident, "resolve", note="清理完毕", attachments=[photo("done.png")]).status_code == 302
    incident.refresh_from_db()
    assert incident.state == "resolved"

    as_user(client, reporter)
    assert steps_offered(client, incident) == ["rate"]
    missing_note = take(client, incident, "rate", rating="unsatisfied")
    assert missing_note.status_code == 400 and missing_note.context["failed"].errors.get("note")
    assert take(client, incident, "rate", rating="unsatisfied", note="还有一堆没清").status_code == 302
    incident.refresh_from_db()
    assert incident.state == "accepted" and incident.reopen_count == 1

    as_user(client, cadre)
    assert take(client, incident, "resolve", note="全部清完", attachments=[photo("done2.png")]).status_code == 302
    as_user(client, reporter)
    assert take(client, incident, "rate", rating="satisfied").status_code == 302
    incident.refresh_from_db()
    assert incident.state == "closed" and incident.rating == "satisfied"

    page = client.get(reverse("incidents:detail", args=[incident.pk]))
    html = page.content.decode()
    for step in ("accept", "progress", "extend", "resolve", "reopen", "close"):
        assert t(INCIDENT.step_label(step)) in html
    assert page.context["steps"] == []


def test_a_county_case_dispatch_hand_back_summon_supervise_and_escalate(iw, client):
    incident = new_case(iw, matter=iw.pollution)
    township, department = iw.users["township_a"], iw.users["department"]

    assert take(as_user(client, department), incident, "hand_back", note="不是我们的事").status_code == 302
    incident.refresh_from_db()
    assert incident.state == "reported" and incident.handler_department is None
    assert incident.number in as_user(client, township).get(reverse("incidents:to_dispatch")).content.decode()

    no_reason = take(client, incident, "dispatch", level=Level.COUNTY, department=iw.environment.pk, days="3")
    assert no_reason.status_code == 400 and no_reason.context["failed"].errors.get("note")
    response = take(
        client, incident, "dispatch", level=Level.COUNTY, department=iw.environment.pk, days="3", note="确属环保"
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.state, incident.handler_department, incident.handling_days) == ("dispatched", iw.environment, 3)

    assert take(as_user(client, department), incident, "accept").status_code == 302
    assert incident.number in client.get(reverse("incidents:queue")).content.decode()

    as_user(client, township)
    assert take(client, incident, "summon", department=iw.roads.pk, note="路面也要修").status_code == 302
    assert IncidentAssist.objects.filter(incident=incident, department=iw.roads, kind="summoned").exists()
    due = timezone.localdate() + timedelta(days=3)
    assert take(client, incident, "supervise", due=due.isoformat(), note="周五前办完").status_code == 302
    incident.refresh_from_db()
    assert incident.supervise_count == 1 and timezone.localtime(incident.deadline_at).date() == due
    past = take(client, incident, "supervise", due="2020-01-01", note="过去")
    assert past.status_code == 400 and past.context["failed"].errors.get("due")

    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "县交通运输局" in html and "县水务局" in html  # summoned and assisting bodies

    # a village case escalated by its cadres goes to the township
    village_case = new_case(iw)
    as_user(client, iw.users["cadre_a1"])
    take(client, village_case, "accept")
    assert take(client, village_case, "escalate", note="村里解决不了").status_code == 302
    village_case.refresh_from_db()
    assert (village_case.state, village_case.level) == ("reported", Level.TOWNSHIP)


def test_a_stale_version_is_refused_and_changes_nothing(iw, client):
    incident = new_case(iw, matter=iw.pollution)
    stale = incident.version
    services.incident_step(
        actor=iw.users["township_a"],
        incident=incident,
        step="dispatch",
        data={"level": Level.COUNTY, "department": iw.environment.pk, "days": 4},
        note="改派",
    )
    incident.refresh_from_db()
    events = CaseEvent.objects.count()
    as_user(client, iw.users["department"])
    response = take(client, incident, "accept", version=stale)
    assert response.status_code == 400
    message = refusal(
        lambda: services.incident_step(actor=iw.users["department"], incident=incident, step="accept", version=stale)
    )
    assert message in response.content.decode()
    assert CaseEvent.objects.count() == events
    assert Incident.objects.get(pk=incident.pk).state == "dispatched"
    # the page now carries the current version: a deliberate second try goes through
    assert response.context["failed"]["version"].value() == str(incident.version)


def test_a_step_by_the_wrong_person_is_refused_with_the_reason(iw, client):
    incident = new_case(iw, matter=iw.pollution)
    events = CaseEvent.objects.count()
    response = take(as_user(client, iw.users["grid_a1"]), incident, "accept")
    assert response.status_code == 400
    assert response.context["failed"].non_field_errors()
    assert CaseEvent.objects.count() == events
    # someone who cannot see the case is told it does not exist
    assert take(as_user(client, iw.users["cadre_b1"]), incident, "accept").status_code == 404
    assert take(as_user(client, iw.users["villager_a1"]), incident, "accept").status_code == 404
    assert CaseEvent.objects.count() == events


def test_unknown_steps_and_gets_are_not_pages(iw, client):
    incident = new_case(iw)
    as_user(client, iw.users["cadre_a1"])
    assert take(client, incident, "route").status_code == 404  # the system's step has no form
    assert take(client, incident, "nonsense").status_code == 404
    assert client.get(step_url(incident, "accept")).status_code == 405


def test_a_grid_worker_rates_on_the_reporters_behalf_from_the_follow_up_list(iw, client):
    villager, worker = iw.users["villager_a1"], iw.users["grid_a1"]
    incident = new_case(iw, actor=villager)
    cadre = iw.users["cadre_a1"]
    services.incident_step(actor=cadre, incident=incident, step="accept")
    services.incident_step(actor=cadre, incident=incident, step="resolve", note="好了", photos=[photo()])
    later = timezone.now() + timedelta(days=8)
    assert incident in selectors.unrated(worker, now=later)
    as_user(client, worker)
    assert steps_offered(client, incident) == ["rate"]
    assert take(client, incident, "rate", rating="basic", note="电话回访").status_code == 302
    event = workflow.history(incident).last()
    assert event.transition == "close" and event.data.get("on_behalf") is True


# -- the lists -----------------------------------------------------------------------------------------------


def test_the_list_filters_by_state_matter_text_and_overdue(iw, client):
    litter = new_case(iw)
    pollution = new_case(iw, matter=iw.pollution)
    as_user(client, iw.users["township_a"])

    def listed(**query):
        response = client.get(reverse("incidents:list"), query)
        assert response.status_code == 200
        return {i.pk for i in response.context["page"].object_list}

    assert listed() == {litter.pk, pollution.pk}
    assert listed(matter=iw.pollution.pk) == {pollution.pk}
    assert listed(state="accepted") == set()
    assert listed(text="垃圾") == {litter.pk, pollution.pk}
    assert listed(text="没有这种事") == set()
    assert listed(overdue="on") == set()
    assert listed(start="2000-01-01", end=timezone.localdate().isoformat()) == {litter.pk, pollution.pk}
    assert listed(start="bad-date") == {litter.pk, pollution.pk}  # a bad filter is ignored, not a 500


def test_the_queue_puts_the_earliest_deadline_first_and_marks_the_overdue(iw, client):
    accepted = new_case(iw, matter=iw.pollution)
    waiting = new_case(iw, matter=iw.pollution)
    department = iw.users["department"]
    services.incident_step(actor=department, incident=accepted, step="accept")  # 5 working days
    waiting.refresh_from_db()  # dispatched: 2 working days to accept
    workflow.run_deadlines(INCIDENT, now=waiting.deadline_at + timedelta(minutes=1))
    as_user(client, department)
    response = client.get(reverse("incidents:queue"))
    rows = response.context["page"].object_list
    assert [r.pk for r in rows] == [waiting.pk, accepted.pk]
    assert rows[0].is_overdue and not rows[1].is_overdue
    assert response.content.decode().count("row-overdue") == 1


def test_the_board_counts_each_section(iw, client):
    incident = new_case(iw, matter=iw.pollution)
    services.incident_step(actor=iw.users["department"], incident=incident, step="accept")
    as_user(client, iw.users["township_a"])
    sections = {s["key"]: s["count"] for s in client.get(reverse("incidents:board")).context["sections"]}
    assert sections == {"overdue": 0, "due_soon": 0, "supervised": 0, "unrated": 0}
    due = timezone.localdate() + timedelta(days=2)
    services.incident_step(
        actor=iw.users["township_a"], incident=incident, step="supervise", data={"due": due.isoformat()}, note="快"
    )
    sections = {s["key"]: s["count"] for s in client.get(reverse("incidents:board")).context["sections"]}
    assert sections["supervised"] == 1
    # another township's official sees none of it
    other = make_user("township_b", "township_official", iw.w.township_b)
    as_user(client, other)
    sections = {s["key"]: s["count"] for s in client.get(reverse("incidents:board")).context["sections"]}
    assert sections == {"overdue": 0, "due_soon": 0, "supervised": 0, "unrated": 0}


# -- notifications ---------------------------------------------------------------------------------------------


def test_notifications_are_listed_opened_and_marked_read_by_their_owner_only(
    iw, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # people are told once the step is committed
        new_case(iw, matter=iw.pollution)  # the department is told of the new case
    department = iw.users["department"]
    note = Notification.objects.get(user=department)
    as_user(client, department)
    home = client.get(reverse("core:home"))
    assert home.context["unread_notifications"] == 1
    assert reverse("core:notifications") in home.content.decode()
    listing = client.get(reverse("core:notifications"))
    assert note.text in listing.content.decode()
    opened = client.get(reverse("core:notification_open", args=[note.pk]))
    assert opened.status_code == 302 and opened["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(reverse("core:home")).context["unread_notifications"] == 0

    # someone else's notification does not exist for you
    other = Notification.objects.create(user=iw.users["cadre_a1"], kind="x", text="别人的", url="/")
    assert client.get(reverse("core:notification_open", args=[other.pk])).status_code == 404
    assert "别人的" not in client.get(reverse("core:notifications")).content.decode()
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read(iw, client):
    user = iw.users["cadre_a1"]
    for i in range(3):
        Notification.objects.create(user=user, kind="x", text=f"提醒{i}", url="https://evil.example/")
    as_user(client, user)
    assert client.get(reverse("core:notifications_read_all")).status_code == 405
    assert client.post(reverse("core:notifications_read_all")).status_code == 302
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    # a link off the site is not followed
    note = Notification.objects.filter(user=user).first()
    assert client.get(reverse("core:notification_open", args=[note.pk]))["Location"] == reverse("core:notifications")


def test_the_home_page_counts_each_persons_incident_work(iw, client):
    new_case(iw, matter=iw.pollution)

    def card(username):
        as_user(client, iw.users[username])
        return client.get(reverse("core:home")).context["summary"]["incidents"]

    assert card("department") == {"queue": 1}
    assert card("township_a") == {"queue": 0, "to_dispatch": 0, "overdue": 0}
    assert card("grid_a1") == {"my_open": 1}
    assert card("villager_a1") == {"my_open": 0}
    assert card("county_admin") is None


def test_the_board_is_kept_for_a_minute_and_a_step_shows_at_once(iw, client, django_assert_max_num_queries):
    """Officials supervising the same places share one rendered board; any step on a case refreshes it."""
    incident = new_case(iw, matter=iw.pollution)
    services.incident_step(actor=iw.users["department"], incident=incident, step="accept")
    as_user(client, iw.users["township_a"])
    first = client.get(reverse("incidents:board"))
    assert first.context["sections"][2]["count"] == 0  # nobody has issued a 督办 yet
    with django_assert_max_num_queries(6):  # session, user, grants, the board's version, notifications: no rows
        kept = client.get(reverse("incidents:board"))
    assert "sections" not in (kept.context or {})
    assert kept.content.decode().count('id="supervised"') == 1
    due = timezone.localdate() + timedelta(days=2)
    services.incident_step(
        actor=iw.users["township_a"], incident=incident, step="supervise", data={"due": due.isoformat()}, note="快"
    )
    again = client.get(reverse("incidents:board"))
    assert {s["key"]: s["count"] for s in again.context["sections"]}["supervised"] == 1
    assert incident.number in again.content.decode()
    # a colleague of the same township is served the kept board; another township's official never is
    colleague = make_user("township_a2", "township_official", iw.w.township_a)
    as_user(client, colleague)
    assert incident.number in client.get(reverse("incidents:board")).content.decode()
    as_user(client, make_user("township_b", "township_official", iw.w.township_b))
    assert incident.number not in client.get(reverse("incidents:board")).content.decode()


def test_the_queue_is_kept_for_its_handling_body_and_a_step_shows_at_once(iw, client, django_assert_max_num_queries):
    """Members of one department share one rendered queue; accepting a case elsewhere refreshes it at once."""
    incident = new_case(iw, matter=iw.pollution)
    department = iw.users["department"]
    as_user(client, department)
    first = client.get(reverse("incidents:queue"))
    assert incident.number in first.content.decode() and "page" in first.context
    with django_assert_max_num_queries(7):  # session, user, grants, departments, the version, the bell: no rows
        kept = client.get(reverse("incidents:queue"))
    assert "page" not in (kept.context or {}) and incident.number in kept.content.decode()
    services.incident_step(actor=department, incident=incident, step="accept")
    services.incident_step(actor=department, incident=incident, step="resolve", note="已清理", photos=[photo()])
    assert incident.number not in client.get(reverse("incidents:queue")).content.decode()
    # a cadre of another village (another handling body) never sees the department's queue
    as_user(client, iw.users["cadre_b1"])
    assert incident.number not in client.get(reverse("incidents:queue")).content.decode()


def test_the_report_form_takes_a_description_another_page_wrote(iw, client):
    """A household visit's finding becomes the report's description: nothing typed again."""
    response = as_user(client, iw.users["grid_a1"]).get(reverse("incidents:report"), {"description": "入户发现漏雨"})
    assert response.status_code == 200 and response.context["form"]["description"].value() == "入户发现漏雨"
