"""The incident loop on 360px phones, end to end: a grid worker reports a polluted river with a photo and the
phone's location → the county department accepts it → the deadline passes (the scheduled run) → the township
sees it on the supervision board and issues a 督办 → the department resolves it with a photo → the grid worker
rates 不满意 → reopened → resolved again → 满意 → closed.

Time moves forward in the middle of the test: ``django.utils.timezone.now`` is shifted for the whole process (the
live server runs in a thread of it), as if the days had passed, and the deadline run is called for that moment.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from casework.models import CaseAttachment
from core import workflow
from core.models import Notification
from incidents import services
from incidents.flows import INCIDENT
from incidents.models import Incident
from tests.browser.conftest import MOBILE, TIMEOUT_MS, go_by_nav, log_in, zh
from tests.incidents.support import INSIDE_A1, build_incident_world, photo

pytestmark = pytest.mark.browser

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1);
  return {scroll: document.documentElement.scrollWidth, width,
          culprits: wide.slice(-3).map(e => e.tagName + '.' + e.className + ': '
                                            + (e.textContent || '').trim().slice(0, 40))};
}"""


def jpeg(name: str, color) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(out, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def fits(page, what: str) -> None:
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["width"], f"{what} is wider than a 360px phone: {result}"


def state_is(page, state: str) -> None:
    expect(page.locator(".case-head .badge.state")).to_have_text(INCIDENT.state_label(state))


def take_step(page, step: str, button: str, fill=None, done: str | None = None) -> None:
    """Open the step's section on the case page, fill it, send it (a step that cannot be undone asks first: the
    person reads what will happen and says OK), and wait for the page to say it is done."""
    section = page.locator(f"#step-{step}")
    expect(section).to_be_visible()
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    if fill:
        fill(section)
    asked = []
    confirm = str(INCIDENT.transitions[step].confirm)
    if confirm:
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    section.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".messages")).to_contain_text(zh("Done: %(step)s.", step=done or button))
    assert asked == ([zh(confirm)] if confirm else [])


@pytest.fixture
def phones(browser, live_server):
    """A phone per person, each in its own browser context, logged in once."""
    contexts = []

    def phone(username, **options):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **MOBILE, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username)
        return page

    yield phone
    for context in contexts:
        context.close()


