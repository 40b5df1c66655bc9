"""The workflow engine on the worked example (a grid incident): allowed steps are recorded events; refused
steps say why and change nothing; a case's state is written by the engine only."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from casework.models import CaseAttachment, CaseEvent, WorkflowFieldError
from core import workflow
from core.errors import DomainError, NotFound
from core.models import AppendOnlyError, AuditEvent
from core.roles import Role
from core.workflow import Deadline, Flow, State, Transition
from tests.casework.support import GRID_INCIDENT, SampleIncident, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo(name="after.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0 fake jpeg", content_type="image/jpeg")


def snapshot(case):
    """Everything a refused step must leave as it was."""
    row = SampleIncident.objects.get(pk=case.pk)
    return (
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        CaseAttachment.objects.count(),
        row.state,
        row.version,
        row.deadline_at,
        row.assignee_id,
    )


@pytest.fixture
def reported(world, new_case, calendar_2026):
    case = new_case()
    workflow.start(
        actor=world.users["grid_a1"], case=case, flow=GRID_INCIDENT, note="村口路灯不亮", now=at("2026-09-29 09:00")
    )
    return case


@pytest.fixture
def dispatched(world, reported):
    workflow.transition(
        actor=world.users["township_a"],
        case=reported,
        flow=GRID_INCIDENT,
        name="dispatch",
        data={"assignee": world.users["department"].pk},
        now=at("2026-09-30 10:00"),
    )
    return reported


@pytest.fixture
def accepted(world, dispatched):
    workflow.transition(
        actor=world.users["department"], case=dispatched, flow=GRID_INCIDENT, name="accept", now=at("2026-09-30 11:00")
    )
    return dispatched


# -- allowed steps --------------------------------------------------------------------------------------------


def test_start_records_the_first_event_and_the_initial_deadline(world, new_case, calendar_2026):
    case = new_case()
    event = workflow.start(
        actor=world.users["grid_a1"], case=case, flow=GRID_INCIDENT, note="村口路灯不亮", now=at("2026-09-30 10:00")
    )
    case.refresh_from_db()
    assert (case.flow, case.state, case.version) == ("sample_incident", "reported", 1)
    assert case.opened_at == case.state_entered_at == at("2026-09-30 10:00")
    assert case.deadline_at == at("2026-10-08 18:00")  # one working day, after National Day
    assert (event.transition, event.from_state, event.to_state, event.actor) == (
        "start",
        "",
        "reported",
        world.users["grid_a1"],
    )
    assert event.county_id == world.county.pk and event.village_id == world.village_a1.pk
    assert AuditEvent.objects.filter(action="casework.start", target_id=str(case.pk)).count() == 1


def test_the_whole_loop_is_a_timeline_of_events(world, accepted):
    case = accepted
    dept = world.users["department"]
    assert case.state == "accepted" and case.assignee_id == dept.pk
    assert case.deadline_at == at("2026-10-13 18:00")  # 5 working days from 30 Sept, 调休 Saturday counted
    event = workflow.transition(
        actor=dept,
        case=case,
        flow=GRID_INCIDENT,
        name="resolve",
        data={"result": "已更换灯泡"},
        attachments=[photo()],
        now=at("2026-10-09 15:00"),
    )
    assert [a.name for a in event.attachments.all()] == ["after.jpg"]
    assert case.state == "resolved" and case.deadline_at == at("2026-10-15 18:00")  # 10 (调休), 12–15
    workflow.transition(
        actor=world.users["grid_a1"],
        case=case,
        flow=GRID_INCIDENT,
        name="close",
        data={"rating": "satisfied"},
        now=at("2026-10-10 09:00"),
    )
    case.refresh_from_db()
    assert case.state == "closed" and case.deadline_at is None and case.closed_at == at("2026-10-10 09:00")
    steps = [(e.transition, e.from_state, e.to_state) for e in workflow.history(case)]
    assert steps == [
        ("start", "", "reported"),
        ("dispatch", "reported", "dispatched"),
        ("accept", "dispatched", "accepted"),
        ("resolve", "accepted", "resolved"),
        ("close", "resolved", "closed"),
    ]
    assert case.version == 5
    assert AuditEvent.objects.filter(action="casework.transition", target_id=str(case.pk)).count() == 4


def test_reporter_as_a_party_may_close_but_a_stranger_in_scope_may_not(world, accepted):
    dept = world.users["department"]
    workflow.transition(
        actor=dept,
        case=accepted,
        flow=GRID_INCIDENT,
        name="resolve",
        data={"result": "ok"},
        attachments=[photo()],
        now=at("2026-10-09 15:00"),
    )
    before = snapshot(accepted)
    with pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["cadre_a1"], case=accepted, flow=GRID_INCIDENT, name="close", data={"rating": "satisfied"}
        )
    assert err.value.code == "role"
    assert snapshot(accepted) == before


def test_data_and_note_are_stored_on_the_event(world, dispatched):
    event = CaseEvent.objects.filter(transition="dispatch").get()
    assert event.data == {"assignee": world.users["department"].pk}
    assert event.deadline_at == at("2026-10-09 18:00")  # 2 working days after 30 September: 8 and 9 October


# -- refused steps --------------------------------------------------------------------------------------------


def test_wrong_state_names_the_state_and_what_is_possible(world, reported):
    before = snapshot(reported)
    with translation.override("en"), pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["township_a"], case=reported, flow=GRID_INCIDENT, name="escalate", data={"reason": "x"}
        )
    assert err.value.code == "state"
    message = err.value.messages[0]
    assert "Reported" in message and "Escalate" in message and "Dispatch" in message
    assert snapshot(reported) == before


def test_wrong_state_for_someone_with_nothing_to_do(world, dispatched):
    with translation.override("en"), pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["cadre_a1"],
            case=dispatched,
            flow=GRID_INCIDENT,
            name="dispatch",
            data={"assignee": world.users["department"].pk},
        )
    assert err.value.code == "state"
    assert "no step is yours" in err.value.messages[0]


def test_a_closed_case_takes_no_step(world, accepted):
    dept = world.users["department"]
    workflow.transition(
        actor=dept, case=accepted, flow=GRID_INCIDENT, name="resolve", data={"result": "ok"}, attachments=[photo()]
    )
    workflow.transition(actor=None, case=accepted, flow=GRID_INCIDENT, name="auto_close")
    with translation.override("en"), pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["grid_a1"], case=accepted, flow=GRID_INCIDENT, name="reopen", data={"reason": "again"}
        )
    assert "no further step" in err.value.messages[0]


def test_wrong_role_in_scope_says_who_may(world, dispatched):
    before = snapshot(dispatched)
    with translation.override("en"), pytest.raises(DomainError) as err:
        workflow.transition(actor=world.users["cadre_a1"], case=dispatched, flow=GRID_INCIDENT, name="accept")
    assert err.value.code == "role"
    assert err.value.messages == ["Only the assigned department may “Accept”."]
    assert snapshot(dispatched) == before


def test_roles_are_listed_in_chinese(world, reported):
    with translation.override("zh-hans"), pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["grid_a1"],
            case=reported,
            flow=GRID_INCIDENT,
            name="dispatch",
            data={"assignee": world.users["department"].pk},
        )
    assert "镇街干部" in err.value.messages[0] and "村干部" in err.value.messages[0]


@pytest.mark.parametrize("who", ["cadre_b1", "reviewer_a1", "villager_a1", "mediator"])
def test_out_of_scope_or_unrelated_is_not_found(world, reported, who):
    before = snapshot(reported)
    with pytest.raises(NotFound):
        workflow.transition(
            actor=world.users[who],
            case=reported,
            flow=GRID_INCIDENT,
            name="dispatch",
            data={"assignee": world.users["department"].pk},
        )
    assert snapshot(reported) == before


def test_a_viewer_role_sees_but_may_not_act(world, reported):
    assert workflow.can_see(world.users["county_official"], reported, GRID_INCIDENT)
    with pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["county_official"],
            case=reported,
            flow=GRID_INCIDENT,
            name="dispatch",
            data={"assignee": world.users["department"].pk},
        )
    assert err.value.code == "role"


@pytest.mark.parametrize("data", [{}, {"assignee": ""}, {"assignee": "  "}, {"assignee": None}])
def test_missing_required_field_is_named(world, reported, data):
    before = snapshot(reported)
    with pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["township_a"], case=reported, flow=GRID_INCIDENT, name="dispatch", data=data
        )
    assert set(err.value.error_dict) == {"assignee"}
    assert snapshot(reported) == before


def test_required_attachments_and_several_fields_at_once(world, accepted):
    before = snapshot(accepted)
    with pytest.raises(DomainError) as err:
        workflow.transition(actor=world.users["department"], case=accepted, flow=GRID_INCIDENT, name="resolve")
    assert set(err.value.error_dict) == {"result", "attachments"}
    assert snapshot(accepted) == before


def test_a_guard_refuses_with_its_own_message(world, reported):
    before = snapshot(reported)
    with pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["township_a"],
            case=reported,
            flow=GRID_INCIDENT,
            name="dispatch",
            data={"assignee": world.users["cadre_a1"].pk},
        )
    assert set(err.value.error_dict) == {"assignee"}
    assert snapshot(reported) == before


def test_unknown_step(world, reported):
    with pytest.raises(DomainError) as err:
        workflow.transition(actor=world.users["township_a"], case=reported, flow=GRID_INCIDENT, name="approve")
    assert err.value.code == "unknown"


def test_stale_version_is_refused(world, reported):
    seen = reported.version
    workflow.transition(
        actor=world.users["township_a"],
        case=reported,
        flow=GRID_INCIDENT,
        name="dispatch",
        data={"assignee": world.users["department"].pk},
    )
    before = snapshot(reported)
    with pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["department"], case=reported, flow=GRID_INCIDENT, name="accept", expected_version=seen
        )
    assert err.value.code == "stale"
    assert snapshot(reported) == before


def test_a_case_is_opened_once(world, reported):
    with pytest.raises(DomainError) as err:
        workflow.start(actor=world.users["grid_a1"], case=reported, flow=GRID_INCIDENT)
    assert err.value.code == "started"


def test_start_out_of_scope_inserts_nothing(world, new_case):
    case = new_case()
    with pytest.raises(NotFound):
        workflow.start(actor=world.users["cadre_b1"], case=case, flow=GRID_INCIDENT)
    assert case.pk is None and not SampleIncident.objects.exists() and not CaseEvent.objects.exists()


def test_a_villager_reporter_may_open_their_own_report(world, new_case, calendar_2026):
    villager = world.users["villager_a1"]
    case = new_case(reporter=villager)
    workflow.start(actor=villager, case=case, flow=GRID_INCIDENT)
    assert case.state == "reported"


# -- hotline rules: hand back within 2 working days, extend by at most 10 --------------------------------------


def test_hand_back_within_two_working_days(world, dispatched):
    # Dispatched Wednesday 30 September 10:00: two working days are 8 and 9 October.
    workflow.transition(
        actor=world.users["department"],
        case=dispatched,
        flow=GRID_INCIDENT,
        name="hand_back",
        data={"reason": "不属于本部门职责"},
        now=at("2026-10-09 17:59"),
    )
    assert dispatched.state == "reported"


def test_hand_back_after_two_working_days_is_refused(world, dispatched):
    before = snapshot(dispatched)
    with translation.override("en"), pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["department"],
            case=dispatched,
            flow=GRID_INCIDENT,
            name="hand_back",
            data={"reason": "x"},
            now=at("2026-10-09 18:01"),
        )
    assert err.value.code == "window"
    assert "2026-10-09 18:00" in err.value.messages[0]
    assert snapshot(dispatched) == before
    assert [
        t.name
        for t in workflow.available(world.users["department"], dispatched, GRID_INCIDENT, now=at("2026-10-09 18:01"))
    ] == ["accept"]


def test_extend_by_working_days_up_to_ten_in_all(world, accepted):
    dept = world.users["department"]
    assert accepted.deadline_at == at("2026-10-13 18:00")
    workflow.transition(
        actor=dept,
        case=accepted,
        flow=GRID_INCIDENT,
        name="extend",
        data={"reason": "需采购配件", "days": "3"},
        now=at("2026-10-12 09:00"),
    )
    assert accepted.deadline_at == at("2026-10-16 18:00")
    assert accepted.state_entered_at == at("2026-09-30 11:00")  # same state: the clock is not restarted
    workflow.transition(
        actor=dept,
        case=accepted,
        flow=GRID_INCIDENT,
        name="extend",
        data={"reason": "仍在施工", "days": 7},
        now=at("2026-10-15 09:00"),
    )
    assert accepted.deadline_at == at("2026-10-27 18:00")
    before = snapshot(accepted)
    with translation.override("en"), pytest.raises(DomainError) as err:
        workflow.transition(
            actor=dept,
            case=accepted,
            flow=GRID_INCIDENT,
            name="extend",
            data={"reason": "again", "days": 1},
            now=at("2026-10-16 09:00"),
        )
    assert "0 are left" in err.value.error_dict["days"][0].messages[0]
    assert snapshot(accepted) == before


@pytest.mark.parametrize("days", [0, 11, "x", "2.5", 2.5, -1])
def test_extension_days_must_be_1_to_10(world, accepted, days):
    with pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["department"],
            case=accepted,
            flow=GRID_INCIDENT,
            name="extend",
            data={"reason": "r", "days": days},
            now=at("2026-10-12 09:00"),
        )
    assert set(err.value.error_dict) == {"days"}


def test_no_extension_after_the_deadline(world, accepted):
    with pytest.raises(DomainError) as err:
        workflow.transition(
            actor=world.users["department"],
            case=accepted,
            flow=GRID_INCIDENT,
            name="extend",
            data={"reason": "late", "days": 2},
            now=at("2026-10-13 18:01"),
        )
    assert err.value.code == "deadline"


# -- the engine is the only writer ----------------------------------------------------------------------------


def test_save_never_writes_the_state(world, reported):
    stale = SampleIncident.objects.get(pk=reported.pk)
    workflow.transition(
        actor=world.users["township_a"],
        case=reported,
        flow=GRID_INCIDENT,
        name="dispatch",
        data={"assignee": world.users["department"].pk},
    )
    stale.title = "路灯不亮（已核实）"
    stale.save()  # a stale instance: its old state must not come back
    row = SampleIncident.objects.get(pk=reported.pk)
    assert (row.title, row.state, row.version) == ("路灯不亮（已核实）", "dispatched", 2)
    with pytest.raises(WorkflowFieldError):
        stale.save(update_fields=["state"])
    fresh = SampleIncident(title="x", reporter=world.users["grid_a1"], state="closed")
    fresh.place_in(world.village_a1)
    with pytest.raises(WorkflowFieldError):
        fresh.save()


def test_case_events_are_append_only(world, reported):
    event = CaseEvent.objects.get()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE casework_caseevent SET note = 'changed' WHERE id = %s", [event.pk])


def test_caller_instance_follows_the_new_state(world, reported):
    workflow.transition(
        actor=world.users["township_a"],
        case=reported,
        flow=GRID_INCIDENT,
        name="dispatch",
        data={"assignee": world.users["department"]},
    )
    assert reported.state == "dispatched" and reported.assignee_id == world.users["department"].pk
    assert reported.version == 2


# -- declarations are checked when they are made -------------------------------------------------------------


def _flow(**overrides):
    spec = {
        "label": "t",
        "initial": "a",
        "start_allow": (Role.VILLAGE_CADRE,),
        "states": [State("a", "A", deadline=Deadline(hours=1)), State("b", "B")],
        "transitions": [Transition("go", source="a", target="b", label="Go", allow=(Role.VILLAGE_CADRE,))],
        "register": False,
    }
    spec.update(overrides)
    return Flow("t", **spec)


def test_a_valid_declaration_is_accepted():
    flow = _flow()
    assert flow.is_final("b") and not flow.is_final("a")


@pytest.mark.parametrize(
    "overrides",
    [
        {"initial": "zzz"},
        {"transitions": [Transition("go", source="a", target="nowhere", label="Go", allow=(Role.VILLAGE_CADRE,))]},
        {"transitions": [Transition("go", source="a", target="b", label="Go")]},
        {"transitions": [Transition("go", source="a", target="b", label="Go", allow=("king",))]},
        {"transitions": [Transition("start", source="a", target="b", label="Go", allow=(Role.VILLAGE_CADRE,))]},
        {"states": [State("a", "A", deadline=Deadline(hours=1), on_overdue="escalate:go"), State("b", "B")]},
        {"states": [State("a", "A", on_overdue="explode"), State("b", "B")]},
        {"states": [State("a", "A"), State("b", "B", deadline=Deadline(hours=1))]},
    ],
)
def test_mistakes_in_a_declaration_fail_at_import(overrides):
    with pytest.raises(ImproperlyConfigured):
        _flow(**overrides)


def test_deadline_takes_one_unit():
    with pytest.raises(ImproperlyConfigured):
        Deadline()
    with pytest.raises(ImproperlyConfigured):
        Deadline(hours=1, working_days=1)
    with translation.override("en"):
        assert str(Deadline(working_days=5)) == "5 working days"
