"""The clerk's roll call at a large meeting, in a real browser (issue 17 #14): on a 360px phone the page lists one
page of those still to record (not 3 radios for everyone present), a 村民小组 is recorded at once after a dialog
that says how many, a vote recorded wrongly is corrected from its row, and ending the vote asks with the number
of attendees left without a vote (cancelled: nothing closes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from meetings import services
from meetings.forms import close_confirm_text
from meetings.models import MeetingKind, RegisterBasis, Vote, VotingState
from meetings.views.voting import ROLL_CALL_PAGE
from regions.models import RegionLevel
from registry.models import Household
from tests.browser.conftest import log_in, zh
from tests.factories import make_region
from tests.meetings.support import build_meetings_world

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/meetings")


def _current(motion):
    return dict(Vote.objects.current().filter(motion=motion).values_list("entry_id", "choice"))


def test_a_clerk_records_a_large_roll_call_on_a_phone(mobile_page):
    mw = build_meetings_world(extra_households=28)
    village = mw.village
    g1 = make_region("第一组", f"{village.code}101", RegionLevel.GROUP, village)
    g2 = make_region("第二组", f"{village.code}102", RegionLevel.GROUP, village)
    households = list(Household.objects.filter(village=village).order_by("number"))
    Household.objects.filter(pk__in=[h.pk for h in households[: len(households) // 2]]).update(group=g1)
    Household.objects.filter(pk__in=[h.pk for h in households[len(households) // 2 :]]).update(group=g2)
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, basis=RegisterBasis.PERSON, title="村民会议")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(meeting.register.all()))
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修建村道")
    services.motion_open(actor=mw.cadre, motion=motion, method="ballot")
    present = meeting.attendances.count()
    in_g1 = meeting.register.filter(services.group_q(g1.pk)).count()

    page = mobile_page
    log_in(page, "cadre_a1")
    page.goto(f"/meetings/motions/{motion.pk}/roll-call/")
    assert page.locator("input[type=radio]").count() == 3 * min(present, ROLL_CALL_PAGE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for target in page.locator(".groupchips a, .batchrow button").all():
        assert target.bounding_box()["height"] >= 40
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "roll_call_phone.png"), full_page=True)

    # the first group, all for: the dialog says how many
    page.locator(".groupchips a", has_text="第一组").click()
    page.wait_for_load_state()
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.locator(".batchrow button.vote-for").click()
    page.wait_for_load_state()
    assert str(in_g1) in dialogs[0]
    assert len(_current(motion)) == in_g1 and set(_current(motion).values()) == {"for"}

    # a wrong one is corrected from its row (recorded votes of the group)
    page.goto(f"/meetings/motions/{motion.pk}/roll-call/?group={g1.pk}&show=recorded")
    row = page.locator(".rollrow").first
    entry = int(row.get_attribute("id")[1:])
    row.locator("details.fix summary").click()
    row.locator("select").select_option("against")
    row.locator("input[name=reason]").fill("记录员点错")
    row.locator("button").click()
    page.wait_for_load_state()
    assert _current(motion)[entry] == "against"

    # ending the vote asks with the number left without a vote; cancelled, nothing closes
    page.goto(f"/meetings/motions/{motion.pk}/roll-call/")
    dialogs.clear()
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_role("button", name=zh("Close voting")).click()
    with translation.override("zh-hans"):
        assert dialogs == [close_confirm_text(present=present, recorded=in_g1)]
    motion.refresh_from_db()
    assert motion.voting == VotingState.OPEN
    expect(page.locator(".rollsum")).to_contain_text(str(present - in_g1))
