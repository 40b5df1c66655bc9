"""The phone app in the field, on a 360 px phone: a grid worker fills the incident report without a signal (a
3000x2000 photo attached) → the page says it is kept on the phone and the header counts it → the signal comes back →
the report arrives once, its photo reduced on the phone to the county's longest side; the same kept form sent twice
more is still one report. Online, the upload shows a progress bar with its percentage; a file that is not a photo
is refused on the phone. The service worker takes the whole site and shows the offline page for a page not kept."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from PIL import Image
from playwright.sync_api import expect

from casework.models import CaseAttachment
from incidents.models import Incident
from tests.browser.conftest import log_in
from tests.incidents.support import build_incident_world

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots/pwa"


def big_jpeg(name: str = "river.jpg") -> dict:
    """A phone camera's photo: 3000x2000, a gradient so the JPEG is not trivially small."""
    image = Image.linear_gradient("L").resize((3000, 2000)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def fill_report(page, description: str, photo: dict | None = None) -> None:
    page.select_option("select[name=matter]", label="垃圾乱堆乱放")
    page.fill("textarea[name=description]", description)
    if photo:
        page.set_input_files("input[name=photos]", [photo])


def stored_photo_sides(incident) -> tuple[int, int]:
    attachment = CaseAttachment.objects.filter(event__object_id=incident.pk).exclude(file="").first()
    assert attachment is not None, "the report's photo was not stored"
    with Image.open(attachment.file.path) as image:
        return image.size


@pytest.fixture
def worker(mobile_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_incident_world()
    log_in(mobile_page, "grid_a1")
    return mobile_page


def test_a_report_filled_without_a_signal_arrives_once(worker):
    page = worker
    limit = django_settings.PHOTO_MAX_SIDE
    page.goto("/incidents/report/")
    form = page.locator("form[data-offline=incident-report]")
    expect(form).to_be_visible()
    assert page.locator("body").get_attribute("data-photo-max-side") == str(limit)

    # -- no signal: the report is kept on the phone ------------------------------------------------------------------
    page.context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    fill_report(page, "村口垃圾堆了三天没人清运", big_jpeg())
    page.locator("#report-submit").click()
    notice = page.locator("#offline-notice.queued")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("1")
    badge = page.locator(".topbar #offline-queue")
    expect(badge).to_be_visible()
    expect(badge.locator(".queue-count")).to_have_text("1")
    assert Incident.objects.count() == 0
    expect(page.locator("textarea[name=description]")).to_have_value("")  # ready for the next report
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/queued_360.png", full_page=True)
    kept = page.evaluate(
        """async () => {
             const items = await window.vgpOffline.items();
             window.__kept = items[0];
             const photo = items[0].fields.find(f => f.file);
             const bitmap = await createImageBitmap(photo.file);
             return {count: items.length, type: photo.type, w: bitmap.width, h: bitmap.height,
                     key: items[0].fields.find(f => f.name === "client_key").value};
           }"""
    )
    assert kept["count"] == 1 and kept["type"] == "image/jpeg"
    assert max(kept["w"], kept["h"]) == limit and kept["key"]

    # -- the signal is back: sent by itself, stored once ------------------------------------------------------------
    page.context.set_offline(False)
    expect(badge).to_be_hidden()
    expect(page.locator("#offline-notice.sent")).to_be_visible()
    assert Incident.objects.count() == 1
    incident = Incident.objects.get()
    assert incident.client_key == kept["key"] and incident.description == "村口垃圾堆了三天没人清运"
    width, height = stored_photo_sides(incident)
    assert max(width, height) <= limit and (width, height) == (limit, round(limit * 2 / 3))

    # -- the same kept form sent twice more (a flush that ran twice): still one report ------------------------------
    results = page.evaluate(
        "async () => [await window.vgpOffline.send(window.__kept), await window.vgpOffline.send(window.__kept)]"
    )
    assert results == ["stored", "stored"]
    both = page.evaluate(
        "async () => Promise.all([window.vgpOffline.send(window.__kept), window.vgpOffline.send(window.__kept)])"
    )
    assert both == ["stored", "stored"]
    assert Incident.objects.count() == 1

    # the next page opened keeps the count at nothing
    page.goto("/incidents/report/")
    expect(page.locator(".topbar #offline-queue")).to_be_hidden()


def test_an_online_report_shows_its_progress_and_reduces_the_photo(worker):
    page = worker
    page.goto("/incidents/report/")
    fill_report(page, "路灯坏了，晚上很黑", big_jpeg("lamp.jpg"))
    # a slow upload, as on a village's signal, so the bar is seen moving
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 150, "downloadThroughput": 400 * 1024, "uploadThroughput": 60 * 1024},
    )
    page.locator("#report-submit").click()
    bar = page.locator("form[data-offline] .upload-progress")
    expect(bar.locator("progress")).to_be_visible()
    expect(bar).to_contain_text(re.compile(r"\d+%"))
    page.wait_for_url(re.compile(r"/incidents/\d+/$"), timeout=30_000)
    expect(page.locator(".messages")).to_be_visible()  # the flash message survived the XHR
    incident = Incident.objects.get()
    assert max(stored_photo_sides(incident)) <= django_settings.PHOTO_MAX_SIDE


def test_a_file_that_is_not_a_photo_is_refused_on_the_phone(worker):
    page = worker
    page.goto("/incidents/report/")
    page.set_input_files(
        "input[name=photos]", [{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a photo"}]
    )
    error = page.locator(".photo-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("notes.txt")
    assert page.evaluate("document.querySelector('input[name=photos]').files.length") == 0


def test_a_form_the_server_refuses_is_shown_with_its_mistakes(worker):
    page = worker
    page.goto("/incidents/report/")
    page.select_option("select[name=matter]", label="垃圾乱堆乱放")
    page.locator("#report-submit").click()  # no description
    expect(page.locator("form[data-offline] .has-error textarea[name=description]")).to_be_visible()
    assert Incident.objects.count() == 0
    fill_report(page, "补上描述再发")  # the page drawn again still sends through the script
    page.locator("#report-submit").click()
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    assert Incident.objects.count() == 1


def test_the_service_worker_keeps_the_shell_and_shows_the_offline_page(worker):
    page = worker
    page.goto("/incidents/report/")
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope.endswith("/") and scope.count("/") == 3
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")  # clients.claim()
    page.goto("/incidents/report/")  # now through the worker: kept for later
    page.wait_for_function("async () => (await caches.keys()).some(k => k.startsWith('vgp-shell-'))")
    page.context.set_offline(True)
    page.goto("/incidents/mine/")  # never opened on this phone
    expect(page.locator("#offline-page")).to_be_visible()
    page.goto("/incidents/report/")  # opened before: the kept copy
    expect(page.locator("form[data-offline=incident-report]")).to_be_visible()
    page.context.set_offline(False)
