"""The incident loop through its services: report, triage, handling, supervision, rating — and every refusal
leaves nothing behind."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from casework.models import CaseAttachment, CaseEvent
from core import workflow
from core.calendar import load_year
from core.errors import DomainError, NotFound
from core.models import AuditEvent, Notification
from incidents import selectors, services
from incidents.flows import INCIDENT
from incidents.models import AssistKind, Incident, IncidentAssist, Level, Rating, Severity
from tests.factories import make_user
from tests.incidents.support import INSIDE_A1, OUTSIDE, not_a_photo, photo

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def counts():
    return (
        Incident.objects.count(),
        CaseEvent.objects.count(),
        CaseAttachment.objects.count(),
        AuditEvent.objects.count(),
        IncidentAssist.objects.count(),
    )


def report(iw, *, actor=None, matter=None, **kwargs):
    kwargs.setdefault("description", "河边堆了很多垃圾")
    if "grid" not in kwargs and "lat" not in kwargs and "village" not in kwargs:
        kwargs["lat"], kwargs["lng"] = INSIDE_A1
    incident, created = services.incident_report(
        actor=actor or iw.users["grid_a1"], matter=matter or iw.litter, **kwargs
    )
    assert created
    return incident


# -- report ----------------------------------------------------------------------------------------------


def test_report_finds_the_grid_from_the_location_and_keeps_photos_with_thumbnails(iw):
    incident = report(iw, photos=[photo("a.png"), photo("b.jpg", fmt="JPEG")])
    assert incident.grid == iw.w.grid_a1 and incident.village == iw.w.village_a1
    assert incident.township == iw.w.township_a and incident.county == iw.w.county
    start, route = workflow.history(incident)
    assert (start.transition, route.transition) == ("start", "route")
    files = list(start.attachments.all())
    assert [f.content_type for f in files] == ["image/png", "image/jpeg"]
    assert all(f.thumbnail and f.thumbnail.name.endswith(".jpg") for f in files)
    assert incident.number.startswith("SJ") and str(incident.pk) in incident.number


def test_the_same_client_key_twice_stores_one_case(iw):
    first = report(iw, client_key="phone-1-abc")
    again, created = services.incident_report(
        actor=iw.users["grid_a1"],
        matter=iw.litter,
        description="重发",
        client_key="phone-1-abc",
        lat=26.005,
        lng=102.005,
    )
    assert not created and again.pk == first.pk
    assert Incident.objects.count() == 1 and again.description == "河边堆了很多垃圾"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"lat": OUTSIDE[0], "lng": OUTSIDE[1]}, "location"),
        ({"lat": 26.005, "lng": None}, "location"),
        ({"lat": 80, "lng": 102.0}, "location"),
        ({"photos": [not_a_photo()]}, "photos"),
        ({"photos": [photo(f"{i}.png", size=(8, 8)) for i in range(10)]}, "photos"),
        ({"description": "   "}, "description"),
        ({"severity": "huge"}, "severity"),
    ],
)
def test_bad_reports_are_refused_with_a_reason_and_store_nothing(iw, kwargs, field):
    before = counts()
    args = {"lat": INSIDE_A1[0], "lng": INSIDE_A1[1], "description": "路灯坏了", **kwargs}
    with pytest.raises(DomainError) as exc:
        services.incident_report(actor=iw.users["grid_a1"], matter=iw.litter, **args)
    assert field in exc.value.message_dict
    assert counts() == before


def test_the_messages_are_chinese(iw):
    with pytest.raises(DomainError) as exc:
        services.incident_report(
            actor=iw.users["grid_a1"], matter=iw.litter, description="x", lat=OUTSIDE[0], lng=OUTSIDE[1]
        )
    assert "网格" in exc.value.message_dict["location"][0]
    with pytest.raises(DomainError) as exc:
        services.incident_report(
            actor=iw.users["grid_a1"], matter=iw.litter, description="x", photos=[not_a_photo()], grid=iw.w.grid_a1
        )
    assert "照片" in exc.value.message_dict["photos"][0]


def test_a_retired_matter_cannot_be_reported(iw):
    before = counts()
    with pytest.raises(DomainError) as exc:
        report(iw, matter=iw.retired)
    assert "matter" in exc.value.message_dict and counts() == before


def test_who_may_report_where(iw):
    villager = iw.users["villager_a1"]
    own = report(iw, actor=villager, village=iw.w.village_a1, lat=None, lng=None)
    assert own.reporter == villager and own.grid is None
    with pytest.raises(NotFound):
        report(iw, actor=villager, grid=iw.w.grid_b1)
    with pytest.raises(NotFound):
        report(iw, actor=iw.users["cadre_b1"])  # a point in 安家村
    with pytest.raises(NotFound):
        report(iw, actor=iw.users["department"], grid=iw.w.grid_a1)


# -- triage -----------------------------------------------------------------------------------------------


def test_triage_routes_by_the_most_specific_rule(iw):
    pollution = report(iw, matter=iw.pollution)
    assert (pollution.state, pollution.level, pollution.handler_department) == (
        "dispatched",
        Level.COUNTY,
        iw.environment,
    )
    assert list(pollution.assist_rows.values_list("department__code", "kind")) == [("SW", AssistKind.ASSIST)]
    urgent = report(iw, matter=iw.dispute, severity=Severity.URGENT)
    assert (urgent.level, urgent.handling_days) == (Level.TOWNSHIP, 2)
    general = report(iw, matter=iw.dispute, severity=Severity.GENERAL)
    assert (general.level, general.handling_days, general.rule.matter) == (Level.VILLAGE, 5, None)
    route_event = workflow.history(pollution).last()
    assert route_event.actor is None and route_event.data["department_name"] == "县生态环境局"


def test_without_rules_a_case_stays_in_the_village(iw):
    from incidents.models import TriageRule

    TriageRule.objects.all().delete()
    incident = report(iw)
    assert (incident.level, incident.handling_days, incident.rule) == (Level.VILLAGE, 5, None)


def test_a_county_rule_without_any_department_goes_to_the_township(iw):
    services.rule_save(actor=iw.users["county_admin"], county=iw.w.county, matter=iw.litter, level=Level.COUNTY, days=3)
    incident = report(iw)
    assert (incident.level, incident.handler_department) == (Level.TOWNSHIP, None)


def test_rules_refuse_bad_input(iw):
    admin, county = iw.users["county_admin"], iw.w.county
    with pytest.raises(DomainError):
        services.rule_save(actor=admin, county=county, level=Level.VILLAGE, days=5)  # the default exists
    with pytest.raises(DomainError):
        services.rule_save(actor=admin, county=county, matter=iw.litter, level=Level.VILLAGE, days=0)
    with pytest.raises(DomainError):
        services.rule_save(
            actor=admin, county=county, matter=iw.litter, level=Level.VILLAGE, department=iw.roads, days=3
        )
    with pytest.raises(NotFound):
        services.rule_save(actor=iw.users["cadre_a1"], county=county, matter=iw.litter, level=Level.VILLAGE, days=3)


# -- handling ---------------------------------------------------------------------------------------------


def test_only_the_handling_body_accepts(iw):
    incident = report(iw, matter=iw.pollution)
    before = counts()
    with pytest.raises(DomainError) as exc:
        services.incident_step(actor=iw.users["cadre_a1"], incident=incident, step="accept")
    assert exc.value.code == "role" and counts() == before
    with pytest.raises(NotFound):
        services.incident_step(actor=iw.users["cadre_b1"], incident=incident, step="accept")
    services.incident_step(actor=iw.users["department"], incident=incident, step="accept")
    assert incident.state == "accepted" and incident.responded_on_time is True


def test_deadlines_follow_the_rule_and_the_holiday_calendar(iw):
    load_year(2026)
    incident = report(iw, matter=iw.pollution)
    workflow.transition(
        actor=iw.users["department"], case=incident, flow=INCIDENT, name="accept", now=at("2026-09-30 10:00")
    )
    # 5 working days from Wednesday 30 September: 1–7 October off, Saturday 10 October (调休) works
    assert timezone.localtime(incident.deadline_at) == at("2026-10-13 18:00")


def test_hand_back_within_two_working_days_then_the_township_dispatches(iw, django_capture_on_commit_callbacks):
    incident = report(iw)
    cadre, township = iw.users["cadre_a1"], iw.users["township_a"]
    with pytest.raises(DomainError) as exc:
        services.incident_step(actor=cadre, incident=incident, step="hand_back")
    assert "note" in exc.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):  # people are told once the step is committed
        services.incident_step(actor=cadre, incident=incident, step="hand_back", note="应由镇上处理")
    assert incident.state == "reported" and incident.responded_at is not None
    assert Notification.objects.filter(user=township, text__contains=incident.number).exists()
    with pytest.raises(DomainError) as exc:
        services.incident_step(
            actor=township, incident=incident, step="dispatch", data={"level": "county", "days": 3}, note="交部门"
        )
    assert "department" in exc.value.message_dict
    services.incident_step(
        actor=township,
        incident=incident,
        step="dispatch",
        data={"level": "county", "department": iw.roads.pk, "days": 3},
        note="路面塌陷，交交通局",
    )
    assert (incident.level, incident.handler_department, incident.handling_days) == (Level.COUNTY, iw.roads, 3)


def test_hand_back_is_refused_after_two_working_days(iw):
    load_year(2026)
    incident = Incident.objects.get(pk=report(iw).pk)
    late = incident.state_entered_at + timedelta(days=5)
    with pytest.raises(DomainError) as exc:
        workflow.transition(
            actor=iw.users["cadre_a1"], case=incident, flow=INCIDENT, name="hand_back", note="晚了", now=late
        )
    assert exc.value.code == "window"


def test_escalation_goes_up_one_level_at_a_time(iw):
    incident = report(iw)
    cadre = iw.users["cadre_a1"]
    services.incident_step(actor=cadre, incident=incident, step="accept")
    services.incident_step(actor=cadre, incident=incident, step="escalate", note="村里解决不了")
    assert (incident.state, incident.level) == ("reported", Level.TOWNSHIP)
    assert incident in selectors.to_dispatch(iw.users["township_a"])


def test_summoned_department_reports_its_part(iw, django_capture_on_commit_callbacks):
    roads_staff = make_user("roads_staff", "department_staff", iw.w.county)
    services.department_save(
        actor=iw.users["county_admin"],
        county=iw.w.county,
        department=iw.roads,
        name=iw.roads.name,
        code=iw.roads.code,
        members=[roads_staff],
    )
    incident = report(iw)
    services.incident_step(actor=iw.users["cadre_a1"], incident=incident, step="accept")
    township = iw.users["township_a"]
    with django_capture_on_commit_callbacks(execute=True):  # people are told once the step is committed
        services.incident_step(
            actor=township, incident=incident, step="summon", data={"department": iw.roads.pk}, note="需要交通局到场"
        )
    assist = IncidentAssist.objects.get(incident=incident)
    assert assist.kind == AssistKind.SUMMONED and assist.reported_at is None
    assert Notification.objects.filter(user=roads_staff).exists()
    assert incident in selectors.queue(roads_staff) and incident in selectors.visible(roads_staff)
    with pytest.raises(DomainError):
        services.incident_step(
            actor=township, incident=incident, step="summon", data={"department": iw.roads.pk}, note="再叫一次"
        )
    services.incident_step(actor=roads_staff, incident=incident, step="progress", note="已到场，修复路面")
    assist.refresh_from_db()
    assert assist.reported_at is not None
    with pytest.raises(DomainError) as exc:  # a co-handler does not resolve the case
        services.incident_step(actor=roads_staff, incident=incident, step="resolve", note="好了", photos=[photo()])
    assert exc.value.code == "role"


def test_supervision_notice_needs_a_future_date(iw, django_capture_on_commit_callbacks):
    incident = report(iw)
    services.incident_step(actor=iw.users["cadre_a1"], incident=incident, step="accept")
    township = iw.users["township_a"]
    before, deadline = counts(), incident.deadline_at
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    for due in (yesterday, "not a date", ""):
        with pytest.raises(DomainError) as exc:
            services.incident_step(
                actor=township, incident=incident, step="supervise", data={"due": due}, note="限期办结"
            )
        assert "due" in exc.value.message_dict
    incident.refresh_from_db()
    assert counts() == before and incident.deadline_at == deadline and incident.supervise_count == 0
    friday = (timezone.localdate() + timedelta(days=3)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):  # people are told once the step is committed
        services.incident_step(
            actor=township, incident=incident, step="supervise", data={"due": friday}, note="限期办结"
        )
    assert incident.supervise_count == 1
    assert timezone.localtime(incident.deadline_at) == at(f"{friday} 18:00")
    assert (
        Notification.objects.filter(user=iw.users["cadre_a1"], text__contains="督办").exists()
        or Notification.objects.filter(user=iw.users["cadre_a1"]).count() >= 2
    )


def test_overdue_cases_are_flagged_once_and_people_are_told(iw):
    incident = report(iw)
    services.incident_step(actor=iw.users["cadre_a1"], incident=incident, step="accept")
    soon = incident.deadline_at - timedelta(hours=2)
    workflow.run_all_deadlines(now=soon)
    reminders = Notification.objects.filter(kind="due_soon", user=iw.users["cadre_a1"])
    assert reminders.count() == 1
    workflow.run_all_deadlines(now=soon + timedelta(minutes=30))
    assert reminders.count() == 1  # once per deadline
    late = incident.deadline_at + timedelta(hours=1)
    workflow.run_all_deadlines(now=late)
    incident.refresh_from_db()
    assert incident.overdue and incident.ever_overdue
    overdue = Notification.objects.filter(kind="overdue")
    assert set(overdue.values_list("user__username", flat=True)) == {"cadre_a1", "township_a"}
    workflow.run_all_deadlines(now=late + timedelta(hours=1))
    assert overdue.count() == 2
    assert CaseEvent.objects.filter(transition="overdue", object_id=incident.pk).count() == 1
    board = selectors.board(iw.users["township_a"], now=late)
    assert list(board["overdue"]) == [incident]
    assert list(selectors.board(iw.users["cadre_b1"], now=late)["overdue"]) == []


# -- closure and follow-up --------------------------------------------------------------------------------


def test_unsatisfied_reopens_and_a_rating_closes(iw):
    grid_worker, cadre = iw.users["grid_a1"], iw.users["cadre_a1"]
    incident = report(iw)
    services.incident_step(actor=cadre, incident=incident, step="accept")
    with pytest.raises(DomainError) as exc:
        services.incident_step(actor=cadre, incident=incident, step="resolve", note="已清理")
    assert "attachments" in exc.value.message_dict
    services.incident_step(actor=cadre, incident=incident, step="resolve", note="已清理", photos=[photo()])
    assert incident.state == "resolved" and incident.resolved_on_time
    with pytest.raises(DomainError):
        services.incident_rate(actor=grid_worker, incident=incident, rating=Rating.UNSATISFIED)  # a reason is needed
    with pytest.raises(DomainError):
        services.incident_rate(actor=grid_worker, incident=incident, rating="great")
    services.incident_rate(actor=grid_worker, incident=incident, rating=Rating.UNSATISFIED, note="还有垃圾没运走")
    assert (incident.state, incident.reopen_count, incident.rating) == ("accepted", 1, Rating.UNSATISFIED)
    services.incident_step(actor=cadre, incident=incident, step="resolve", note="全部运走", photos=[photo()])
    services.incident_rate(actor=grid_worker, incident=incident, rating=Rating.SATISFIED)
    assert (incident.state, incident.rating) == ("closed", Rating.SATISFIED) and incident.closed_at


def test_rating_on_behalf_of_a_villager_is_marked(iw):
    villager, grid_worker, cadre = iw.users["villager_a1"], iw.users["grid_a1"], iw.users["cadre_a1"]
    incident = report(iw, actor=villager, grid=iw.w.grid_a1, lat=None, lng=None)
    services.incident_step(actor=cadre, incident=incident, step="accept")
    services.incident_step(actor=cadre, incident=incident, step="resolve", note="已处理", photos=[photo()])
    other = make_user("villager_b1", "villager", iw.w.village_b1, household=iw.w.households["b1"])
    with pytest.raises(NotFound):
        services.incident_rate(actor=other, incident=incident, rating=Rating.SATISFIED)
    later = timezone.now() + timedelta(days=8)
    assert incident in selectors.unrated(grid_worker, now=later)
    assert incident not in selectors.unrated(grid_worker)
    services.incident_rate(actor=grid_worker, incident=incident, rating=Rating.BASIC, note="电话回访")
    event = workflow.history(incident).last()
    assert event.data["on_behalf"] is True and event.data["rating"] == "basic"
    assert incident not in selectors.unrated(grid_worker, now=later)


def test_villager_rates_own_case(iw):
    villager, cadre = iw.users["villager_a1"], iw.users["cadre_a1"]
    incident = report(iw, actor=villager, grid=iw.w.grid_a1, lat=None, lng=None)
    services.incident_step(actor=cadre, incident=incident, step="accept")
    services.incident_step(actor=cadre, incident=incident, step="resolve", note="已处理", photos=[photo()])
    services.incident_rate(actor=villager, incident=incident, rating=Rating.SATISFIED)
    assert incident.state == "closed" and "on_behalf" not in workflow.history(incident).last().data


def test_a_stale_form_is_refused(iw):
    incident = report(iw)
    version = incident.version
    services.incident_step(actor=iw.users["cadre_a1"], incident=incident, step="accept")
    with pytest.raises(DomainError) as exc:
        services.incident_step(
            actor=iw.users["cadre_a1"], incident=incident, step="progress", note="进展", version=version
        )
    assert exc.value.code == "stale"


# -- who sees what ----------------------------------------------------------------------------------------


def test_visibility_by_role(iw):
    a1 = report(iw, matter=iw.pollution)
    b1 = report(iw, actor=iw.users["cadre_b1"], grid=iw.w.grid_b1)
    seen = {name: set(selectors.visible(iw.users[name])) for name in iw.users}
    assert seen["county_official"] == seen["county_admin"] == {a1, b1}
    assert seen["township_a"] == {a1} and seen["cadre_a1"] == {a1} and seen["cadre_b1"] == {b1}
    assert seen["grid_a1"] == {a1} and seen["department"] == {a1}
    assert seen["villager_a1"] == set() and seen["mediator"] == set() and seen["reviewer_a1"] == set()
    with pytest.raises(NotFound):
        selectors.get(iw.users["cadre_b1"], a1.pk)
