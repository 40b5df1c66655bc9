"""The meeting pages through the Django test client, for every role: the list, a meeting, the clerk's sign-in
list and roll call, the villager's phone sign-in and vote, print, rosters, delegations and notice periods;
refusals show the Chinese message and write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent
from meetings import rules, services
from meetings.models import Attendance, Meeting, MeetingKind, Motion, Outcome, RosterMember, Vote
from tests.meetings.support import zh, zh_n

pytestmark = pytest.mark.django_db


def test_every_role_opens_the_list_and_sees_only_its_villages(mw, login):
    mine = mw.meeting(MeetingKind.REPRESENTATIVES, title="安家村代表会议")
    services.meeting_create(
        actor=mw.users["cadre_b1"],
        village=mw.w.village_b1,
        kind=MeetingKind.TWO_COMMITTEES,
        title="新桥村两委会议",
        starts_at=timezone.now() + timedelta(days=3),
        place="村委会",
    )
    services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind="two_committees",
        title="安家村草稿会议",
        starts_at=timezone.now() + timedelta(days=3),
        place="村委会",
    )
    expect = {
        "cadre_a1": ({mine.title, "安家村草稿会议"}, {"新桥村两委会议"}),
        "villager_a1": ({mine.title}, {"新桥村两委会议", "安家村草稿会议"}),
        "grid_a1": ({mine.title}, {"新桥村两委会议", "安家村草稿会议"}),
        "supervisor_a1": ({mine.title}, {"新桥村两委会议", "安家村草稿会议"}),
        "township_a": ({mine.title, "安家村草稿会议"}, {"新桥村两委会议"}),
        "county_official": ({mine.title}, {"安家村草稿会议"}),
    }
    for username, (seen, unseen) in expect.items():
        client = login(mw.users[username])
        text = client.get("/meetings/").content.decode()
        for title in seen:
            assert title in text, (username, title)
        for title in unseen:
            assert title not in text, (username, title)
    assert login(mw.users["cadre_b1"]).get(f"/meetings/{mine.pk}/").status_code == 404
    assert login(mw.users["mediator"]).get("/meetings/").status_code == 403


def test_cadre_creates_a_meeting_adds_a_motion_and_notice_too_late_is_refused(mw, login):
    client = login(mw.cadre)
    assert client.get("/meetings/new/").status_code == 200
    start = timezone.localtime() + timedelta(days=5)
    response = client.post(
        "/meetings/new/",
        {
            "village": mw.village.pk,
            "kind": "villagers_assembly",
            "title": "2027年村民会议",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "place": "村文化广场",
            "basis": "",
            "agenda": "审议土地承包方案",
        },
    )
    meeting = Meeting.objects.get(title="2027年村民会议")
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    response = client.post(
        f"/meetings/{meeting.pk}/motions/",
        {"motion-title": "土地承包方案", "motion-reserved_matter": "land_contracting", "motion-text": ""},
    )
    assert response.status_code == 302
    before = AuditEvent.objects.count()
    response = client.post(f"/casework/cases/meeting/{meeting.pk}/steps/notice/", {"notice-confirm": "on"}, follow=True)
    assert "10" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == "draft" and not meeting.register.exists()
    assert AuditEvent.objects.count() == before


def test_a_refused_motion_keeps_what_was_typed(mw, login):
    meeting = mw.meeting(MeetingKind.TWO_COMMITTEES)
    client = login(mw.cadre)
    response = client.post(
        f"/meetings/{meeting.pk}/motions/",
        {"motion-title": "宅基地分配方案", "motion-reserved_matter": "homesteads"},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert (
        "宅基地分配方案" in text
        and zh(
            "This matter is reserved to the villagers' assembly (Art. 24); this body cannot decide it, "
            "not even as an opinion."
        )
        in text
    )
    assert not Motion.objects.filter(meeting=meeting).exists()


def test_the_clerk_signs_in_records_a_roll_call_and_closes_voting(mw, login):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="村道修缮")
    client = login(mw.cadre)
    page = client.get(f"/meetings/{meeting.pk}/register/?q=妻子")
    assert page.status_code == 200
    text = page.content.decode()
    assert "妻子0" in text and "王建国" not in text
    ids = list(meeting.register.values_list("pk", flat=True))
    response = client.post(f"/meetings/{meeting.pk}/register/", {"entry": ids})
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=meeting).count() == 3
    response = client.post(f"/meetings/motions/{motion.pk}/open/", {f"o{motion.pk}-method": "ballot"})
    assert response["Location"] == f"/meetings/motions/{motion.pk}/roll-call/"
    assert client.get(response["Location"]).status_code == 200
    client.post(f"/meetings/motions/{motion.pk}/roll-call/", {f"v{ids[0]}": "for", f"v{ids[1]}": "against"})
    assert Vote.objects.filter(motion=motion).count() == 2
    client.post(f"/meetings/motions/{motion.pk}/close/", {f"c{motion.pk}-confirm": "on"})
    motion.refresh_from_db()
    # 1 for of 3 present: not more than half
    assert motion.outcome == Outcome.REJECTED and motion.present == 3
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert motion.explanation in page


def test_a_household_register_is_counted_in_households_on_the_pages(mw, login):
    """A register by household counts households: the meeting's page and its register say 户, not 人."""
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, basis="household")  # 10 households: 7 needed
    client = login(mw.cadre)
    detail = client.get(f"/meetings/{meeting.pk}/").content.decode()
    register = client.get(f"/meetings/{meeting.pk}/register/").content.decode()
    assert zh("%(n)s households on the register", n=10) in detail
    for page in (detail, register):
        assert zh("%(n)s households needed for the quorum", n=7) in page
        assert zh("%(n)s needed for the quorum", n=7) not in page
    people = client.get(f"/meetings/{mw.opened(MeetingKind.REPRESENTATIVES).pk}/").content.decode()
    assert zh("%(n)s needed for the quorum", n=2) in people


