"""Appeals (复议) on the workflow engine (points.flows.APPEAL): filed by the household, decided by the review group
with its finding, once and for good, within the county's working days; overdue ones flagged and on the board."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from casework.models import CaseEvent
from core import workflow
from core.calendar import WorkingCalendar
from core.errors import DomainError
from core.models import AuditEvent, Notification
from points import services
from points.flows import APPEAL
from points.models import Appeal, CountyPointsSettings, EntryKind, LedgerEntry
from points.subjects import subject_of


def approved(world, scheme, item, day=None, household="a1"):
    recorder = world.users["grid_a1"] if household == "a1" else world.users["cadre_a1"]
    claim = services.claim_record(
        actor=recorder,
        scheme=scheme,
        subject=subject_of(world.households[household]),
        item=item,
        occurred_on=day or timezone.localdate(),
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    return LedgerEntry.objects.get(claim=claim)


def snapshot(appeal):
    """Everything a refused step must leave as it was."""
    appeal.refresh_from_db()
    return (
        appeal.state,
        appeal.status,
        appeal.version,
        CaseEvent.objects.filter(flow=APPEAL.name, object_id=appeal.pk).count(),
        LedgerEntry.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def next_weekday(weekday: int):
    """The next such weekday (0 Monday … 4 Friday) after today: inside every entry's 15-day appeal window."""
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


# -- the procedure end to end -----------------------------------------------------------------------------------


