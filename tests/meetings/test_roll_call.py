"""Roll call at a large meeting (issue 17 #14): the clerk's page lists only those still to record, a page at a
time, searchable and by 村民小组; the rest are recorded at once (everyone left, or one group); a vote recorded
wrongly is corrected before voting closes (the old vote stays, the audit keeps old and new); ending the vote says
how many signed-in attendees have no vote and that they count as not in favour. Every write has its API twin."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.html import escape

from core.errors import DomainError
from core.models import AuditEvent
from meetings import services
from meetings.forms import close_confirm_text
from meetings.models import MeetingKind, Outcome, RegisterBasis, Vote, VotingState
from meetings.views.voting import ROLL_CALL_PAGE
from regions.models import RegionLevel
from registry.models import Household
from tests.factories import make_region
from tests.meetings.support import build_meetings_world, zh

pytestmark = pytest.mark.django_db


@pytest.fixture
def big():
    """安家村 with 28 more households (2 adults each): two 村民小组, and a 村民会议 by person with everyone signed in
    and a motion open for a roll call."""
    mw = build_meetings_world(extra_households=28)
    village = mw.village
    g1 = make_region("第一组", f"{village.code}101", RegionLevel.GROUP, village)
    g2 = make_region("第二组", f"{village.code}102", RegionLevel.GROUP, village)
    households = list(Household.objects.filter(village=village).order_by("number"))
    half = len(households) // 2
    Household.objects.filter(pk__in=[h.pk for h in households[:half]]).update(group=g1)
    Household.objects.filter(pk__in=[h.pk for h in households[half:]]).update(group=g2)
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, basis=RegisterBasis.PERSON, title="村民会议")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(meeting.register.all()))
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修建村道")
    services.motion_open(actor=mw.cadre, motion=motion, method="ballot")
    return mw, meeting, motion, g1, g2


def _present(meeting):
    return meeting.attendances.count()


def _current(motion):
    return dict(Vote.objects.current().filter(motion=motion).values_list("entry_id", "choice"))


def _in_group(meeting, group):
    return list(meeting.register.filter(services.group_q(group.pk)).values_list("pk", flat=True))


def test_the_page_shows_a_page_of_those_still_to_record_not_everyone(big, login):
    mw, meeting, motion, g1, g2 = big
    present = _present(meeting)
    assert present > ROLL_CALL_PAGE  # a room bigger than one page
    first = meeting.register.order_by("household_number", "id").first()
    services.vote_record_by_clerk(actor=mw.cadre, motion=motion, entry=first, choice="for")
    client = login(mw.cadre)
    page = client.get(f"/meetings/motions/{motion.pk}/roll-call/").content.decode()
    radios = re.findall(r'type="radio" name="v(\d+)"', page)
    assert len(radios) == 3 * ROLL_CALL_PAGE  # one page, three choices each
    assert str(first.pk) not in radios  # recorded: not listed by default
    assert (
        zh("%(n)s of the %(present)s signed-in attendees have no recorded vote yet.")
        % {
            "n": present - 1,
            "present": present,
        }
        in page
    )
    assert g1.name in page and g2.name in page  # the groups, to filter and to record at once
    # the last page holds the rest
    last = client.get(f"/meetings/motions/{motion.pk}/roll-call/?page=2").content.decode()
    assert len(re.findall(r'type="radio"', last)) == 3 * (present - 1 - ROLL_CALL_PAGE)
    # search by name, by group, and the recorded ones
    entry = meeting.register.exclude(pk=first.pk).order_by("-id").first()
    found = client.get(f"/meetings/motions/{motion.pk}/roll-call/", {"q": entry.name}).content.decode()
    assert set(re.findall(r'name="v(\d+)"', found)) == {str(entry.pk)}
    grouped = client.get(f"/meetings/motions/{motion.pk}/roll-call/", {"group": g2.pk}).content.decode()
    expected = set(map(str, _in_group(meeting, g2))) - {str(first.pk)}
    shown = set(re.findall(r'name="v(\d+)"', grouped))
    assert shown <= expected and len(shown) == min(len(expected), ROLL_CALL_PAGE) > 0
    recorded = client.get(f"/meetings/motions/{motion.pk}/roll-call/", {"show": "recorded"}).content.decode()
    assert re.findall(r'name="v(\d+)"', recorded) == [] and f'id="e{first.pk}"' in recorded


def test_the_rest_at_once_records_only_those_without_a_vote(big):
    mw, meeting, motion, g1, g2 = big
    present = _present(meeting)
    entries = list(meeting.register.order_by("id"))
    services.vote_record_by_clerk(actor=mw.cadre, motion=motion, entry=entries[0], choice="against")
    services.vote_record_by_clerk(actor=mw.cadre, motion=motion, entry=entries[1], choice="abstain")
    n = services.vote_record_batch(actor=mw.cadre, motion=motion, choice="for")
    assert n == present - 2
    votes = _current(motion)
    assert len(votes) == present
    assert votes[entries[0].pk] == "against" and votes[entries[1].pk] == "abstain"  # left as they were
    event = AuditEvent.objects.filter(action="meetings.vote.batch").get()
    assert event.after["count"] == present - 2 and event.after["choice"] == "for"
    assert sorted(event.after["entries"]) == sorted(e.pk for e in entries[2:])
    # nobody left: refused, nothing written
    with pytest.raises(DomainError) as refused:
        services.vote_record_batch(actor=mw.cadre, motion=motion, choice="for")
    assert zh("Every signed-in attendee here already has a recorded vote; nothing was recorded.") in str(refused.value)
    assert Vote.objects.filter(motion=motion).count() == present


def test_one_group_at_once(big):
    mw, meeting, motion, g1, g2 = big
    in_g1 = set(_in_group(meeting, g1))
    n = services.vote_record_batch(actor=mw.cadre, motion=motion, choice="against", group=g1.pk)
    assert n == len(in_g1) > 0
    assert set(_current(motion)) == in_g1
    # another village's group, or not a group, is refused
    other = make_region("外村一组", f"{mw.w.village_b1.code}101", RegionLevel.GROUP, mw.w.village_b1)
    for bad in (other.pk, mw.village.pk, "x"):
        with pytest.raises(DomainError) as refused:
            services.vote_record_batch(actor=mw.cadre, motion=motion, choice="for", group=bad)
        assert zh("Choose a village group of this village.") in str(refused.value)
    assert Vote.objects.filter(motion=motion).count() == len(in_g1)


def test_a_wrong_vote_is_corrected_before_voting_closes_and_counts_corrected(big):
    mw, meeting, motion, g1, g2 = big
    entry = meeting.register.order_by("id").first()
    services.vote_record_by_clerk(actor=mw.cadre, motion=motion, entry=entry, choice="against")
    before = AuditEvent.objects.count()
    # a reason is required, a different choice is required
    with pytest.raises(DomainError) as blank:
        services.vote_correct(actor=mw.cadre, motion=motion, entry=entry, choice="for", reason="  ")
    assert "reason" in blank.value.error_dict
    with pytest.raises(DomainError) as same:
        services.vote_correct(actor=mw.cadre, motion=motion, entry=entry, choice="against", reason="记错")
    assert zh("The vote is already recorded as “%(choice)s”.") % {"choice": zh_vote("Against")} in str(same.value)
    assert AuditEvent.objects.count() == before and Vote.objects.filter(motion=motion).count() == 1
    services.vote_correct(actor=mw.cadre, motion=motion, entry=entry, choice="for", reason="记录员点错")
    assert _current(motion) == {entry.pk: "for"}
    assert Vote.objects.filter(motion=motion, entry=entry).count() == 2  # the old vote stays, replaced
    event = AuditEvent.objects.filter(action="meetings.vote.correct").get()
    assert event.before["choice"] == "against" and event.after["choice"] == "for"
    assert event.after["reason"] == "记录员点错"
    # corrected again: a chain, the last counts
    services.vote_correct(actor=mw.cadre, motion=motion, entry=entry, choice="abstain", reason="再次核对")
    assert _current(motion) == {entry.pk: "abstain"}
    # a vote never recorded is not "corrected"
    other = meeting.register.order_by("id")[1]
    with pytest.raises(DomainError) as never:
        services.vote_correct(actor=mw.cadre, motion=motion, entry=other, choice="for", reason="x")
    assert zh("%(name)s has no recorded vote to correct; record the vote instead.") % {"name": other.name} in str(
        never.value
    )
    # closing counts the vote that stands: one abstention, no "against"
    services.vote_record_batch(actor=mw.cadre, motion=motion, choice="for")
    decided = services.motion_close(actor=mw.cadre, motion=motion)
    assert (decided.votes_for, decided.votes_against, decided.votes_abstain) == (_present(meeting) - 1, 0, 1)
    assert decided.outcome == Outcome.ADOPTED
    # after closing: no correction, no batch
    with pytest.raises(DomainError) as late:
        services.vote_correct(actor=mw.cadre, motion=motion, entry=entry, choice="for", reason="x")
    assert zh("Voting on this motion is closed; the vote was not recorded.") in str(late.value)


def zh_vote(label: str) -> str:
    with translation.override("zh-hans"):
        return translation.pgettext("vote", label)


def test_a_vote_cast_on_the_phone_is_not_the_clerks_to_change():
    mw = build_meetings_world()
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, basis=RegisterBasis.PERSON, title="村民会议")
    villager = mw.users["villager_a1"]
    services.attendance_sign_in_own(actor=villager, meeting=meeting)
    mine = services.entries_for_voter(villager, meeting).first()
    others = list(meeting.register.exclude(pk=mine.pk))
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=others)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="村规民约")
    services.motion_open(actor=mw.cadre, motion=motion, method="ballot")
    services.vote_cast_own(actor=villager, motion=motion, entry=mine, choice="against")
    with pytest.raises(DomainError) as refused:
        services.vote_correct(actor=mw.cadre, motion=motion, entry=mine, choice="for", reason="x")
    assert zh("%(name)s cast this vote on their own phone; the clerk cannot change it.") % {"name": mine.name} in str(
        refused.value
    )
    assert _current(motion)[mine.pk] == "against"


def test_ending_the_vote_says_how_many_have_no_vote(big, login):
    mw, meeting, motion, g1, g2 = big
    present = _present(meeting)
    services.vote_record_batch(actor=mw.cadre, motion=motion, choice="for", group=g1.pk)
    recorded = len(_current(motion))
    with translation.override("zh-hans"):
        what = close_confirm_text(present=present, recorded=recorded)
    assert str(present - recorded) in what and str(present) in what
    client = login(mw.cadre)
    for url in (f"/meetings/{meeting.pk}/", f"/meetings/motions/{motion.pk}/roll-call/"):
        assert f'data-confirm="{escape(what)}"' in client.get(url).content.decode()
    refused = client.post(f"/meetings/motions/{motion.pk}/close/", {"back": "roll_call"})
    assert refused.status_code == 400 and escape(what) in refused.content.decode()
    motion.refresh_from_db()
    assert motion.voting == VotingState.OPEN


def test_the_page_writes(big, login):
    mw, meeting, motion, g1, g2 = big
    client = login(mw.cadre)
    url = f"/meetings/motions/{motion.pk}/roll-call/"
    entry = meeting.register.filter(services.group_q(g2.pk)).order_by("id").first()
    # one by one, back to the same filter
    done = client.post(url, {f"v{entry.pk}": "against", "group": g2.pk, "show": "unrecorded"})
    assert done.status_code == 302 and done["Location"].endswith(f"?group={g2.pk}")
    # the correction, from its row
    fixed = client.post(f"{url}correct/", {"entry": entry.pk, "choice": "for", "reason": "点错", "group": g2.pk})
    assert fixed.status_code == 302 and _current(motion)[entry.pk] == "for"
    # the rest of group 1 at once, then everyone left
    client.post(f"{url}batch/", {"choice": "abstain", "group": g1.pk})
    assert all(_current(motion)[pk] == "abstain" for pk in _in_group(meeting, g1))
    client.post(f"{url}batch/", {"choice": "for"})
    assert len(_current(motion)) == _present(meeting)
    page = client.get(url).content.decode()
    assert zh("Everyone here has a recorded vote.") in page
    # a villager cannot reach the clerk's writes
    villager = login(mw.users["villager_a1"])
    assert villager.post(f"{url}batch/", {"choice": "for"}).status_code in (403, 404)


def test_the_api_twins(big, client, api_token):
    mw, meeting, motion, g1, g2 = big
    cadre = api_token(mw.cadre)
    base = f"/api/meetings/motions/{motion.pk}"
    listed = client.get(f"{base}/roll-call", {"group": g1.pk, "page_size": 5}, **cadre)
    assert listed.status_code == 200
    body = listed.json()
    assert body["present"] == _present(meeting) and body["unrecorded"] == body["present"]
    assert {g["name"] for g in body["groups"]} == {g1.name, g2.name}
    assert body["count"] == len(_in_group(meeting, g1)) and len(body["items"]) == 5
    assert body["items"][0]["group"]["id"] == g1.pk and body["items"][0]["choice"] == ""
    batch = client.post(
        f"{base}/votes/batch", {"choice": "for", "group_id": g1.pk}, content_type="application/json", **cadre
    )
    assert batch.status_code == 200 and batch.json()["recorded"] == len(_in_group(meeting, g1))
    entry = _in_group(meeting, g1)[0]
    fix = client.post(
        f"{base}/votes/correct",
        {"entry_id": entry, "choice": "against", "reason": "本人举手反对"},
        content_type="application/json",
        **cadre,
    )
    assert fix.status_code == 200 and fix.json()["previous_choice"] == "for" and fix.json()["choice"] == "against"
    no_reason = client.post(
        f"{base}/votes/correct",
        {"entry_id": entry, "choice": "for", "reason": ""},
        content_type="application/json",
        **cadre,
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    # closing without confirm says how many have no vote
    refused = client.post(f"{base}/close", {}, content_type="application/json", **cadre)
    assert refused.status_code == 422
    unrecorded = _present(meeting) - len(_current(motion))
    assert f"{unrecorded}" in refused.json()["errors"]["confirm"][0]
    # out of scope: not found
    other = api_token(mw.users["cadre_b1"])
    assert (
        client.post(f"{base}/votes/batch", {"choice": "for"}, content_type="application/json", **other).status_code
        == 404
    )
    assert client.get(f"{base}/roll-call", **other).status_code in (403, 404)