def test_show_of_hands_totals_that_do_not_add_up_are_refused(mw, login):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修建文化广场")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(meeting.register.all()))
    client = login(mw.cadre)
    client.post(f"/meetings/motions/{motion.pk}/open/", {f"o{motion.pk}-method": "hands"})
    p = f"t{motion.pk}"
    response = client.post(
        f"/meetings/motions/{motion.pk}/totals/",
        {f"{p}-votes_for": 3, f"{p}-votes_against": 1, f"{p}-votes_abstain": 0},
    )
    assert response.status_code == 422
    assert "4" in response.content.decode()
    motion.refresh_from_db()
    assert motion.outcome == Outcome.PENDING
    response = client.post(
        f"/meetings/motions/{motion.pk}/totals/",
        {f"{p}-votes_for": 2, f"{p}-votes_against": 0, f"{p}-votes_abstain": 1},
    )
    assert response.status_code == 302
    motion.refresh_from_db()
    assert motion.outcome == Outcome.ADOPTED and motion.votes_for == 2


def test_the_villager_signs_in_their_household_and_votes_on_the_phone(mw, login):
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修订村规民约", reserved_matter="village_rules")
    client = login(mw.users["villager_a1"])
    home = client.get("/meetings/").content.decode()
    assert zh("My meetings") in home and meeting.title in home
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "王建国" in page and "刘桂兰" in page
    # nobody is ticked in advance, and sending the form with nobody ticked signs nobody in (no proxies)
    assert 'name="entry" value' in page and " checked>" not in page.split('id="mine"')[1].split("</section>")[0]
    response = client.post(f"/meetings/{meeting.pk}/sign-in/", follow=True)
    assert zh("Tick who of your household is here in person.") in response.content.decode()
    assert not Attendance.objects.filter(meeting=meeting).exists()
    entries = list(meeting.register.filter(name__in=["王建国", "刘桂兰"]).values_list("pk", flat=True))
    response = client.post(f"/meetings/{meeting.pk}/sign-in/", {"entry": entries})
    assert response.status_code == 302
    mine = Attendance.objects.filter(meeting=meeting)
    assert {a.entry.name for a in mine} == {"王建国", "刘桂兰"}
    # the other households sign in at the clerk's: quorum needs more than half of 19 adults
    others = meeting.register.exclude(pk__in=[a.entry_id for a in mine])[:8]
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(others))
    services.motion_open(actor=mw.cadre, motion=motion)
    entry = mine.get(entry__name="王建国").entry
    response = client.post(f"/meetings/motions/{motion.pk}/vote/", {"entry": entry.pk, "choice": "for"})
    assert response.status_code == 302
    assert Vote.objects.get(motion=motion, entry=entry).choice == "for"
    # a second vote is refused, the first stands
    response = client.post(
        f"/meetings/motions/{motion.pk}/vote/", {"entry": entry.pk, "choice": "against"}, follow=True
    )
    assert zh("%(name)s has already voted on this motion; a vote cannot be changed.", name="王建国") in (
        response.content.decode()
    )
    assert Vote.objects.filter(motion=motion, entry=entry).count() == 1
    # someone else's entry is not found
    stranger = others[0]
    assert (
        client.post(f"/meetings/motions/{motion.pk}/vote/", {"entry": stranger.pk, "choice": "for"}).status_code == 404
    )


