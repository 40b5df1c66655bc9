"""The meeting services: the register taken at notice, sign-in, votes, quorum, reserved matters and delegations,
late notice, closing; every refusal names the rule and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from casework.models import CaseEvent
from core.errors import DomainError, NotFound
from core.models import AppendOnlyError, AuditEvent
from core.roles import Role
from meetings import rules, selectors, services
from meetings.models import (
    Attendance,
    Body,
    Delegation,
    Meeting,
    MeetingKind,
    Motion,
    Outcome,
    RegisterBasis,
    RegisterEntry,
    ReservedMatter,
    Vote,
    VotingState,
)
from regions.models import RegionLevel
from registry.models import PartyBranch, PartyMember
from tests.factories import make_person, make_region, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """The refusals below are matched on their English msgids; the Chinese texts users see are checked by the page
    and API tests (tests/meetings/test_pages.py, test_api.py) and the catalogue test."""
    from django.utils import translation

    with translation.override("en"):
        yield


def snapshot():
    return (
        AuditEvent.objects.count(),
        CaseEvent.objects.count(),
        list(Meeting.objects.values_list("state", "version", "register_size").order_by("pk")),
        list(Motion.objects.values_list("voting", "outcome", "votes_for", "decided_at").order_by("pk")),
        Attendance.objects.count(),
        Vote.objects.count(),
        RegisterEntry.objects.count(),
        Delegation.objects.count(),
    )


def refused(fn, *args, **kwargs) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    assert snapshot() == before
    return exc.value


def sign_all(mw, meeting, n=None):
    entries = list(meeting.register.all())
    services.attendance_sign_in_by_clerk(
        actor=mw.cadre, meeting=meeting, entries=entries[:n] if n is not None else entries
    )


# -- notice and register ------------------------------------------------------------------------------------


def test_notice_too_late_is_refused_and_nothing_changes(mw):
    meeting = services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind=MeetingKind.VILLAGERS_ASSEMBLY,
        title="村民会议",
        starts_at=timezone.now() + timedelta(days=10) - timedelta(minutes=5),
        place="广场",
    )
    err = refused(services.meeting_notice, actor=mw.cadre, meeting=meeting)
    assert "starts_at" in err.message_dict and "10" in err.message_dict["starts_at"][0]
    meeting.refresh_from_db()
    assert meeting.state == "draft"
    # a meeting never noticed cannot open, so it cannot decide
    err = refused(services.meeting_step, actor=mw.cadre, meeting=meeting, step="open")
    assert err.code == "state"


def test_notice_in_time_takes_the_register_which_then_never_changes(mw):
    meeting = mw.meeting(MeetingKind.VILLAGERS_ASSEMBLY)
    # 安家村: 王建国, 刘桂兰, 李秀英 and 8 households × 2 adults (children are not on the register)
    assert meeting.register_size == 19 == meeting.register.count()
    assert meeting.notice_days == 10 and meeting.state == "noticed"
    names = set(meeting.register.values_list("name", flat=True))
    assert "孩子0" not in names and "户主0" in names
    make_person(mw.w.households["x0"], "新来的", birth=date(1990, 1, 1), phone="13811112222")
    meeting.refresh_from_db()
    assert meeting.register.count() == 19
    assert AuditEvent.objects.filter(action="meetings.meeting.notice").count() == 1


def test_adults_are_counted_on_the_day_of_the_meeting(mw):
    meeting = mw.meeting(MeetingKind.VILLAGERS_ASSEMBLY)
    day = timezone.localtime(meeting.starts_at).date()
    turns18 = make_person(mw.w.households["x1"], "刚成年", birth=day.replace(year=day.year - 18), phone="13811113333")
    later = mw.meeting(MeetingKind.VILLAGERS_ASSEMBLY)
    assert later.register.filter(person=turns18).exists()


def test_register_by_household(mw):
    meeting = mw.meeting(MeetingKind.VILLAGERS_ASSEMBLY, basis="household")
    assert meeting.register_size == 10  # the 10 households of 安家村 with adults
    entry = meeting.register.get(household=mw.w.households["a1"])
    assert entry.name == "王建国" and entry.person == mw.w.people["a1_head"]


def test_group_meeting_registers_the_groups_adults(mw):
    group = make_region("一组", "510422001001001", RegionLevel.GROUP, mw.village)
    for key in ("x0", "x1"):
        h = mw.w.households[key]
        h.group = group
        h.save()
    meeting = mw.meeting(MeetingKind.GROUP, group=group)
    assert meeting.register_size == 4
    with pytest.raises(DomainError) as exc:
        services.meeting_create(
            actor=mw.cadre,
            village=mw.village,
            kind="group",
            title="组会",
            starts_at=timezone.now() + timedelta(days=5),
            place="组里",
        )
    assert "group" in exc.value.message_dict


def test_party_members_register_from_the_branch(mw):
    branch = PartyBranch(name="安家村党支部")
    branch.place_in(mw.village)
    branch.save()
    for key in ("a1_head", "x0_head", "x3_wife"):
        m = PartyMember(person=mw.w.people[key], branch=branch)
        m.place_in(mw.village)
        m.save()
    meeting = mw.meeting(MeetingKind.PARTY_MEMBERS)
    assert set(meeting.register.values_list("name", flat=True)) == {"王建国", "户主0", "妻子3"}


def test_collective_members_are_the_adults_unless_a_roster_is_kept(mw):
    assert mw.meeting(MeetingKind.COLLECTIVE_MEMBERS).register_size == 19
    services.roster_add(actor=mw.cadre, village=mw.village, body=Body.COLLECTIVE_MEMBERS, person=mw.w.people["x5_head"])
    assert mw.meeting(MeetingKind.COLLECTIVE_MEMBERS).register_size == 1


def test_representatives_too_few_are_refused_and_a_lack_of_women_warns(mw):
    for m in mw.reps[1:]:
        services.roster_remove(actor=mw.cadre, member=m)
    # 1 representative for 10 households: fine (one per ≤ 15), but no woman
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    assert any("third" in w for w in meeting.register_warnings)
    services.roster_remove(actor=mw.cadre, member=mw.reps[0])
    draft = services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind="representatives",
        title="代表会议",
        starts_at=timezone.now() + timedelta(days=5),
        place="村委会",
    )
    err = refused(services.meeting_notice, actor=mw.cadre, meeting=draft)
    assert "no representatives" in " ".join(err.messages)


def test_party_masses_outside_20_to_30_warns(mw):
    for key in ("x2_head", "x3_head"):
        services.roster_add(actor=mw.cadre, village=mw.village, body=Body.PARTY_MASSES, person=mw.w.people[key])
    meeting = mw.meeting(MeetingKind.PARTY_MASSES)
    assert meeting.register_size == 2 and any("20 to 30" in w for w in meeting.register_warnings)


def test_a_resident_under_18_cannot_be_on_a_roster(mw):
    err = refused(
        services.roster_add,
        actor=mw.cadre,
        village=mw.village,
        body=Body.TWO_COMMITTEES,
        person=mw.w.people["x0_child"],
    )
    assert "18" in err.message_dict["person"][0]


# -- sign-in and votes --------------------------------------------------------------------------------------


def test_sign_in_only_while_in_session_and_twice_stores_one(mw):
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    entry = meeting.register.first()
    err = refused(services.attendance_sign_in_by_clerk, actor=mw.cadre, meeting=meeting, entries=[entry])
    assert "in session" in err.messages[0]
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="open")
    assert services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=[entry]) == 1
    assert services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=[entry]) == 0
    assert Attendance.objects.filter(entry=entry).count() == 1
    with pytest.raises(AppendOnlyError):
        Attendance.objects.get(entry=entry).delete()


def test_a_villager_signs_in_only_their_own_household(mw):
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    villager = mw.users["villager_a1"]
    other = meeting.register.get(name="户主0")
    before = snapshot()
    with pytest.raises(NotFound):
        services.attendance_sign_in_own(actor=villager, meeting=meeting, entries=[other.pk])
    assert snapshot() == before
    assert services.attendance_sign_in_own(actor=villager, meeting=meeting) == 2
    # a villager of another village does not find the meeting
    with pytest.raises(NotFound):
        services.attendance_sign_in_own(actor=mw.users["cadre_b1"], meeting=meeting)


def test_a_villager_not_on_the_register_is_told_so(mw):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)  # 王建国, 妻子0, 妻子1 are; nobody of 李秀英's household
    villager = make_user("villager_a1b", Role.VILLAGER, mw.village, household=mw.w.households["a1b"])
    err = refused(services.attendance_sign_in_own, actor=villager, meeting=meeting)
    assert "not on the register" in err.messages[0]


def test_no_quorum_refuses_the_vote_and_the_meeting_closes_with_no_quorum(mw):
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)  # 19 adults: 10 needed
    motion = services.motion_add(
        actor=mw.cadre, meeting=meeting, title="土地承包方案", reserved_matter="land_contracting"
    )
    sign_all(mw, meeting, 9)
    err = refused(services.motion_open, actor=mw.cadre, motion=motion)
    assert "No quorum" in err.messages[0] and "10" in err.messages[0]
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="close")
    motion.refresh_from_db()
    assert motion.outcome == Outcome.NO_QUORUM and motion.decided_at is None
    assert list(selectors.motions_for_subject(None, "")) == []


def test_a_household_register_refuses_the_vote_in_households_not_people(mw):
    """On a register by household (one representative each), the quorum is counted in households and the refusal
    says so: 户, not 人."""
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, basis=RegisterBasis.HOUSEHOLD)  # 10 households: 7 needed
    assert meeting.register_size == 10
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="村道修缮")
    sign_all(mw, meeting, 6)
    with translation.override("zh-hans"):
        message = refused(services.motion_open, actor=mw.cadre, motion=motion).messages[0]
        assert message == rules.quorum_refusal(MeetingKind.VILLAGERS_ASSEMBLY, RegisterBasis.HOUSEHOLD, 10, 6, 7)
    with translation.override("en"):
        english = rules.quorum_refusal(MeetingKind.VILLAGERS_ASSEMBLY, RegisterBasis.HOUSEHOLD, 10, 6, 7)
        by_person = rules.quorum_refusal(MeetingKind.VILLAGERS_ASSEMBLY, RegisterBasis.PERSON, 19, 9, 10)
    assert "6 of 10 households are signed in, 7 households are needed" in english
    assert "households" not in by_person


def test_exactly_half_of_adults_is_no_quorum_one_more_is(mw):
    # 18 adults: make one of the 19 deceased
    p = mw.w.people["x7_wife"]
    p.is_deceased = True
    p.save()
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    assert meeting.register_size == 18
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修路")
    entries = list(meeting.register.all())
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=entries[:9])
    refused(services.motion_open, actor=mw.cadre, motion=motion)
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=entries[9:10])
    services.motion_open(actor=mw.cadre, motion=motion)


def test_roll_call_abstentions_and_silent_attendees_are_not_in_favour(mw):
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修路")
    sign_all(mw, meeting, 12)
    services.motion_open(actor=mw.cadre, motion=motion)
    present = list(meeting.register.filter(attendance__isnull=False))
    for e in present[:6]:
        services.vote_record_by_clerk(actor=mw.cadre, motion=motion, entry=e, choice="for")
    for e in present[6:8]:
        services.vote_record_by_clerk(actor=mw.cadre, motion=motion, entry=e, choice="abstain")
    decided = services.motion_close(actor=mw.cadre, motion=motion)
    # 6 of 12 present: exactly half, rejected
    assert decided.outcome == Outcome.REJECTED and decided.votes_abstain == 2 and decided.present == 12


def test_a_vote_needs_a_sign_in_and_is_never_changed(mw):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修路")
    entries = list(meeting.register.all())
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=entries[:2])
    services.motion_open(actor=mw.cadre, motion=motion)
    err = refused(services.vote_record_by_clerk, actor=mw.cadre, motion=motion, entry=entries[2], choice="for")
    assert "not signed in" in err.messages[0]
    services.vote_record_by_clerk(actor=mw.cadre, motion=motion, entry=entries[0], choice="for")
    err = refused(services.vote_record_by_clerk, actor=mw.cadre, motion=motion, entry=entries[0], choice="against")
    assert "already voted" in err.messages[0]
    err = refused(services.vote_record_by_clerk, actor=mw.cadre, motion=motion, entry=entries[1], choice="maybe")
    assert "choice" in err.message_dict


def test_a_vote_after_voting_closed_or_the_meeting_closed_is_refused(mw):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修路")
    second = services.motion_add(actor=mw.cadre, meeting=meeting, title="建桥")
    sign_all(mw, meeting)
    services.motion_open(actor=mw.cadre, motion=motion)
    services.motion_open(actor=mw.cadre, motion=second)
    entry = meeting.register.first()
    services.motion_close(actor=mw.cadre, motion=motion)
    err = refused(services.vote_record_by_clerk, actor=mw.cadre, motion=motion, entry=entry, choice="for")
    assert "closed" in err.messages[0]
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="close")  # closes the second vote too
    second.refresh_from_db()
    assert second.voting == VotingState.CLOSED and second.outcome == Outcome.REJECTED
    err = refused(services.vote_record_by_clerk, actor=mw.cadre, motion=second, entry=entry, choice="for")
    assert "closed" in err.messages[0]
    refused(services.motion_add, actor=mw.cadre, meeting=meeting, title="再议")


def test_show_of_hands_must_add_up(mw):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修路")
    sign_all(mw, meeting)
    services.motion_open(actor=mw.cadre, motion=motion, method="hands")
    err = refused(
        services.motion_record_totals, actor=mw.cadre, motion=motion, votes_for=2, votes_against=2, votes_abstain=0
    )
    assert "only 3 people are signed in" in err.message_dict["votes_for"][0]
    err = refused(
        services.motion_record_totals, actor=mw.cadre, motion=motion, votes_for=1, votes_against=1, votes_abstain=0
    )
    assert "votes_abstain" in err.message_dict
    refused(
        services.motion_record_totals, actor=mw.cadre, motion=motion, votes_for="a", votes_against=1, votes_abstain=0
    )
    refused(services.motion_close, actor=mw.cadre, motion=motion)
    decided = services.motion_record_totals(
        actor=mw.cadre, motion=motion, votes_for=2, votes_against=1, votes_abstain=0
    )
    assert decided.outcome == Outcome.ADOPTED


# -- reserved matters and delegations -----------------------------------------------------------------------


def _adopt_at_assembly(mw, title="授权代表会议", matter=""):
    assembly = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    motion = services.motion_add(actor=mw.cadre, meeting=assembly, title=title, reserved_matter=matter)
    sign_all(mw, assembly)
    services.motion_open(actor=mw.cadre, motion=motion, method="hands")
    return services.motion_record_totals(actor=mw.cadre, motion=motion, votes_for=15, votes_against=4, votes_abstain=0)


def test_a_reserved_matter_at_the_representatives_needs_a_delegation(mw):
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    err = refused(
        services.motion_add, actor=mw.cadre, meeting=meeting, title="集体收益分配", reserved_matter="collective_income"
    )
    assert "delegation" in err.message_dict["reserved_matter"][0]
    grant = _adopt_at_assembly(mw)
    assert grant.outcome == Outcome.ADOPTED
    today = timezone.localdate()
    delegation = services.delegation_create(
        actor=mw.cadre,
        motion=grant,
        matter="collective_income",
        valid_from=today,
        valid_until=today + timedelta(days=365),
    )
    motion = services.motion_add(
        actor=mw.cadre, meeting=meeting, title="集体收益分配", reserved_matter="collective_income"
    )
    assert motion.delegation == delegation
    # other matters are still refused; the village rules are never delegated
    refused(services.motion_add, actor=mw.cadre, meeting=meeting, title="宅基地", reserved_matter="homesteads")
    err = refused(
        services.delegation_create,
        actor=mw.cadre,
        motion=grant,
        matter="village_rules",
        valid_from=today,
        valid_until=today,
    )
    assert "Art. 27" in err.message_dict["matter"][0]
    refused(
        services.delegation_create,
        actor=mw.cadre,
        motion=grant,
        matter="homesteads",
        valid_from=today,
        valid_until=today - timedelta(days=1),
    )
    refused(
        services.delegation_create,
        actor=mw.cadre,
        motion=grant,
        matter="homesteads",
        valid_from=today,
        valid_until=today + timedelta(days=6 * 366),
    )
    # once revoked, a new motion on the matter is refused (and putting the old one to the vote re-checks)
    services.delegation_revoke(actor=mw.cadre, delegation=delegation)
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="open")
    sign_all(mw, meeting)
    err = refused(services.motion_open, actor=mw.cadre, motion=motion)
    assert "delegation" in err.message_dict["reserved_matter"][0]


def test_a_delegation_outside_its_dates_does_not_count(mw):
    grant = _adopt_at_assembly(mw)
    today = timezone.localdate()
    services.delegation_create(
        actor=mw.cadre,
        motion=grant,
        matter="public_works",
        valid_from=today - timedelta(days=30),
        valid_until=today - timedelta(days=1),
    )
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    refused(services.motion_add, actor=mw.cadre, meeting=meeting, title="筹资筹劳", reserved_matter="public_works")


def test_only_an_adopted_assembly_motion_delegates(mw):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="x")
    today = timezone.localdate()
    err = refused(
        services.delegation_create,
        actor=mw.cadre,
        motion=motion,
        matter="homesteads",
        valid_from=today,
        valid_until=today,
    )
    assert "villagers' assembly" in err.messages[0]


def test_village_rules_only_at_the_villagers_assembly(mw):
    for kind in (
        MeetingKind.REPRESENTATIVES,
        MeetingKind.PARTY_MASSES,
        MeetingKind.COURTYARD,
        MeetingKind.TWO_COMMITTEES,
    ):
        if kind == MeetingKind.PARTY_MASSES:
            for key in ("x2_head", "x3_head"):
                services.roster_add(actor=mw.cadre, village=mw.village, body=Body.PARTY_MASSES, person=mw.w.people[key])
        meeting = mw.meeting(kind)
        err = refused(
            services.motion_add, actor=mw.cadre, meeting=meeting, title="村规民约", reserved_matter="village_rules"
        )
        assert "Art. 27" in err.message_dict["reserved_matter"][0]
    decided = _adopt_at_assembly(mw, "修订村规民约", ReservedMatter.VILLAGE_RULES)
    assert decided.outcome == Outcome.ADOPTED and decided.binding


def test_consultative_meeting_records_an_opinion(mw):
    meeting = mw.opened(MeetingKind.COURTYARD)
    motion = services.motion_add(
        actor=mw.cadre, meeting=meeting, title="收取卫生费的办法", subject="deliberation.topic:3"
    )
    sign_all(mw, meeting, 5)
    services.motion_open(actor=mw.cadre, motion=motion, method="hands")
    decided = services.motion_record_totals(
        actor=mw.cadre, motion=motion, votes_for=4, votes_against=1, votes_abstain=0
    )
    assert decided.outcome == Outcome.ADOPTED and decided.binding is False
    refused(services.motion_add, actor=mw.cadre, meeting=meeting, title="宅基地", reserved_matter="homesteads")


def test_collective_assembly_two_thirds_of_all_members(mw):
    meeting = mw.opened(MeetingKind.COLLECTIVE_MEMBERS)  # 19 members, 13 present needed, 13 votes needed
    motion = services.motion_add(
        actor=mw.cadre, meeting=meeting, title="集体收益分红", reserved_matter="collective_income"
    )
    sign_all(mw, meeting, 13)
    services.motion_open(actor=mw.cadre, motion=motion, method="hands")
    decided = services.motion_record_totals(
        actor=mw.cadre, motion=motion, votes_for=12, votes_against=1, votes_abstain=0
    )
    assert decided.outcome == Outcome.REJECTED  # 12 of 13 present, but not two thirds of all 19


# -- lifecycle and scope ------------------------------------------------------------------------------------


def test_lifecycle_is_the_engine_s(mw):
    meeting = mw.opened(MeetingKind.TWO_COMMITTEES)
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="close")
    err = refused(services.meeting_step, actor=mw.cadre, meeting=meeting, step="minutes", data={"minutes": ""})
    assert "minutes" in err.message_dict
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="minutes", data={"minutes": "纪要", "recorder": "文书"})
    meeting.refresh_from_db()
    assert meeting.minutes == "纪要" and meeting.state == "closed"
    steps = [e.transition for e in CaseEvent.objects.filter(object_id=meeting.pk, flow="meeting").order_by("at", "id")]
    assert steps == ["start", "notice", "open", "close", "minutes"]


def test_cancel_needs_a_reason_and_a_meeting_opens_at_most_2_hours_early(mw):
    meeting = services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind="two_committees",
        title="两委会",
        starts_at=timezone.now() + timedelta(days=3),
        place="村委会",
    )
    services.meeting_notice(actor=mw.cadre, meeting=meeting)
    err = refused(services.meeting_step, actor=mw.cadre, meeting=meeting, step="open")
    assert "2 hours" in err.messages[0]
    refused(services.meeting_step, actor=mw.cadre, meeting=meeting, step="cancel")
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="cancel", data={"reason": "改期"})


def test_other_villages_cadres_and_villagers_cannot_write(mw):
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    for user in (mw.users["cadre_b1"], mw.users["villager_a1"], mw.users["township_a"]):
        with pytest.raises(NotFound):
            services.motion_add(actor=user, meeting=meeting, title="x")
    with pytest.raises(NotFound):
        services.meeting_create(
            actor=mw.users["cadre_b1"],
            village=mw.village,
            kind="two_committees",
            title="x",
            starts_at=timezone.now() + timedelta(days=3),
            place="y",
        )


def test_bad_input_is_refused_with_messages(mw):
    err = refused(
        services.meeting_create,
        actor=mw.cadre,
        village=mw.village,
        kind="nope",
        title="",
        starts_at="tomorrow",
        place="",
    )
    assert {"kind", "title", "starts_at", "place"} <= set(err.message_dict)
    err = refused(
        services.meeting_create,
        actor=mw.cadre,
        village=mw.village,
        kind="representatives",
        title="x",
        starts_at=timezone.now() - timedelta(hours=1),
        place="y",
    )
    assert "future" in err.message_dict["starts_at"][0]
    err = refused(
        services.meeting_create,
        actor=mw.cadre,
        village=mw.village,
        kind="representatives",
        title="x",
        starts_at=timezone.now() + timedelta(days=5),
        place="y",
        basis="household",
    )
    assert "basis" in err.message_dict
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    err = refused(services.motion_add, actor=mw.cadre, meeting=meeting, title="x", subject="topic 12")
    assert "subject" in err.message_dict
    refused(services.motion_add, actor=mw.cadre, meeting=meeting, title="x", reserved_matter="nope")


def test_motions_for_subject_newest_first_and_scoped(mw):
    first = mw.opened(MeetingKind.TWO_COMMITTEES)
    a = services.motion_add(actor=mw.cadre, meeting=first, title="商议", subject="powers.case:7")
    sign_all(mw, first)
    services.motion_open(actor=mw.cadre, motion=a, method="hands")
    services.motion_record_totals(actor=mw.cadre, motion=a, votes_for=3, votes_against=0, votes_abstain=0)
    second = mw.opened(MeetingKind.REPRESENTATIVES)
    b = services.motion_add(actor=mw.cadre, meeting=second, title="审议", subject="powers.case:7")
    services.motion_add(actor=mw.cadre, meeting=second, title="未表决", subject="powers.case:7")
    sign_all(mw, second)
    services.motion_open(actor=mw.cadre, motion=b, method="hands")
    services.motion_record_totals(actor=mw.cadre, motion=b, votes_for=3, votes_against=0, votes_abstain=0)
    assert list(selectors.motions_for_subject(None, "powers.case:7")) == [b, a]
    assert list(selectors.motions_for_subject(mw.users["township_a"], "powers.case:7")) == [b, a]
    assert list(selectors.motions_for_subject(mw.users["cadre_b1"], "powers.case:7")) == []


def test_the_notice_and_a_cancellation_reach_the_register_s_households(mw, django_capture_on_commit_callbacks):
    from core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        meeting = mw.meeting(MeetingKind.VILLAGERS_ASSEMBLY, title="村民会议")
    villager, other = mw.users["villager_a1"], mw.users["villager_x0"]
    assert Notification.objects.filter(user=villager, url=f"/meetings/{meeting.pk}/").count() == 1
    assert Notification.objects.filter(user=other).count() == 1
    assert not Notification.objects.filter(user=mw.users["cadre_b1"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_step(actor=mw.cadre, meeting=meeting, step="cancel", data={"reason": "改期"})
    assert Notification.objects.filter(user=villager).count() == 2
    assert "改期" in Notification.objects.filter(user=villager).order_by("-pk").first().text
    # a representatives' meeting reaches only the representatives' households
    with django_capture_on_commit_callbacks(execute=True):
        mw.meeting(MeetingKind.REPRESENTATIVES)
    assert Notification.objects.filter(user=villager).count() == 3
    assert Notification.objects.filter(user=other).count() == 3  # 妻子0 of 户主0's household is a representative


def test_a_meeting_called_on_a_proposal_needs_enough_proposers(mw):
    start = timezone.now() + timedelta(days=12)
    # 19 adults: 2 proposers are a tenth; 1 is not
    err = refused(
        services.meeting_create,
        actor=mw.cadre,
        village=mw.village,
        kind="villagers_assembly",
        title="村民提议召开",
        starts_at=start,
        place="广场",
        convened_by="villagers",
        proposers=1,
    )
    assert "19" in err.message_dict["proposers"][0]
    meeting = services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind="villagers_assembly",
        title="村民提议召开",
        starts_at=start,
        place="广场",
        convened_by="villagers",
        proposers=2,
    )
    assert (meeting.convened_by, meeting.proposers) == ("villagers", 2)
