"""Village certificates in a real browser: the counter's list and the printable certificate on a 360 px phone and
a desktop, its print rendering (A4, no toolbar), and the public verification page without signing in; none of them
scrolls sideways. Screens go to /tmp/shots/certificates/."""

from __future__ import annotations

from pathlib import Path

import pytest

from doorstep import services
from tests.browser.conftest import log_in
from tests.doorstep.conftest import build_doorstep
from tests.factories import build_world

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/certificates")
OVERFLOW_JS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _issue():
    world = build_world()
    ds = build_doorstep(world)
    case = services.request_make(
        actor=ds.users["villager_a1"],
        item=ds.residence,
        household=world.households["a1"],
        person=world.people["a1_wife"],
        purpose="子女入学",
    )
    services.request_step(actor=ds.users["cadre_a1"], case=case, step="take")
    case.refresh_from_db()
    services.request_step(actor=ds.users["cadre_a1"], case=case, step="complete", data={"result": "已出具居住证明"})
    case.refresh_from_db()
    return world, ds, case.certificate


def test_certificate_pages_on_phone_and_desktop(live_server, desktop_page, mobile_page):
    world, ds, cert = _issue()
    for page, size in ((mobile_page, "360"), (desktop_page, "1366")):
        if size == "1366":
            page.set_viewport_size({"width": 1366, "height": 800})
        log_in(page, "cadre_a1")
        page.goto("/doorstep/certificates/")
        assert page.locator("#certificates").get_by_text(cert.number).is_visible()
        assert page.evaluate(OVERFLOW_JS)
        shot(page, f"list-{size}")
        page.goto(f"/doorstep/certificates/{cert.pk}/")
        assert page.locator("#certificate-number").inner_text() == cert.number
        assert page.evaluate(OVERFLOW_JS)
        shot(page, f"certificate-{size}")
    desktop_page.emulate_media(media="print")
    assert not desktop_page.locator(".toolbar").is_visible()
    shot(desktop_page, "certificate-print")
    pdf = desktop_page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    (SHOTS / "certificate.pdf").write_bytes(pdf)


def test_public_verification_without_signing_in(live_server, mobile_page):
    world, ds, cert = _issue()
    mobile_page.goto("/doorstep/verify/")
    mobile_page.fill("input[name=number]", cert.number)
    mobile_page.locator("form[role=search] button[type=submit]").click()
    mobile_page.wait_for_url(f"**/doorstep/verify/{cert.number}/")
    assert mobile_page.locator("#verified-person").inner_text() == "刘**"
    assert "刘桂兰" not in mobile_page.content()
    assert mobile_page.evaluate(OVERFLOW_JS)
    shot(mobile_page, "verify-360")
    mobile_page.goto("/doorstep/verify/510422001001-1999-0001/")
    assert mobile_page.locator("#not-found").is_visible()
    shot(mobile_page, "verify-unknown-360")