def test_print_minutes_and_sign_in_sheet(mw, login):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES, title="第三季度村民代表会议")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(meeting.register.all()))
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="close")
    services.meeting_step(
        actor=mw.cadre, meeting=meeting, step="minutes", data={"minutes": "会议审议了村道修缮。", "chair": "王建国"}
    )
    text = login(mw.cadre).get(f"/meetings/{meeting.pk}/print/").content.decode()
    assert "会议审议了村道修缮。" in text and zh("Sign-in sheet") in text and "妻子0" in text
    # attendance, quorum and the decision rule read as sentences of their own
    size = meeting.register_size
    basis = zh(str(meeting.get_basis_display()))
    assert zh("%(p)s of %(s)s present (%(b)s)", p=size, s=size, b=basis) in text
    assert f"<td>{zh('Quorum')}</td><td>{zh(rules.quorum_text(meeting.kind, meeting.basis))}</td>" in text
    assert zh("Decision rule: %(rule)s", rule=zh(rules.decision_text(meeting.kind))) in text
    villager = login(mw.users["villager_a1"]).get(f"/meetings/{meeting.pk}/print/").content.decode()
    assert "会议审议了村道修缮。" in villager and zh("Sign-in sheet") not in villager


def test_rosters_page_adds_removes_and_warns(mw, login):
    client = login(mw.cadre)
    page = client.get("/meetings/rosters/").content.decode()
    assert "妻子0" in page
    person = mw.w.people["x2_head"]
    response = client.post("/meetings/rosters/", {"body": "representatives", "person": person.pk, "households": 6})
    assert response.status_code == 302
    member = RosterMember.objects.get(person=person, body="representatives")
    response = client.post("/meetings/rosters/", {"body": "representatives", "person": person.pk})
    assert response.status_code == 422
    assert zh("%(name)s is already on this roster.", name=person.name) in response.content.decode()
    client.post("/meetings/rosters/", {"remove": member.pk})
    member.refresh_from_db()
    assert member.until is not None
    assert login(mw.users["villager_a1"]).get("/meetings/rosters/").status_code == 403
    assert login(mw.users["township_a"]).get("/meetings/rosters/").status_code == 200


def test_delegations_and_policy_pages(mw, login):
    assert login(mw.users["villager_a1"]).get("/meetings/delegations/").status_code == 200
    client = login(mw.users["county_admin"])
    page = client.get("/meetings/notice-periods/").content.decode()
    # 10 days by law for the villagers' assembly; "none set by law" (not a minimum of 0) for the representatives
    rows = {r.split("</td>")[0]: r for r in page.split("<tr><td>")[1:]}
    assert '<td class="num">10</td>' in rows[zh("Villagers' assembly (村民会议)")]
    assert zh("None set by law") in rows[zh("Villagers' representatives meeting (村民代表会议)")]
    assert '<td class="num">0</td>' not in page
    response = client.post("/meetings/notice-periods/", {"villagers_assembly": 5, "representatives": 5})
    assert response.status_code == 422 and "10" in response.content.decode()
    response = client.post("/meetings/notice-periods/", {"villagers_assembly": 12, "representatives": 5})
    assert response.status_code == 302
    assert login(mw.cadre).get("/meetings/notice-periods/").status_code == 403


