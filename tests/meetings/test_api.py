"""The meetings API (/api/meetings) with bearer tokens: the same rules as the pages, 404 outside scope, 422 with a
message for refusals that change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import rules, services
from meetings.models import Attendance, Meeting, MeetingKind, Motion, RegisterBasis, RosterMember, Vote
from tests.meetings.support import zh

pytestmark = pytest.mark.django_db
BASE = "/api/meetings"
STEPS = "/api/casework/cases/meeting"  # a meeting's steps are taken at the generic step endpoint


def post(client, url, data, headers):
    return client.post(f"{BASE}{url}", data, content_type="application/json", **headers)


def step(client, pk, name, data, headers):
    return client.post(f"{STEPS}/{pk}/steps/{name}", data, content_type="application/json", **headers)


def test_the_whole_meeting_over_the_api(client, mw, api_token):
    cadre = api_token(mw.cadre)
    start = timezone.now() + timedelta(days=4)
    response = post(
        client,
        "/meetings",
        {
            "village_id": mw.village.pk,
            "kind": "representatives",
            "title": "代表会议",
            "starts_at": start.isoformat(),
            "place": "村委会",
        },
        cadre,
    )
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["state"] == "draft" and {s["name"] for s in meeting["steps"]} == {"notice", "cancel"}
    pk = meeting["id"]
    response = post(client, f"/meetings/{pk}/motions", {"title": "村道修缮", "subject": "deliberation.topic:5"}, cadre)
    assert response.status_code == 201
    motion_id = response.json()["id"]
    response = step(client, pk, "notice", {"confirm": True}, cadre)
    assert response.status_code == 200 and response.json()["register_size"] == 3
    # the meeting is 4 days ahead: opening now is refused (at most 2 hours early)
    response = step(client, pk, "open", {}, cadre)
    assert response.status_code == 422 and "2" in response.json()["detail"]
    # move the start to now (test only) and open
    Meeting.objects.filter(pk=pk).update(starts_at=timezone.now())
    assert step(client, pk, "open", {}, cadre).status_code == 200
    register = client.get(f"{BASE}/meetings/{pk}/register", **cadre).json()
    assert len(register) == 3 and not any(e["signed_in"] for e in register)
    ids = [e["id"] for e in register]
    response = post(client, f"/meetings/{pk}/sign-in", {"entry_ids": ids[:1]}, cadre)
    assert response.json()["present"] == 1 and response.json()["quorum"]["met"] is False
    response = post(client, f"/motions/{motion_id}/open", {"method": "ballot"}, cadre)
    no_quorum = (
        "No quorum: %(present)s of %(size)s are signed in, %(needed)s are needed (%(rule)s). The meeting cannot decide."
    )
    rule = zh(rules.quorum_text(MeetingKind.REPRESENTATIVES, RegisterBasis.PERSON))
    assert response.status_code == 422
    assert response.json()["detail"] == zh(no_quorum, present=1, size=3, needed=2, rule=rule)
    post(client, f"/meetings/{pk}/sign-in", {"entry_ids": ids}, cadre)
    assert post(client, f"/motions/{motion_id}/open", {"method": "ballot"}, cadre).status_code == 200
    for entry_id, choice in zip(ids, ["for", "for", "abstain"], strict=True):
        response = post(client, f"/motions/{motion_id}/votes", {"entry_id": entry_id, "choice": choice}, cadre)
        assert response.status_code == 201
    response = post(client, f"/motions/{motion_id}/votes", {"entry_id": ids[0], "choice": "against"}, cadre)
    assert response.status_code == 422
    response = post(client, f"/motions/{motion_id}/close", {"confirm": True}, cadre)
    assert response.json()["outcome"] == "adopted" and response.json()["votes_abstain"] == 1
    assert step(client, pk, "close", {"confirm": True}, cadre).json()["state"] == "closed"
    response = step(client, pk, "minutes", {"data": {"minutes": "纪要"}}, cadre)
    assert response.json()["minutes"] == "纪要"
    subject = client.get(f"{BASE}/subjects/deliberation.topic:5/motions", **cadre).json()
    assert [m["id"] for m in subject] == [motion_id]


def test_a_villager_signs_in_and_votes_over_the_api(client, mw, api_token):
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="村规民约", reserved_matter="village_rules")
    villager = api_token(mw.users["villager_a1"])
    mine = client.get(f"{BASE}/meetings/mine", **villager).json()
    assert [m["id"] for m in mine] == [meeting.pk]
    detail = client.get(f"{BASE}/meetings/{meeting.pk}", **villager).json()
    assert {e["name"] for e in detail["my_entries"]} == {"王建国", "刘桂兰"} and detail["steps"] == []
    response = post(client, f"/meetings/{meeting.pk}/sign-in", {}, villager)
    assert response.json()["signed_in"] == 2
    others = list(meeting.register.filter(attendance__isnull=True)[:8])
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=others)
    services.motion_open(actor=mw.cadre, motion=motion)
    entry = detail["my_entries"][0]["id"]
    assert (
        post(client, f"/motions/{motion.pk}/votes", {"entry_id": entry, "choice": "for"}, villager).status_code == 201
    )
    response = post(client, f"/motions/{motion.pk}/votes", {"entry_id": others[0].pk, "choice": "for"}, villager)
    assert response.status_code == 404
    # a villager cannot run the meeting
    assert post(client, f"/motions/{motion.pk}/close", {"confirm": True}, villager).status_code == 403
    assert client.get(f"{BASE}/meetings/{meeting.pk}/register", **villager).status_code == 403
    assert Vote.objects.filter(motion=motion).count() == 1


def test_refusals_answer_422_and_change_nothing(client, mw, api_token):
    cadre = api_token(mw.cadre)
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    response = post(
        client, f"/meetings/{meeting.pk}/motions", {"title": "村规民约", "reserved_matter": "village_rules"}, cadre
    )
    assert response.status_code == 422 and "reserved_matter" in response.json()["errors"]
    assert not Motion.objects.exists()
    response = post(
        client,
        "/meetings",
        {"village_id": mw.village.pk, "kind": "x", "title": "", "place": "", "starts_at": timezone.now().isoformat()},
        cadre,
    )
    assert response.status_code == 422
    assert step(client, meeting.pk, "fly", {}, cadre).status_code == 422
    assert client.get(f"{BASE}/meetings?state=nope", **cadre).status_code == 422


def test_scope_other_villages_are_not_found(client, mw, api_token):
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    other = api_token(mw.users["cadre_b1"])
    assert client.get(f"{BASE}/meetings/{meeting.pk}", **other).status_code == 404
    assert post(client, f"/meetings/{meeting.pk}/motions", {"title": "x"}, other).status_code == 404
    assert client.get(f"{BASE}/meetings", **other).json()["count"] == 0
    township = api_token(mw.users["township_a"])
    assert client.get(f"{BASE}/meetings", **township).json()["count"] == 1
    assert client.get(f"{BASE}/meetings/{meeting.pk}/register", **township).status_code == 200


def test_rosters_delegations_and_rules(client, mw, api_token):
    cadre = api_token(mw.cadre)
    page = client.get(f"{BASE}/rosters/{mw.village.pk}", **cadre).json()
    assert len([m for m in page["members"] if m["body"] == "representatives"]) == 3
    response = post(
        client,
        "/rosters",
        {"village_id": mw.village.pk, "body": "party_masses", "person_id": mw.w.people["x4_head"].pk},
        cadre,
    )
    assert response.status_code == 201
    member_id = response.json()["id"]
    assert client.delete(f"{BASE}/rosters/members/{member_id}", **cadre).status_code == 200
    assert RosterMember.objects.get(pk=member_id).until is not None
    response = post(
        client,
        "/rosters",
        {"village_id": mw.village.pk, "body": "party_masses", "person_id": mw.w.people["x4_child"].pk},
        cadre,
    )
    assert response.status_code == 422
    assert client.get(f"{BASE}/rosters/{mw.w.village_b1.pk}", **cadre).status_code == 404
    assert client.get(f"{BASE}/delegations", **cadre).json() == []
    rules = {r["kind"]: r for r in client.get(f"{BASE}/rules", **cadre).json()}
    assert rules["villagers_assembly"]["notice_days"] == 10 and rules["courtyard"]["consultative"]
    assert Attendance.objects.count() == 0


def test_delegations_over_the_api(client, mw, api_token):
    cadre = api_token(mw.cadre)
    assembly = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    motion = services.motion_add(actor=mw.cadre, meeting=assembly, title="授权")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=assembly, entries=list(assembly.register.all()))
    services.motion_open(actor=mw.cadre, motion=motion, method="hands")
    services.motion_record_totals(actor=mw.cadre, motion=motion, votes_for=15, votes_against=4, votes_abstain=0)
    assert client.get(f"{BASE}/motions/{motion.pk}", **cadre).json()["outcome"] == "adopted"
    today = timezone.localdate()
    body = {"matter": "village_rules", "valid_from": today.isoformat(), "valid_until": today.isoformat()}
    response = post(client, f"/motions/{motion.pk}/delegations", body, cadre)
    assert response.status_code == 422 and "matter" in response.json()["errors"]
    body["matter"] = "homesteads"
    response = post(client, f"/motions/{motion.pk}/delegations", body, cadre)
    assert response.status_code == 201 and response.json()["in_force"] is True
    delegation_id = response.json()["id"]
    villager = api_token(mw.users["villager_a1"])
    assert [d["id"] for d in client.get(f"{BASE}/delegations", **villager).json()] == [delegation_id]
    assert post(client, f"/delegations/{delegation_id}/revoke", {}, villager).status_code == 403
    response = post(client, f"/delegations/{delegation_id}/revoke", {}, cadre)
    assert response.status_code == 200 and response.json()["in_force"] is False
    assert client.get(f"{BASE}/motions/{motion.pk}", **api_token(mw.users["cadre_b1"])).status_code == 404


def test_a_draft_is_changed_over_the_api(client, mw, api_token):
    cadre = api_token(mw.cadre)
    draft = services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind="two_committees",
        title="两委会",
        starts_at=timezone.now() + timedelta(days=3),
        place="村委会",
    )
    response = client.put(
        f"{BASE}/meetings/{draft.pk}", {"title": "两委会议：研究低保"}, content_type="application/json", **cadre
    )
    assert response.status_code == 200 and response.json()["title"] == "两委会议：研究低保"
    response = client.put(
        f"{BASE}/meetings/{draft.pk}", {"basis": "household"}, content_type="application/json", **cadre
    )
    assert response.status_code == 422