def test_the_incident_loop_on_phones(mobile_page, phones, live_server, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    iw = build_incident_world()
    lat, lng = INSIDE_A1

    # -- the grid worker reports from the river bank, with a photo and the phone's location -----------------
    worker = mobile_page
    worker.context.grant_permissions(["geolocation"])
    worker.context.set_geolocation({"latitude": lat, "longitude": lng})
    log_in(worker, "grid_a1")
    worker.goto("/")
    go_by_nav(worker, zh("Report"))
    worker.wait_for_url("**/incidents/report/")
    expect(worker.locator(".vmap.leaflet-container")).to_be_visible()
    worker.select_option("select[name=matter]", label="河道污染")
    worker.get_by_label(zh("Serious")).check()
    worker.fill("textarea[name=description]", "河道里漂着一层黑色油污，气味很重")
    worker.fill("input[name=address]", "安家村东头小桥下")
    worker.set_input_files("input[name=photos]", [jpeg("river.jpg", (40, 40, 40))])
    worker.get_by_role("button", name=zh("Use my location")).click()
    expect(worker.locator("#id_lat")).to_have_value(re.compile(r"^26\.00"))
    expect(worker.locator("#coords")).to_be_visible()
    fits(worker, "the report form")
    worker.screenshot(path="/tmp/incident_report.png", full_page=True)
    worker.get_by_role("button", name=zh("Send the report")).click()
    worker.wait_for_url(re.compile(r"/incidents/\d+/$"))

    incident = Incident.objects.get()
    assert incident.grid == iw.w.grid_a1 and incident.handler_department == iw.environment
    assert incident.state == "dispatched" and incident.severity == "serious"
    assert abs(incident.lat - lat) < 1e-5 and abs(incident.lng - lng) < 1e-5
    state_is(worker, "dispatched")
    expect(worker.locator(".photos img")).to_have_count(1)
    # the thumbnail is served (it loads lazily: bring it into view and wait until it has loaded, or failed)
    worker.locator(".photos img").scroll_into_view_if_needed()
    worker.wait_for_function("() => document.querySelector('.photos img').complete")
    assert worker.locator(".photos img").evaluate("img => img.naturalWidth") > 0
    fits(worker, "the case page")
    worker.screenshot(path="/tmp/incident_detail.png", full_page=True)

    # -- the department's member finds it in the queue and accepts it -----------------------------------------
    department = phones("department")
    expect(department.locator(".topbar .bell-count")).to_have_text("1")  # told of the new case
    go_by_nav(department, zh("My queue"))
    department.wait_for_url("**/incidents/queue/")
    expect(department.locator("table.incidents")).to_contain_text("河道污染")
    fits(department, "the queue")
    department.screenshot(path="/tmp/incident_queue.png", full_page=True)
    department.get_by_role("link", name="河道污染").click()
    department.wait_for_url(f"**/incidents/{incident.pk}/")
    take_step(department, "accept", zh(INCIDENT.step_label("accept")))
    state_is(department, "accepted")
    incident.refresh_from_db()
    assert incident.responded_on_time

    # -- the days pass; the scheduled run flags it overdue ----------------------------------------------------
    later = incident.deadline_at + timedelta(hours=2)
    shift = later - timezone.now()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + shift)
    call_command("run_deadlines", now=timezone.localtime(later).isoformat(timespec="minutes"))
    incident.refresh_from_db()
    assert incident.overdue and incident.ever_overdue
    assert Notification.objects.filter(user__username="township_a", kind="overdue").exists()

    # -- the township official sees it on the board and issues a 督办 with a new deadline ------------------------
    township = phones("township_a")
    go_by_nav(township, zh("Supervision board"))
    township.wait_for_url("**/incidents/board/")
    overdue = township.locator("section#overdue")
    expect(overdue).to_contain_text("河道污染")
    expect(township.locator(".board-counts a[href='#overdue'] .num")).to_have_text("1")
    fits(township, "the supervision board")
    township.screenshot(path="/tmp/incident_board.png", full_page=True)
    overdue.get_by_role("link", name="河道污染").click()
    township.wait_for_url(f"**/incidents/{incident.pk}/")
    expect(township.locator(".case-head")).to_contain_text(zh("Overdue"))
    due = (timezone.localtime(later) + timedelta(days=3)).date()

    def supervise(section):
        section.locator("input[name=supervise-due]").fill(due.isoformat())
        section.locator("textarea[name=supervise-note]").fill("请三日内清理完毕并报送照片")

    take_step(township, "supervise", zh(INCIDENT.step_label("supervise")), supervise)
    expect(township.locator(".case-head")).to_contain_text(zh("Supervised"))
    incident.refresh_from_db()
    assert incident.supervise_count == 1 and timezone.localtime(incident.deadline_at).date() == due
    fits(township, "the case page after a 督办")
    township.screenshot(path="/tmp/incident_detail_supervised.png", full_page=True)

    # -- the department resolves it with a photo of the clean river ---------------------------------------------
    def resolve_with(photo_name, text):
        def fill(section):
            section.locator("textarea[name=resolve-note]").fill(text)
            section.locator("input[name=resolve-attachments]").set_input_files([jpeg(photo_name, (60, 140, 200))])

        department.reload()
        take_step(department, "resolve", zh(INCIDENT.step_label("resolve")), fill)
        state_is(department, "resolved")

    resolve_with("clean.jpg", "已组织打捞油污，排查上游排污口")

    # -- the grid worker rates it 不满意: the case is reopened to the department --------------------------------
    def rate(rating, note=""):
        worker.reload()

        def fill(section):
            section.get_by_role("radio", name=zh(rating), exact=True).check()
            if note:
                section.locator("textarea[name=rate-note]").fill(note)

        done = INCIDENT.step_label("reopen" if rating == "Unsatisfied" else "close")
        take_step(worker, "rate", zh("Rate the result"), fill, done=done)

    rate("Unsatisfied", "上游还在排污，河面仍有油花")
    state_is(worker, "accepted")
    incident.refresh_from_db()
    assert incident.reopen_count == 1 and incident.rating == "unsatisfied"
    assert Notification.objects.filter(user__username="department", text__contains=incident.number).count() >= 2

    # -- resolved again, rated 满意, closed ---------------------------------------------------------------------
    resolve_with("clean2.jpg", "上游排污口已封堵，河面清理干净")
    rate("Satisfied")
    state_is(worker, "closed")
    incident.refresh_from_db()
    assert incident.state == "closed" and incident.rating == "satisfied" and incident.closed_at
    assert not worker.locator("details.step").count()  # nothing more to do
    steps = [e.transition for e in workflow.history(incident)]
    assert steps == ["start", "route", "accept", "overdue", "supervise", "resolve", "reopen", "resolve", "close"]
    assert CaseAttachment.objects.count() == 3
    timeline = worker.locator("ol.timeline > li")
    expect(timeline).to_have_count(len(steps))
    expect(worker.locator("ol.timeline")).to_contain_text(zh("Satisfied"))
    fits(worker, "the closed case")
    worker.screenshot(path="/tmp/incident_closed.png", full_page=True)


