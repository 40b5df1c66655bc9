"""What happens when a deadline passes: the state's ``on_overdue`` flags the case once or lets the system take
the escalation step; overdue and about-to-be-overdue cases are found by query."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from casework.models import CaseEvent
from core import workflow
from core.models import AuditEvent
from tests.casework.support import GRID_INCIDENT, SampleIncident, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def open_case(world, new_case, when="2026-09-30 10:00"):
    case = new_case()
    workflow.start(actor=world.users["grid_a1"], case=case, flow=GRID_INCIDENT, now=at(when))
    return case


def test_overdue_and_about_to_be_overdue(world, new_case, calendar_2026):
    case = open_case(world, new_case)  # due 2026-10-08 18:00
    qs = SampleIncident.objects.all()
    assert list(workflow.overdue_cases(qs, now=at("2026-10-08 17:00"))) == []
    assert list(workflow.about_to_be_overdue(qs, now=at("2026-10-08 17:00"), within_hours=2)) == [case]
    assert list(workflow.about_to_be_overdue(qs, now=at("2026-10-07 17:00"), within_hours=2)) == []
    assert list(workflow.overdue_cases(SampleIncident, now=at("2026-10-08 18:01"))) == [case]


def test_flag_is_recorded_once(world, new_case, calendar_2026):
    case = open_case(world, new_case)
    assert workflow.run_deadlines(GRID_INCIDENT, now=at("2026-10-08 17:59")).flagged == []
    run = workflow.run_deadlines(GRID_INCIDENT, now=at("2026-10-08 18:01"))
    assert run.flagged == [case.pk] and run.escalated == []
    case.refresh_from_db()
    assert case.overdue and case.state == "reported" and case.version == 2
    event = CaseEvent.objects.get(transition="overdue")
    assert (event.actor, event.from_state, event.to_state) == (None, "reported", "reported")
    assert event.deadline_at == at("2026-10-08 18:00")
    assert AuditEvent.objects.filter(action="casework.overdue").count() == 1
    again = workflow.run_deadlines(GRID_INCIDENT, now=at("2026-10-09 12:00"))
    assert again.flagged == [] and CaseEvent.objects.filter(transition="overdue").count() == 1


def test_the_next_state_clears_the_flag(world, new_case, calendar_2026):
    case = open_case(world, new_case)
    workflow.run_deadlines(GRID_INCIDENT, now=at("2026-10-08 18:01"))
    workflow.transition(
        actor=world.users["township_a"],
        case=case,
        flow=GRID_INCIDENT,
        name="dispatch",
        data={"assignee": world.users["department"].pk},
        now=at("2026-10-09 09:00"),
    )
    case.refresh_from_db()
    assert not case.overdue and case.deadline_at == at("2026-10-12 18:00")  # 10 (调休) and 12 October


def test_escalation_is_taken_by_the_system(world, new_case, calendar_2026):
    case = open_case(world, new_case)
    workflow.transition(
        actor=world.users["township_a"],
        case=case,
        flow=GRID_INCIDENT,
        name="dispatch",
        data={"assignee": world.users["department"].pk},
        now=at("2026-09-30 11:00"),
    )
    workflow.transition(
        actor=world.users["department"], case=case, flow=GRID_INCIDENT, name="accept", now=at("2026-09-30 12:00")
    )
    assert case.deadline_at == at("2026-10-13 18:00")
    run = workflow.run_deadlines(GRID_INCIDENT, now=at("2026-10-13 18:30"))
    assert run.escalated == [case.pk]
    case.refresh_from_db()
    assert case.state == "escalated" and case.deadline_at == at("2026-10-14 18:30")  # 24 hours
    event = CaseEvent.objects.get(transition="escalate")
    assert event.actor is None and "2026-10-13 18:00" in event.note
    # The escalated case is the township's to re-dispatch; the next run flags it once its 24 hours pass.
    assert workflow.run_deadlines(GRID_INCIDENT, now=at("2026-10-14 18:31")).flagged == [case.pk]


def test_unrated_resolution_is_closed_by_the_system(world, new_case, calendar_2026):
    case = open_case(world, new_case)
    workflow.transition(
        actor=world.users["cadre_a1"],
        case=case,
        flow=GRID_INCIDENT,
        name="dispatch",
        data={"assignee": world.users["department"].pk},
        now=at("2026-09-30 11:00"),
    )
    workflow.transition(
        actor=world.users["department"], case=case, flow=GRID_INCIDENT, name="accept", now=at("2026-09-30 12:00")
    )
    workflow.transition(
        actor=world.users["department"],
        case=case,
        flow=GRID_INCIDENT,
        name="resolve",
        data={"result": "ok"},
        attachments=[SimpleUploadedFile("a.jpg", b"x")],
        now=at("2026-10-08 09:00"),
    )
    run = workflow.run_deadlines(GRID_INCIDENT, now=at("2026-10-16 09:00"))
    assert run.escalated == [case.pk]
    case.refresh_from_db()
    assert case.state == "closed" and case.closed_at == at("2026-10-16 09:00") and case.deadline_at is None
    assert list(workflow.overdue_cases(SampleIncident, now=at("2027-01-01 00:00"))) == []


def test_system_cannot_take_a_step_meant_for_people(world, new_case, calendar_2026):
    case = open_case(world, new_case)
    with pytest.raises(workflow.DomainError) as err:
        workflow.transition(actor=None, case=case, flow=GRID_INCIDENT, name="dispatch", data={"assignee": 1})
    assert err.value.code == "role"


def test_run_deadlines_command(world, new_case, calendar_2026):
    case = open_case(world, new_case)
    out = StringIO()
    call_command("run_deadlines", "--now", "2026-10-09T09:00", stdout=out)
    assert "sample_incident" in out.getvalue()
    case.refresh_from_db()
    assert case.overdue
