"""Enter once (最多报一次) in a real browser: the clerk signs a household in at the 村民会议 on the meeting's sign-in
list; the rule book's item bound to ``meetings.attended`` makes the claim by itself; the review group sees it with
a link to the meeting and approves it; the household's villager account finds the points on "我的积分".

The review queue is photographed at 1366 px and at 360 px into /tmp/facts_shots/ (FACTS_SHOTS) to be looked at.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.facts import ATTENDED
from meetings.models import MeetingKind
from points import services
from points.models import Claim, ClaimSource, ClaimStatus, LedgerEntry, RuleBook
from tests.browser.conftest import _context_page, fits, log_in, zh
from tests.meetings.support import build_meetings_world
from tests.points.civility import civility_scheme

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("FACTS_SHOTS", "/tmp/facts_shots"))
WIDE = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def wide_page(request, browser, live_server):
    yield from _context_page(request, browser, live_server, WIDE)


@pytest.fixture
def phone_page(request, browser, live_server):
    yield from _context_page(request, browser, live_server, PHONE)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def bound_scheme(mw):
    """安家村's civility scheme, its second version (in force since 30 days ago) binding F1 (+2) to the 村民会议's
    and 村民代表会议's attendance, the first time in a month."""
    cadre = mw.cadre
    scheme, _items = civility_scheme(mw.w)
    book = services.rulebook_create(
        actor=cadre,
        scheme=scheme,
        title="细则（第二版）",
        effective_from=timezone.localdate() - timedelta(days=30),
        copy_from=RuleBook.objects.get(scheme=scheme),
    )
    item = services.rule_item_save(
        actor=cadre,
        rulebook=book,
        category_name="参与村务",
        code="F1",
        text="参加村民会议",
        points=2,
        fact=ATTENDED,
        fact_conditions={
            "kind": [MeetingKind.VILLAGERS_ASSEMBLY, MeetingKind.REPRESENTATIVES],
            "first_in_month": True,
        },
    )
    services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="村民代表会议决议")
    return scheme, item


def test_a_sign_in_earns_points_through_the_review_without_a_second_entry(wide_page, phone_page):
    mw = build_meetings_world(extra_households=2)
    scheme, item = bound_scheme(mw)
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, title="村民会议：修订村规民约")
    household = mw.w.households["a1"]

    # the clerk (a village cadre) ticks 王建国 on the meeting's sign-in list, as at the door of the hall
    page = wide_page
    log_in(page, "cadre_a1")
    page.goto(f"/meetings/{meeting.pk}/register/?q=王建国")
    page.locator(".reglist li", has_text="王建国").locator("input[name=entry]").check()
    page.get_by_role("button", name=zh("Sign in the ticked people")).click()
    expect(page.locator(".reglist li.present", has_text="王建国")).to_be_visible()
    claim = Claim.objects.get(item=item)
    assert (claim.household, claim.source, claim.status) == (household, ClaimSource.FACT, ClaimStatus.PENDING)
    assert not LedgerEntry.objects.filter(scheme=scheme).exists()  # nothing counts before the review

    # the review group's member sees the claim, where it came from (the meeting), on a wide screen and a phone
    page.context.clear_cookies()
    log_in(page, "reviewer_a1")
    review = f"/points/schemes/{scheme.pk}/review/"
    page.goto(review)
    row = page.locator("tbody tr", has_text="参加村民会议")
    expect(row).to_have_count(1)
    link = row.locator("a.fact-source")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", meeting.get_absolute_url())
    expect(link).to_have_text(zh("Attended a meeting"))
    fits(page, "the review queue at 1366 px")
    shot(page, "review_1366")

    phone = phone_page
    log_in(phone, "reviewer_a1")
    phone.goto(review)
    phone_link = phone.locator("tbody tr", has_text="参加村民会议").locator("a.fact-source")
    expect(phone_link).to_be_visible()
    box = phone_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360 + 1
    fits(phone, "the review queue at 360 px")
    shot(phone, "review_360")

    # the link leads to the meeting
    link.click()
    page.wait_for_url(f"**{meeting.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("村民会议：修订村规民约")

    # approved in the monthly review
    page.goto(review)
    page.locator("tbody tr", has_text="参加村民会议").locator("input[name=claims]").check()
    page.get_by_role("button", name=zh("Approve selected")).click()
    expect(page.locator("main")).to_contain_text(zh("Nothing waits for review."))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    entry = LedgerEntry.objects.get(claim=claim)
    assert entry.household == household and entry.score_delta == 2

    # the household's villager account sees the points on 我的积分, with where they came from
    page.context.clear_cookies()
    log_in(page, "villager_a1")
    page.goto("/points/me/")
    line = page.locator("tr", has_text="参加村民会议")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("+2")
    expect(line.locator("a.fact-source")).to_have_attribute("href", meeting.get_absolute_url())
    fits(page, "我的积分 at 1366 px")
    shot(page, "me_1366")
    phone.context.clear_cookies()
    log_in(phone, "villager_a1")
    phone.goto("/points/me/")
    expect(phone.locator("tr", has_text="参加村民会议").locator("a.fact-source")).to_be_visible()
    fits(phone, "我的积分 at 360 px")
    shot(phone, "me_360")
