"""Services on the doorstep in a real browser: a villager applies on a 360 px phone (ticks the materials, a photo of
the ID card); the village's volunteer agent takes it and completes it on a desktop; the villager rates 不满意 with a
reason, the request goes back to be redone; completed again and rated 满意; the cadre records the monthly revisit.
Screens go to /tmp/shots/doorstep/."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect

from doorstep.flows import DOORSTEP
from doorstep.models import Material, ServiceRequest
from tests.browser.conftest import log_in, zh
from tests.doorstep.conftest import build_doorstep
from tests.factories import build_world

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/doorstep")
OVERFLOW_JS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def jpeg() -> dict:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (320, 200), (200, 180, 140)).save(out, "JPEG")
    return {"name": "身份证.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def state_is(page, state: str) -> None:
    expect(page.locator(".case-head .badge.state")).to_have_text(zh(str(DOORSTEP.states[state].label)))


def take(page, step: str, fill=None, done: str | None = None) -> None:
    section = page.locator(f"#step-{step}")
    expect(section).to_be_visible()
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    if fill:
        fill(section)
    section.get_by_role("button", name=zh(DOORSTEP.step_label(step)), exact=True).click()
    done_label = zh(DOORSTEP.step_label(done or step))
    expect(page.locator(".messages")).to_contain_text(zh("Done: %(step)s.", step=done_label))


def test_a_request_from_the_phone_redone_then_satisfied(browser, live_server, desktop_page, mobile_page):
    world = build_world()
    ds = build_doorstep(world)
    phone, desk = mobile_page, desktop_page

    # -- the villager applies on the phone ----------------------------------------------------------------------
    log_in(phone, "villager_a1")
    phone.goto("/doorstep/")
    phone.get_by_role("link", name=zh("Apply for a service"), exact=True).click()
    phone.get_by_role("link", name="城乡居民养老保险待遇资格认证").click()
    phone.get_by_role("link", name="王建国").click()
    phone.get_by_label("身份证").check()
    phone.locator("input[name=f0]").set_input_files([jpeg()])
    assert phone.evaluate(OVERFLOW_JS), "the request form is wider than the phone"
    shot(phone, "01_request_360")
    phone.get_by_role("button", name=zh("Send the request")).click()
    phone.wait_for_url("**/doorstep/*/")
    case = ServiceRequest.objects.get()
    state_is(phone, "submitted")
    assert Material.objects.filter(group=case.group, name="身份证", provided=True).exclude(file="").count() == 1
    assert phone.evaluate(OVERFLOW_JS), "the request's page is wider than the phone"
    shot(phone, "02_submitted_360")

    # -- the volunteer agent takes it and completes it ----------------------------------------------------------
    log_in(desk, "volunteer")
    desk.goto("/doorstep/queue/")
    desk.get_by_role("link", name="城乡居民养老保险待遇资格认证").click()
    take(desk, "take")
    state_is(desk, "handling")
    shot(desk, "03_agent_handling_1366")

    def complete(text):
        desk.reload()
        take(desk, "complete", lambda s: s.locator("textarea[name=complete-result]").fill(text))
        state_is(desk, "completed")

    complete("已在人社系统完成认证")

    # -- the villager is not satisfied: the request goes back to be redone ---------------------------------------
    def rate(rating, reason=""):
        phone.reload()

        def fill(section):
            section.get_by_role("radio", name=zh(rating), exact=True).check()
            if reason:
                section.locator("textarea[name=rate-reason]").fill(reason)

        take(phone, "rate", fill, done="redo" if "Not" in rating else "accept_result")

    rate("Not satisfied (不满意)", "没有告诉我认证结果")
    state_is(phone, "handling")
    case.refresh_from_db()
    assert case.redo_count == 1 and case.rating == "unsatisfied"
    shot(phone, "04_redo_360")

    complete("已电话告知认证结果并送达回执")
    rate("Satisfied (满意)")
    state_is(phone, "rated")
    case.refresh_from_db()
    assert case.rating == "satisfied" and case.redo_count == 1

    # -- the cadre's monthly revisit closes it ------------------------------------------------------------------
    desk.context.clear_cookies()
    log_in(desk, "cadre_a1")
    desk.goto("/doorstep/revisits/")
    expect(desk.locator("table")).to_contain_text(case.number)
    shot(desk, "05_revisits_1366")
    desk.get_by_role("link", name=case.number).click()

    def revisit(section):
        section.get_by_role("radio", name=zh("Phone call (电话)"), exact=True).check()
        section.get_by_role("radio", name=zh("Satisfied (满意)"), exact=True).check()

    take(desk, "revisit", revisit, done="revisit_ok")
    desk.wait_for_url("**/doorstep/revisits/**")  # on down the month's list, where it no longer is
    expect(desk.locator("table")).not_to_contain_text(case.number)
    case.refresh_from_db()
    assert case.state == "closed" and case.revisited_at is not None
    assert ds.volunteer.requests.filter(state="closed").count() == 1
