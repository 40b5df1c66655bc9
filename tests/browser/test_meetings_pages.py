"""Every meeting page fits a 360px phone and a desktop (no sideways scrolling); each is photographed to
/tmp/shots/meetings/ so a person can look at it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetings import services
from meetings.models import MeetingKind
from tests.browser.conftest import log_in
from tests.browser.test_meetings import fits, shot
from tests.meetings.support import build_meetings_world

pytestmark = pytest.mark.browser


def test_pages_fit_phone_and_desktop(mobile_page, desktop_page):
    mw = build_meetings_world()
    meeting = mw.opened(MeetingKind.REPRESENTATIVES, title="第三季度村民代表会议（村道亮化与筹资筹劳）")
    motion = services.motion_add(
        actor=mw.cadre, meeting=meeting, title="村道亮化工程实施方案", text="安装太阳能路灯 60 盏。"
    )
    services.motion_add(actor=mw.cadre, meeting=meeting, title="集体资产出租", reserved_matter="")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(meeting.register.all())[:2])
    services.motion_open(actor=mw.cadre, motion=motion, method="hands")
    services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind="party_masses",
        title="党群议事会：低保评议",
        starts_at=meeting.starts_at + timedelta(days=7),
        place="党群服务中心",
    )
    pages = [
        ("home", "/meetings/"),
        ("detail", f"/meetings/{meeting.pk}/"),
        ("register", f"/meetings/{meeting.pk}/register/"),
        ("new", "/meetings/new/"),
        ("rosters", "/meetings/rosters/"),
        ("delegations", "/meetings/delegations/"),
        ("print", f"/meetings/{meeting.pk}/print/"),
    ]
    for page, suffix in ((mobile_page, "phone"), (desktop_page, "desktop")):
        log_in(page, "cadre_a1")
        for name, url in pages:
            page.goto(url)
            assert page.locator("h1").count() >= 1, url
            if suffix == "phone":
                fits(page)
            shot(page, f"{name}_{suffix}")
    mobile_page.context.clear_cookies()
    log_in(mobile_page, "villager_a1")
    mobile_page.goto("/meetings/")
    fits(mobile_page)
    shot(mobile_page, "home_villager_phone")