def test_township_review_marks_villages_without_a_representatives_meeting(mw, login):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="close")
    client = login(mw.users["township_a"])
    text = client.get("/meetings/review/").content.decode()
    assert "安家村" in text and "和平村" in text and "新桥村" not in text
    assert zh("Representatives met this quarter") in text and zh("Representatives meeting due this quarter") in text
    assert zh("Closed without minutes:") in text
    assert login(mw.cadre).get("/meetings/review/").status_code == 403


def test_the_supervisory_committee_and_township_see_the_sign_in_sheet(mw, login):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    for user in ("supervisor_a1", "township_a", "cadre_a1"):
        assert zh("Sign-in sheet") in login(mw.users[user]).get(f"/meetings/{meeting.pk}/print/").content.decode()
    assert zh("Sign-in sheet") not in login(mw.users["grid_a1"]).get(f"/meetings/{meeting.pk}/print/").content.decode()


def test_a_delegation_is_recorded_from_an_adopted_assembly_motion_on_its_page(mw, login):
    assembly = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    motion = services.motion_add(actor=mw.cadre, meeting=assembly, title="授权代表会议决定筹资筹劳")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=assembly, entries=list(assembly.register.all()))
    services.motion_open(actor=mw.cadre, motion=motion, method="hands")
    services.motion_record_totals(actor=mw.cadre, motion=motion, votes_for=15, votes_against=4, votes_abstain=0)
    client = login(mw.cadre)
    assert zh("Record a delegation this motion made") in client.get(f"/meetings/{assembly.pk}/").content.decode()
    today = timezone.localdate()
    p = f"d{motion.pk}"
    response = client.post(
        f"/meetings/motions/{motion.pk}/delegation/",
        {f"{p}-matter": "public_works", f"{p}-valid_from": today, f"{p}-valid_until": today - timedelta(days=1)},
    )
    assert response.status_code == 422 and not motion.delegations.exists()
    response = client.post(
        f"/meetings/motions/{motion.pk}/delegation/",
        {f"{p}-matter": "public_works", f"{p}-valid_from": today, f"{p}-valid_until": today + timedelta(days=300)},
    )
    assert response.status_code == 302 and motion.delegations.count() == 1
    villager = login(mw.users["villager_a1"])
    page = villager.get("/meetings/delegations/").content.decode()
    assert zh("Funds and labour for public works and their contracts (公益事业筹资筹劳)") in page
    # revoking: a button for the village's cadre only; others cannot post it; a revoked one cannot be revoked again
    delegation = motion.delegations.get()
    revoke = f"/meetings/delegations/{delegation.pk}/revoke/"
    assert revoke not in page and villager.post(revoke).status_code == 403
    assert login(mw.users["cadre_b1"]).post(revoke).status_code == 404
    client = login(mw.cadre)
    assert revoke in client.get("/meetings/delegations/").content.decode()
    before = AuditEvent.objects.filter(action="meetings.delegation.revoke").count()
    assert client.post(revoke).status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None
    assert AuditEvent.objects.filter(action="meetings.delegation.revoke").count() == before + 1
    page = client.get("/meetings/delegations/").content.decode()
    assert revoke not in page and zh("Revoked") in page
    response = client.post(revoke, follow=True)
    assert zh("This delegation is already revoked.") in response.content.decode()
    assert AuditEvent.objects.filter(action="meetings.delegation.revoke").count() == before + 1


