"""Migration points 0009 opens the appeals filed before the appeal procedure on it: the state from their status,
the deadline counted from their filing, the timeline of what happened; run again, it changes nothing."""

import importlib
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from casework.models import CaseEvent
from core import workflow
from core.calendar import WorkingCalendar
from points import services
from points.flows import APPEAL
from points.models import Appeal, CountyPointsSettings, LedgerEntry, RuleItem
from points.subjects import subject_of

migration = importlib.import_module("points.migrations.0009_open_existing_appeals")


def entry(world, scheme, code):
    claim = services.claim_record(
        actor=world.users["grid_a1"],
        scheme=scheme,
        subject=subject_of(world.households["a1"]),
        item=RuleItem.objects.get(rulebook__scheme=scheme, code=code),
        occurred_on=timezone.localdate(),
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    return LedgerEntry.objects.get(claim=claim)


def as_before(world, ledger_entry, *, status="pending", filed_at, decided_at=None, note=""):
    """An appeal as the app stored it before the procedure: its own columns only, not opened on any flow."""
    appeal = Appeal(
        entry=ledger_entry,
        household=world.households["a1"],
        filed_by=world.users["villager_a1"],
        filed_at=filed_at,
        reason="那天我不在家",
        status=status,
        decided_by=world.users["reviewer_a1"] if decided_at else None,
        decided_at=decided_at,
        decision_note=note,
    )
    appeal.place_in(world.village_a1)
    appeal.save()
    return appeal


def events(appeal):
    return list(CaseEvent.objects.filter(flow=APPEAL.name, object_id=appeal.pk).order_by("id"))


def test_existing_appeals_are_opened_on_the_procedure(world, scheme):
    CountyPointsSettings.objects.create(county=world.county, appeal_answer_days=3)
    now = timezone.now()
    old, recent = now - timedelta(days=30), now - timedelta(hours=1)
    waiting_long = as_before(world, entry(world, scheme, "2.1"), filed_at=old)
    waiting = as_before(world, entry(world, scheme, "2.2"), filed_at=recent)
    decided_at = old + timedelta(days=2)
    upheld = as_before(
        world, entry(world, scheme, "2.3"), status="upheld", filed_at=old, decided_at=decided_at, note="属实"
    )
    overturned = as_before(
        world, entry(world, scheme, "3.1"), status="overturned", filed_at=old, decided_at=old + timedelta(days=4)
    )
    assert Appeal.objects.filter(flow="").count() == 4

    migration.open_existing_appeals(apps, None)

    calendar = WorkingCalendar(world.county)
    for appeal, filed in ((waiting_long, old), (waiting, recent)):
        appeal.refresh_from_db()
        assert (appeal.flow, appeal.state, appeal.status, appeal.version) == ("points_appeal", "pending", "pending", 1)
        assert appeal.answer_days == 3 and appeal.opened_at == appeal.state_entered_at == filed
        assert appeal.deadline_at == calendar.add_working_days(filed, 3) and appeal.closed_at is None
        (start,) = events(appeal)
        assert (start.transition, start.from_state, start.to_state) == ("start", "", "pending")
        assert start.at == filed and start.actor_id == world.users["villager_a1"].pk and start.note == "那天我不在家"
        assert start.deadline_at == appeal.deadline_at and start.data == {"migrated": True}
        assert start.village_id == world.village_a1.pk
    for appeal, state, step in ((upheld, "upheld", "uphold"), (overturned, "overturned", "overturn")):
        appeal.refresh_from_db()
        assert (appeal.state, appeal.status, appeal.version) == (state, state, 2)
        assert appeal.closed_at == appeal.state_entered_at == appeal.decided_at and appeal.deadline_at is None
        start, decision = events(appeal)
        assert start.deadline_at == calendar.add_working_days(old, 3)
        assert (decision.transition, decision.from_state, decision.to_state) == (step, "pending", state)
        assert decision.at == appeal.decided_at and decision.actor_id == world.users["reviewer_a1"].pk
        assert decision.note == appeal.decision_note
    assert [e.transition for e in workflow.history(upheld)] == ["start", "uphold"]

    # run again: nothing changes
    counted = CaseEvent.objects.filter(flow=APPEAL.name).count()
    migration.open_existing_appeals(apps, None)
    assert CaseEvent.objects.filter(flow=APPEAL.name).count() == counted == 6

    # from here on they are cases like any other: the one long past its deadline is flagged, the fresh one not
    assert workflow.run_deadlines(APPEAL).flagged == [waiting_long.pk]
    decided = services.appeal_decide(
        actor=world.users["reviewer_a1"], appeal=waiting, overturn=True, note="经核实撤销", version=1
    )
    assert decided.state == "overturned" and LedgerEntry.objects.filter(reverses=waiting.entry).exists()
    assert [e.transition for e in workflow.history(decided)] == ["start", "overturn"]


def test_nothing_to_open_is_a_no_op(world, scheme):
    migration.open_existing_appeals(apps, None)
    assert not CaseEvent.objects.filter(flow=APPEAL.name).exists()
