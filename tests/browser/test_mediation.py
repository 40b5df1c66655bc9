"""Mediation in a real browser: a villager applies on a 360px phone; the village committee's director receives the
dispute and mediates it on a desktop through the eight steps, cancels the seal's dialog once (nothing changes) and
then applies it; the parties are reminded of the judicial-confirmation window; the follow-up and the archive close
it; the agreement prints on A4 as one copy per party and one for the file. Screens go to /tmp/shots/mediation/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Notification
from mediation import services
from mediation.flows import MEDIATION
from mediation.models import BodyKind, Dispute, Title
from tests.browser.conftest import log_in, zh
from tests.factories import build_world

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/mediation")
OVERFLOW_JS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def state_is(page, state: str) -> None:
    expect(page.locator(".case-head .badge.state")).to_have_text(zh(str(MEDIATION.states[state].label)))


def take(page, step: str, fill=None, dialog: bool = False) -> None:
    section = page.locator(f"#step-{step}")
    expect(section).to_be_visible()
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    if fill:
        fill(section)
    if dialog:
        page.once("dialog", lambda d: d.accept())
    section.get_by_role("button", name=zh(MEDIATION.step_label(step)), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(zh("Done: %(step)s.", step=zh(MEDIATION.step_label(step))))


def test_a_dispute_from_the_phone_to_the_archive(browser, live_server, desktop_page, mobile_page):
    world = build_world()
    admin = world.users["county_admin"]
    body = services.body_create(
        actor=admin, region=world.village_a1, kind=BodyKind.VILLAGE, name="安家村人民调解委员会"
    )
    services.mediator_add(actor=admin, body=body, name="村支书", title=Title.DIRECTOR, username="cadre_a1")
    phone, desk = mobile_page, desktop_page
    today = timezone.localdate().isoformat()

    # -- the villager applies on the phone ----------------------------------------------------------------------
    log_in(phone, "villager_a1")
    phone.goto("/mediation/new/")
    phone.fill("#id_title", "邻居修路压坏果树")
    phone.select_option("#id_kind", "neighbours")
    phone.fill("#id_facts", "邻居修便道时压坏我家果树5棵。")
    phone.fill("#id_amount", "1500")
    phone.fill("#id_party_0_name", "王建国")
    phone.fill("#id_party_1_name", "李秀英")
    assert phone.evaluate(OVERFLOW_JS), "the application form is wider than the phone"
    shot(phone, "01_apply_360")
    phone.get_by_role("button", name=zh("Send the application")).click()
    phone.wait_for_url("**/mediation/*/")
    dispute = Dispute.objects.get()
    state_is(phone, "applied")
    assert phone.evaluate(OVERFLOW_JS), "the dispute's page is wider than the phone"
    shot(phone, "02_applied_360")

    # -- the committee's director mediates ------------------------------------------------------------------------
    log_in(desk, "cadre_a1")
    desk.goto("/mediation/")
    desk.get_by_role("link", name="邻居修路压坏果树").click()
    desk.wait_for_url(f"**/mediation/{dispute.pk}/")
    take(desk, "accept")
    take(desk, "assign", lambda s: s.locator("select[name=assign-lead]").select_option(index=1))
    take(desk, "investigate", lambda s: s.locator("textarea[name=investigate-findings]").fill("果树5棵被压断。"))
    take(
        desk,
        "inform",
        lambda s: (
            s.locator("input[name=inform-hearing][value=private]").check(),
            s.locator("textarea[name=inform-informed]").fill("当面告知双方权利义务，调解自愿、不收费。"),
        ),
    )
    state_is(desk, "mediating")
    take(
        desk,
        "session",
        lambda s: (
            s.locator("input[name=session-held_on]").fill(today),
            s.locator("input[name=session-place]").fill("村委会调解室"),
            s.locator("textarea[name=session-attendees]").fill("王建国、李秀英"),
            s.locator("textarea[name=session-minutes]").fill("双方同意赔偿。"),
        ),
    )
    take(
        desk,
        "draft",
        lambda s: (
            s.locator("input[name=draft-form][value=written]").check(),
            s.locator("textarea[name=draft-agreed_facts]").fill("李秀英修路压坏果树5棵，应予赔偿。"),
            s.locator("textarea[name=draft-terms]").fill("李秀英于15日内一次性赔偿王建国1500元。"),
        ),
    )
    for _ in range(2):
        take(
            desk,
            "sign",
            lambda s: (
                s.locator("select[name=sign-party]").select_option(index=1),
                s.locator("input[name=sign-signed_on]").fill(today),
            ),
        )
    shot(desk, "03_signed_1280")
    # the seal cannot be undone: cancelling the dialog changes nothing
    section = desk.locator("#step-seal")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    section.locator("input[name=seal-sealed_on]").fill(today)
    asked = []
    desk.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    section.get_by_role("button", name=zh(MEDIATION.step_label("seal")), exact=True).click()
    desk.wait_for_timeout(300)
    assert asked and Dispute.objects.get().state == "drafted"
    take(desk, "seal", lambda s: s.locator("input[name=seal-sealed_on]").fill(today), dialog=True)
    state_is(desk, "in_effect")

    # -- the printed agreement: three copies ---------------------------------------------------------------------
    desk.goto(f"/mediation/{dispute.pk}/agreement/")
    expect(desk.locator(".sheet")).to_have_count(3)
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk.pdf(path=str(SHOTS / "agreement.pdf"), format="A4")
    shot(desk, "04_agreement")

    # -- the confirmation window: the parties are reminded five days before it closes -----------------------------
    services.remind_confirmation(None, timezone.now() + timedelta(days=26))
    assert Notification.objects.filter(user=world.users["villager_a1"], text__contains=dispute.number).exists()
    phone.goto(f"/mediation/{dispute.pk}/")
    expect(phone.locator("body")).to_contain_text("司法确认")

    # -- follow-up and archive ------------------------------------------------------------------------------------
    desk.goto(f"/mediation/{dispute.pk}/")
    take(
        desk,
        "follow_up",
        lambda s: (
            s.locator("input[name=follow_up-performance][value=full]").check(),
            s.locator("input[name=follow_up-visited_on]").fill(today),
        ),
    )
    take(
        desk,
        "archive",
        lambda s: (
            s.locator("input[name=archive-difficulty][value=ordinary]").check(),
            s.locator("input[name=archive-file_number]").fill("2026-安调-001"),
        ),
        dialog=True,
    )
    state_is(desk, "archived")
    shot(desk, "05_archived_1280")
    # the case file (卷宗) kept at the archive step: one PDF, served to the committee
    expect(desk.get_by_role("link", name=zh("The case file (卷宗, PDF)"))).to_be_visible()
    response = desk.request.get(f"{live_server.url}/mediation/{dispute.pk}/file.pdf")
    assert response.ok and response.body()[:5] == b"%PDF-"
    (SHOTS / "case_file.pdf").write_bytes(response.body())