def test_cancel_from_the_page_needs_a_reason(mw, login):
    meeting = mw.meeting(MeetingKind.TWO_COMMITTEES)
    client = login(mw.cadre)
    response = client.post(f"/casework/cases/meeting/{meeting.pk}/steps/cancel/", {"cancel-reason": ""})
    assert response.status_code == 400  # the generic step view answers a refused step with 400
    from django.utils.translation import override, pgettext

    with override("zh-hans"):  # the field says it is the reason for cancelling (not a bare 事由)
        assert pgettext("meeting cancelled", "Reason") in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == "noticed"
    response = client.post(
        f"/casework/cases/meeting/{meeting.pk}/steps/cancel/",
        {"cancel-reason": "镇里临时召开会议，改期", "cancel-confirm": "on"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "cancelled"
    assert (
        login(mw.users["villager_a1"]).post(f"/casework/cases/meeting/{meeting.pk}/steps/cancel/", {}).status_code
        == 403
    )


def test_a_draft_is_changed_on_its_page_a_noticed_meeting_is_not(mw, login):
    start = timezone.localtime() + timedelta(days=12)
    draft = services.meeting_create(
        actor=mw.cadre, village=mw.village, kind="villagers_assembly", title="村民会议", starts_at=start, place="广场"
    )
    client = login(mw.cadre)
    assert client.get(f"/meetings/{draft.pk}/edit/").status_code == 200
    data = {
        "village": mw.village.pk,
        "kind": "villagers_assembly",
        "title": "2027年度村民会议",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "place": "村文化广场",
        "basis": "household",
        "agenda": "",
    }
    assert client.post(f"/meetings/{draft.pk}/edit/", data).status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.basis, draft.place) == ("2027年度村民会议", "household", "村文化广场")
    response = client.post(f"/meetings/{draft.pk}/edit/", {**data, "place": ""})
    assert response.status_code == 422
    noticed = mw.meeting(MeetingKind.REPRESENTATIVES)
    response = client.post(f"/meetings/{noticed.pk}/edit/", {**data, "kind": "representatives", "basis": ""})
    assert response.status_code == 302
    noticed.refresh_from_db()
    assert noticed.title == "会议"


def test_a_meeting_called_on_villagers_proposal_shows_it(mw, login):
    client = login(mw.cadre)
    start = timezone.localtime() + timedelta(days=12)
    data = {
        "village": mw.village.pk,
        "kind": "villagers_assembly",
        "title": "村民提议召开的村民会议",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "place": "广场",
        "convened_by": "villagers",
        "proposers": 1,
    }
    response = client.post("/meetings/new/", data)
    assert response.status_code == 422 and "19" in response.content.decode()
    response = client.post("/meetings/new/", {**data, "proposers": 3})
    assert response.status_code == 302
    text = client.get(response["Location"]).content.decode()
    assert zh("On the proposal of villagers (at least a tenth, Art. 21)") in text
    assert zh_n("%(n)s proposer", "%(n)s proposers", 3) in text


def test_a_villager_not_yet_signed_in_is_told_how_to_vote(mw, login):
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    ballot = services.motion_add(actor=mw.cadre, meeting=meeting, title="修订村规民约", reserved_matter="village_rules")
    hands = services.motion_add(actor=mw.cadre, meeting=meeting, title="村道修缮")
    services.attendance_sign_in_by_clerk(
        actor=mw.cadre, meeting=meeting, entries=list(meeting.register.exclude(person__household=mw.w.households["a1"]))
    )
    services.motion_open(actor=mw.cadre, motion=ballot, method="ballot")
    services.motion_open(actor=mw.cadre, motion=hands, method="hands")
    client = login(mw.users["villager_a1"])
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    ballot_card = page.split(f'id="motion{ballot.pk}"')[1].split("</article>")[0]
    hands_card = page.split(f'id="motion{hands.pk}"')[1].split("</article>")[0]
    assert zh("Sign in above first: those signed in vote here.") in ballot_card
    assert zh("This motion is voted by a show of hands in the meeting room.") in hands_card
    # once signed in, the ballot replaces the hint
    entry = meeting.register.get(name="王建国")
    client.post(f"/meetings/{meeting.pk}/sign-in/", {"entry": [entry.pk]})
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    ballot_card = page.split(f'id="motion{ballot.pk}"')[1].split("</article>")[0]
    assert zh("Sign in above first: those signed in vote here.") not in ballot_card and 'name="choice"' in ballot_card


def test_the_open_button_appears_only_when_the_meeting_may_be_opened(mw, login):
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)  # noticed, starts in an hour: may be opened now
    client = login(mw.cadre)
    action = f'action="/casework/cases/meeting/{meeting.pk}/steps/open/"'
    assert action in client.get(f"/meetings/{meeting.pk}/").content.decode()
    later = meeting.starts_at + timedelta(days=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=later)  # test only: the start moves 3 days on
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    opens = timezone.localtime(later - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    assert action not in page
    assert zh("The meeting can be opened from %(at)s (at most 2 hours before it starts).", at=opens) in page