def test_filed_on_the_page_decided_on_the_step_view_with_confirmation(
    world, scheme, item, login, django_capture_on_commit_callbacks
):
    entry = approved(world, scheme, item)
    villager = login(world.users["villager_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        assert villager.post(f"/points/entries/{entry.pk}/appeal/", {"reason": "那天我不在家"}).status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.flow, appeal.state, appeal.status, appeal.version) == ("points_appeal", "pending", "pending", 1)
    assert appeal.answer_days == 10 and appeal.opened_at == appeal.filed_at == appeal.state_entered_at
    assert appeal.deadline_at == WorkingCalendar(appeal.county_id).add_working_days(appeal.filed_at, 10)
    # the review group hears of it
    told = Notification.objects.filter(key__startswith="points_appeal:").values_list("user__username", flat=True)
    assert list(told) == ["reviewer_a1"]

    reviewer = login(world.users["reviewer_a1"])
    page = reviewer.get(f"/points/appeals/{appeal.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "那天我不在家" in html
    assert 'name="decide-decision"' in html and 'name="decide-note"' in html and 'name="decide-confirm"' in html
    assert f'data-confirm="{APPEAL.transitions["decide"].confirm}"' in html
    step = f"/casework/cases/points_appeal/{appeal.pk}/steps/decide/"

    # not confirmed: refused, the page again with the message, nothing written
    before = snapshot(appeal)
    form = {"decide-decision": "overturn", "decide-note": "经核实不属实", "decide-version": appeal.version}
    refused = reviewer.post(step, form)
    assert refused.status_code == 400 and "confirm" in refused.context["steps"][0]["form"].errors
    assert snapshot(appeal) == before
    # no finding: refused too
    refused = reviewer.post(step, {**form, "decide-note": "", "decide-confirm": "on"})
    assert refused.status_code == 400 and snapshot(appeal) == before

    with django_capture_on_commit_callbacks(execute=True):
        done = reviewer.post(step, {**form, "decide-confirm": "on"})
    assert done.status_code == 302 and done["Location"] == "/points/appeals/"
    appeal.refresh_from_db()
    assert (appeal.state, appeal.status, appeal.decision_note) == ("overturned", "overturned", "经核实不属实")
    assert appeal.decided_by_id == world.users["reviewer_a1"].pk and appeal.closed_at is not None
    assert appeal.deadline_at is None
    reversal = LedgerEntry.objects.get(reverses=entry)
    assert reversal.kind == EntryKind.REVERSAL and reversal.actor_id == world.users["reviewer_a1"].pk
    assert reversal.score_delta == -entry.score_delta and reversal.balance_delta == -entry.balance_delta
    assert reversal.occurred_on == entry.occurred_on  # counts in the period of the entry it reverses
    assert reversal.recorded_at >= appeal.filed_at and "经核实不属实" in reversal.reason
    assert [e.transition for e in workflow.history(appeal)] == ["start", "overturn"]
    assert AuditEvent.objects.filter(action="points.appeal.decide").count() == 1
    # the household is told, not the one who decided
    told = Notification.objects.filter(key=f"points_appeal:{workflow.history(appeal).last().pk}")
    assert list(told.values_list("user__username", flat=True)) == ["villager_a1"]
    assert told.get().url == f"/points/appeals/{appeal.pk}/"
    # final: a second decision is refused, nothing more is written
    before = snapshot(appeal)
    assert reviewer.post(step, {**form, "decide-confirm": "on"}).status_code == 400
    assert snapshot(appeal) == before
    # the household sees its appeal and the outcome, with no step to take
    mine = login(world.users["villager_a1"]).get(f"/points/appeals/{appeal.pk}/")
    assert mine.status_code == 200 and "经核实不属实" in mine.content.decode() and mine.context["steps"] == []


def test_decided_through_the_generic_api_only_when_confirmed(world, scheme, item, client, api_token):
    entry = approved(world, scheme, item)
    appeal = services.appeal_file(actor=world.users["villager_a1"], entry=entry, reason="不是我家")
    url = f"/api/casework/cases/points_appeal/{appeal.pk}"
    reviewer = api_token(world.users["reviewer_a1"])
    villager, township = api_token(world.users["villager_a1"]), api_token(world.users["township_a"])
    cadre_b1, grid = api_token(world.users["cadre_b1"]), api_token(world.users["grid_a1"])
    case = client.get(url, **reviewer).json()
    assert case["state"] == "pending" and case["status"] == "pending" and case["answer_days"] == 10
    assert case["entry"]["id"] == entry.pk and case["late"] is False
    assert {s["name"]: bool(s["confirm"]) for s in case["steps"]} == {"uphold": True, "overturn": True}
    before = snapshot(appeal)
    refused = client.post(f"{url}/steps/uphold", {"note": "属实"}, content_type="application/json", **reviewer)
    assert refused.status_code == 422 and "confirm" in refused.json()["errors"]
    assert snapshot(appeal) == before
    # others see the case and can take no step: the household, the township; another village does not see it
    assert client.get(url, **villager).json()["steps"] == []
    assert client.get(url, **township).json()["steps"] == []
    body = {"note": "我来决定", "confirm": True}
    assert client.post(f"{url}/steps/uphold", body, content_type="application/json", **township).status_code == 422
    assert client.get(url, **cadre_b1).status_code == 404
    assert client.get(url, **grid).status_code == 404
    assert snapshot(appeal) == before

    done = client.post(
        f"{url}/steps/uphold", {"note": "经核实属实", "confirm": True}, content_type="application/json", **reviewer
    )
    assert done.status_code == 200 and done.json()["state"] == "upheld" and done.json()["status"] == "upheld"
    assert not LedgerEntry.objects.filter(reverses=entry).exists()
    assert [e["step"] for e in done.json()["timeline"]] == ["start", "uphold"]


def test_an_entry_corrected_meanwhile_cannot_be_overturned_again(world, scheme, item):
    entry = approved(world, scheme, item)
    appeal = services.appeal_file(actor=world.users["villager_a1"], entry=entry, reason="有误")
    services.entry_reverse(actor=world.users["cadre_a1"], entry=entry, reason="村干部已更正")
    before = snapshot(appeal)
    with pytest.raises(DomainError) as refused:
        services.appeal_decide(actor=world.users["reviewer_a1"], appeal=appeal, overturn=True, note="撤销")
    assert refused.value.messages == [gettext("This entry has already been corrected.")]
    assert snapshot(appeal) == before
    services.appeal_decide(actor=world.users["reviewer_a1"], appeal=appeal, overturn=False, note="已由村里更正")
    assert LedgerEntry.objects.filter(reverses=entry).count() == 1


# -- the deadline ------------------------------------------------------------------------------------------------


def test_the_deadline_counts_working_days_across_a_weekend_and_overdue_is_flagged_once(world, scheme, item):
    CountyPointsSettings.objects.create(county=world.county, appeal_answer_days=3)
    friday = next_weekday(4)
    filed = at(friday, 10)
    entry = approved(world, scheme, item)
    appeal = services.appeal_file(actor=world.users["villager_a1"], entry=entry, reason="有误", now=filed)
    # Friday's own day does not count, nor Saturday and Sunday: Monday, Tuesday, Wednesday → Wednesday 18:00
    wednesday = friday + timedelta(days=5)
    assert appeal.answer_days == 3 and appeal.filed_at == filed
    assert appeal.deadline_at == at(wednesday, 18)

    assert workflow.run_deadlines(APPEAL, now=at(friday + timedelta(days=3), 9)).flagged == []  # Monday
    assert workflow.run_deadlines(APPEAL, now=at(wednesday, 17, 59)).flagged == []
    report = workflow.run_deadlines(APPEAL, now=at(wednesday, 18, 1))
    assert report.flagged == [appeal.pk]
    appeal.refresh_from_db()
    assert appeal.overdue and appeal.state == "pending"
    assert workflow.history(appeal).last().transition == workflow.OVERDUE
    assert workflow.run_deadlines(APPEAL, now=at(wednesday + timedelta(days=1), 9)).flagged == []  # once
    # still decidable late; the decision clears the flag with the case
    late = at(wednesday + timedelta(days=1), 10)
    services.appeal_decide(actor=world.users["reviewer_a1"], appeal=appeal, overturn=False, note="属实", now=late)
    assert appeal.closed_at == appeal.decided_at == late and appeal.state == "upheld" and not appeal.overdue
    assert [e.transition for e in workflow.history(appeal)] == ["start", "overdue", "uphold"]


def test_the_county_sets_the_working_days_on_its_policy_page_and_api(world, scheme, item, login, client, api_token):
    admin = login(world.users["county_admin"])
    page = admin.get("/points/policy/").content.decode()
    assert 'name="settings-appeal_answer_days"' in page and 'value="10"' in page
    bad = admin.post("/points/policy/", {"form": "settings", "settings-appeal_answer_days": "0"})
    assert bad.status_code == 200 and not CountyPointsSettings.objects.exists()
    saved = admin.post("/points/policy/", {"form": "settings", "settings-appeal_answer_days": "5"})
    assert saved.status_code == 302 and services.appeal_answer_days(world.county.pk) == 5
    assert AuditEvent.objects.filter(action="points.county_settings.save").count() == 1
    entry = approved(world, scheme, item)
    assert services.appeal_file(actor=world.users["villager_a1"], entry=entry, reason="有误").answer_days == 5

    token = api_token(world.users["county_admin"])
    assert client.get("/api/points/county-settings", **token).json() == {
        "county_id": world.county.pk,
        "appeal_answer_days": 5,
    }
    body = {"county_id": world.county.pk, "appeal_answer_days": 7}
    assert client.put("/api/points/county-settings", body, content_type="application/json", **token).status_code == 200
    too_long = client.put(
        "/api/points/county-settings", {**body, "appeal_answer_days": 61}, content_type="application/json", **token
    )
    assert too_long.status_code == 422 and services.appeal_answer_days(world.county.pk) == 7
    # the appeal already filed keeps the deadline it was given
    assert Appeal.objects.get().answer_days == 5
    cadre = api_token(world.users["cadre_a1"])
    assert client.put("/api/points/county-settings", body, content_type="application/json", **cadre).status_code == 403


# -- the supervisor's board ------------------------------------------------------------------------------------


def test_overdue_appeals_are_on_the_board_with_their_deadline(world, scheme, item, login, client, api_token):
    filed = timezone.now() - timedelta(days=30)
    late = services.appeal_file(
        actor=world.users["villager_a1"], entry=approved(world, scheme, item), reason="迟迟未答复", now=filed
    )
    from points.models import RuleItem

    other_item = RuleItem.objects.get(rulebook__scheme=scheme, code="2.2")
    fresh = services.appeal_file(
        actor=world.users["villager_a1"], entry=approved(world, scheme, other_item), reason="刚提出"
    )
    workflow.run_deadlines(APPEAL)
    late.refresh_from_db()
    assert late.overdue and not Appeal.objects.get(pk=fresh.pk).overdue
    due = timezone.localtime(late.deadline_at).strftime("%Y-%m-%d %H:%M")

    board = login(world.users["reviewer_a1"]).get("/points/appeals/")
    assert [a.pk for a in board.context["late"]] == [late.pk]
    html = board.content.decode()
    assert 'id="overdue-appeals"' in html and due in html
    assert [a.pk for a in login(world.users["reviewer_a1"]).get("/points/appeals/?overdue=1").context["page"]] == [
        late.pk
    ]
    # the township supervises: the same list, to open, not to decide; its points home says how many are late
    township = login(world.users["township_a"])
    board = township.get("/points/appeals/")
    assert [a.pk for a in board.context["late"]] == [late.pk] and due in board.content.decode()
    assert not any(a.can_decide for a in board.context["late"])
    home = township.get("/points/").content.decode()
    assert 'id="overdue-appeals"' in home and "/points/appeals/?overdue=1" in home
    assert township.get(f"/points/appeals/{late.pk}/").context["steps"] == []
    # another village's cadre and a grid worker see none
    assert list(login(world.users["cadre_b1"]).get("/points/appeals/").context["late"]) == []
    assert 'id="overdue-appeals"' not in login(world.users["cadre_b1"]).get("/points/").content.decode()
    assert list(login(world.users["grid_a1"]).get("/points/appeals/").context["page"]) == []

    rows = client.get("/api/points/appeals?overdue=true", **api_token(world.users["township_a"])).json()
    assert [(r["id"], r["overdue"]) for r in rows] == [(late.pk, True)]
    assert rows[0]["deadline_at"] is not None and rows[0]["url"] == f"/points/appeals/{late.pk}/"
    everything = client.get("/api/points/appeals", **api_token(world.users["reviewer_a1"])).json()
    assert [r["id"] for r in everything] == [late.pk, fresh.pk]  # open ones, the nearest deadline first