def test_every_incident_page_fits_a_phone(mobile_page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    iw = build_incident_world()
    long_text = (
        "村东头河道里漂着很多塑料袋和一层黑色油污，" * 8
        + "https://example.com/a/very/long/link/without/any/spaces/at/all/1234567890"
    )
    cases = []
    for matter, severity in ((iw.pollution, "urgent"), (iw.litter, "general"), (iw.dispute, "serious")):
        incident, _created = services.incident_report(
            actor=iw.users["grid_a1"],
            matter=matter,
            severity=severity,
            description=long_text,
            address="安家村东头小桥下向北二百米的老槐树旁边",
            lat=INSIDE_A1[0],
            lng=INSIDE_A1[1],
            photos=[photo(f"p{i}.png") for i in range(4)],
        )
        cases.append(incident)
    services.incident_step(actor=iw.users["department"], incident=cases[0], step="hand_back", note="不归我们管")
    page = mobile_page
    problems = {}

    def check(name, url, *, open_steps=False, shot=None):
        page.goto(url)
        if open_steps:
            closed = page.locator("details.step:not([open]) > summary")
            while closed.count():
                closed.first.click()
        result = page.evaluate(OVERFLOW_JS)
        if result["scroll"] > result["width"]:
            problems[name] = result
        if shot:
            page.screenshot(path=shot, full_page=True)

    log_in(page, "township_a")
    check("list", "/incidents/?state=&text=河道", shot="/tmp/incident_list.png")
    page.locator("details.filters > summary").click()
    result = page.evaluate(OVERFLOW_JS)
    if result["scroll"] > result["width"]:
        problems["list filters"] = result
    check("to dispatch", "/incidents/dispatch/")
    check("board", "/incidents/board/")
    check("follow-up", "/incidents/follow-up/")
    check("queue", "/incidents/queue/")
    check("dispatch form", f"/incidents/{cases[0].pk}/", open_steps=True, shot="/tmp/incident_dispatch.png")
    check("notifications", "/notifications/", shot="/tmp/incident_notifications.png")
    check("home", "/", shot="/tmp/incident_home.png")
    page.context.clear_cookies()
    log_in(page, "cadre_a1")
    check("handler's forms", f"/incidents/{cases[1].pk}/", open_steps=True, shot="/tmp/incident_handler.png")
    page.context.clear_cookies()
    log_in(page, "grid_a1")
    check("mine", "/incidents/mine/")
    page.goto("/incidents/report/")
    page.fill("textarea[name=description]", long_text)
    page.get_by_role("button", name=zh("Send the report")).click()  # no matter, no place: errors beside fields
    expect(page.locator(".has-error").first).to_be_visible()
    result = page.evaluate(OVERFLOW_JS)
    if result["scroll"] > result["width"]:
        problems["report with errors"] = result
    page.screenshot(path="/tmp/incident_report_errors.png", full_page=True)
    assert not problems, f"incident pages wider than a 360px phone: {problems}"
