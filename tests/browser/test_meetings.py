"""Meetings in a real browser: a villager on a 360px phone signs in their household and votes on the 村规民约 at a
村民会议 in session; the cadre (desktop) records the others' votes at the roll call and closes voting; the outcome
follows the rule (more than half of those present, Art. 22); the cadre closes the meeting, writes the minutes and
prints them. Each screen is photographed to /tmp/shots/meetings/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from meetings import services
from meetings.flows import MEETING
from meetings.forms import close_confirm_text
from meetings.models import Attendance, Meeting, MeetingKind, Motion, Outcome, Vote
from tests.browser.conftest import log_in, zh
from tests.meetings.support import build_meetings_world

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/meetings")

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1);
  return {scroll: document.documentElement.scrollWidth, width,
          culprits: wide.slice(-3).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))};
}"""


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page) -> None:
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["width"], f"wider than the phone: {result}"


def test_villager_signs_in_and_votes_cadre_closes_and_prints(desktop_page, mobile_page):
    mw = build_meetings_world()
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, title="村民会议：修订村规民约")
    motion = services.motion_add(
        actor=mw.cadre,
        meeting=meeting,
        title="《村规民约（修订草案）》",
        reserved_matter="village_rules",
        text="新增红白事简办条款。",
    )
    # 19 adults on the register: 10 are needed. Eight from other households sign in at the clerk's table.
    others = list(meeting.register.exclude(person__household=mw.w.households["a1"])[:8])
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=others)
    phone, cadre = mobile_page, desktop_page

    # the villager finds the meeting on the phone and signs in the two adults of the household
    log_in(phone, "villager_a1")
    phone.goto("/meetings/")
    expect(phone.get_by_role("heading", name=zh("My meetings"))).to_be_visible()
    phone.get_by_role("link", name="村民会议：修订村规民约").first.click()
    phone.wait_for_url(f"**/meetings/{meeting.pk}/")
    expect(phone.locator("#mine")).to_contain_text("刘桂兰")
    fits(phone)
    shot(phone, "phone_before_sign_in")
    for box in phone.locator("#mine input[type=checkbox]").all():
        box.check()
    phone.locator("#mine button[type=submit]").click()
    phone.wait_for_load_state()
    assert Attendance.objects.filter(meeting=meeting).count() == 10
    expect(phone.locator(".quorum")).to_contain_text("10 / 19")

    # the cadre puts the motion to the vote (roll call) and records the other eight: 4 for, 4 against
    log_in(cadre, "cadre_a1")
    cadre.goto(f"/meetings/{meeting.pk}/")
    shot(cadre, "cadre_meeting_open")
    cadre.locator(f"#motion{motion.pk}").get_by_role("button", name=zh("Put to the vote")).click()
    cadre.wait_for_url(f"**/meetings/motions/{motion.pk}/roll-call/")
    for i, entry in enumerate(others):
        cadre.check(f"input[name=v{entry.pk}][value={'for' if i < 4 else 'against'}]")
    shot(cadre, "cadre_roll_call")
    cadre.get_by_role("button", name=zh("Record the ticked votes")).click()
    cadre.wait_for_load_state()
    assert Vote.objects.filter(motion=motion).count() == 8

    # the villager votes for, for each of the two who signed in
    phone.goto(f"/meetings/{meeting.pk}/")
    expect(phone.locator(f"#motion{motion.pk} .ballot")).to_have_count(2)
    fits(phone)
    shot(phone, "phone_ballot")
    for _ in range(2):
        phone.locator(f"#motion{motion.pk} .ballot button.vote-for").first.click()
        phone.wait_for_load_state()
    expect(phone.locator(f"#motion{motion.pk} .ballot .badge")).to_have_count(2)
    assert Vote.objects.filter(motion=motion, choice="for").count() == 6
    shot(phone, "phone_voted")

    # the cadre closes voting: 6 for of 10 present is more than half — adopted
    # ending the vote cannot be undone: the page asks first (static/js/steps.js), the box is hidden
    cadre.goto(f"/meetings/{meeting.pk}/")
    expect(cadre.locator(f"#motion{motion.pk} input[name='c{motion.pk}-confirm']")).to_be_hidden()
    closing = []
    cadre.once("dialog", lambda dialog: (closing.append(dialog.message), dialog.accept()))
    cadre.locator(f"#motion{motion.pk}").get_by_role("button", name=zh("Close voting")).click()
    cadre.wait_for_load_state()
    with translation.override("zh-hans"):  # every one of the 10 present has a vote: the dialog says so
        assert closing == [close_confirm_text(present=10, recorded=10)]
    motion.refresh_from_db()
    assert motion.outcome == Outcome.ADOPTED and (motion.votes_for, motion.votes_against, motion.present) == (6, 4, 10)
    expect(cadre.locator(f"#motion{motion.pk}")).to_contain_text(zh("Adopted"))
    # a late vote from the phone is refused
    phone.reload()
    expect(phone.locator(f"#motion{motion.pk} .ballot")).to_have_count(0)

    # the meeting closes (it cannot be undone: the page says so and asks first), the minutes are written and printed
    cadre.locator("#step-close summary").click()
    expect(cadre.locator("#step-close .confirm-note")).to_have_text(zh(str(MEETING.transitions["close"].confirm)))
    asked = []
    cadre.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    cadre.get_by_role("button", name=zh("Close the meeting")).click()
    cadre.wait_for_load_state()
    assert asked == [zh(str(MEETING.transitions["close"].confirm))]
    assert Meeting.objects.get(pk=meeting.pk).state == "closed"
    cadre.fill("#id_minutes-chair", "王建国")
    cadre.fill(
        "#id_minutes-minutes", "会议审议《村规民约（修订草案）》，记名表决，6 票赞成、4 票反对，通过。报镇政府备案。"
    )
    cadre.get_by_role("button", name=zh("Write the minutes")).click()
    cadre.wait_for_load_state()
    shot(cadre, "cadre_closed")
    cadre.goto(f"/meetings/{meeting.pk}/print/")
    expect(cadre.locator("body")).to_contain_text("报镇政府备案")
    expect(cadre.locator("body")).to_contain_text("刘桂兰")  # the sign-in sheet
    cadre.emulate_media(media="print")
    shot(cadre, "print_a4")
    pdf = cadre.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 5000
    (SHOTS / "minutes.pdf").write_bytes(pdf)

    # the villager sees the result on the phone, without the sign-in sheet
    phone.goto(f"/meetings/{meeting.pk}/print/")
    expect(phone.locator("body")).to_contain_text(zh("Adopted"))
    expect(phone.locator("body")).not_to_contain_text(zh("Sign-in sheet"))
    assert Motion.objects.get(pk=motion.pk).binding
