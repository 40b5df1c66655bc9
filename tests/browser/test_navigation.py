"""The navigation grouped by domain: one row at 1366 px for every role, menus that open (with and without
JavaScript), and on a 360 px phone a bar that scrolls sideways with menus that open under it, across the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.context_processors import GROUPS, NAV
from tests.browser.conftest import MOBILE, TIMEOUT_MS, log_in
from tests.factories import build_world

pytestmark = pytest.mark.browser

ROLES = ("county_admin", "county_official", "township_a", "cadre_a1", "reviewer_a1", "grid_a1", "villager_a1")

BAR_JS = """() => {
  const nav = document.querySelector('nav.mainnav');
  const items = [...nav.children].map(e => e.getBoundingClientRect());
  return {scroll: nav.scrollWidth, width: nav.clientWidth, height: nav.getBoundingClientRect().height,
          rows: new Set(items.map(r => Math.round(r.top))).size, items: items.length,
          page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth};
}"""


# a tap in the middle of the element reaches it (the scrolling bar does not clip the menu, nothing covers it)
ON_TOP_JS = """(el) => {
  const r = el.getBoundingClientRect();
  return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
}"""


def _menus(page):
    return page.locator("nav.mainnav > details.navgroup")


def _check_menus(page, width: int) -> int:
    """Open each menu in turn: every entry shows, inside the screen, 44 px high; returns how many entries."""
    seen = 0
    menus = _menus(page)
    for i in range(menus.count()):
        menu = menus.nth(i)
        menu.locator("summary").click()
        expect(menu).to_have_attribute("open", "")
        links = menu.locator(".navmenu a")
        assert links.count() >= 2  # a group of one is a plain link
        for j in range(links.count()):
            box = links.nth(j).bounding_box()
            assert box is not None and box["height"] >= 44, (menu.inner_text(), box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (menu.inner_text(), box, width)
            assert links.nth(j).evaluate(ON_TOP_JS), (menu.inner_text(), j)  # not clipped, not covered
        seen += links.count()
        page.keyboard.press("Escape")
        expect(menu).not_to_have_attribute("open", "")
    return seen


def test_the_bar_fits_one_row_at_1366_for_every_role(browser, live_server):
    world = build_world()
    for username in ROLES:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 800})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        log_in(page, world.users[username].username)
        bar = page.evaluate(BAR_JS)
        assert bar["items"] <= len(GROUPS), (username, bar)
        assert bar["rows"] == 1 and bar["height"] <= 60, (username, bar)
        assert bar["scroll"] <= bar["width"] and bar["page"] <= bar["viewport"], (username, bar)
        direct = page.locator("nav.mainnav > a").count()
        assert direct + _check_menus(page, 1366) == len(page.locator("nav.mainnav a").all()), username
        context.close()


def test_a_menu_entry_leads_to_its_page_on_a_phone(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    log_in(page, world.users["cadre_a1"].username)
    bar = page.evaluate(BAR_JS)
    assert bar["rows"] == 1 and bar["page"] <= bar["viewport"], bar  # the bar scrolls, the page does not
    assert _check_menus(page, 360) > 0
    points = page.locator("nav.mainnav > details.navgroup", has=page.locator("a[href='/points/']"))
    points.locator("summary").click()
    points.locator("a[href='/points/shop/']").click()
    page.wait_for_url("**/points/shop/")
    # the current entry is marked, and so is its menu
    expect(page.locator("nav.mainnav a[aria-current=page]")).to_have_attribute("href", "/points/shop/")
    expect(page.locator("nav.mainnav details.navgroup > summary.active")).to_have_count(1)


def test_menus_open_without_javascript(browser, live_server):
    world = build_world()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False, **MOBILE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, world.users["county_admin"].username)
    admin = page.locator("nav.mainnav > details.navgroup", has=page.locator("a[href='/audit/']"))
    expect(admin.locator("a[href='/audit/']")).to_be_hidden()
    admin.locator("summary").click()
    expect(admin.locator("a[href='/audit/']")).to_be_visible()
    admin.locator("a[href='/audit/']").click()
    page.wait_for_url("**/audit/")
    context.close()


def test_every_entry_belongs_to_a_group():
    assert {group for *_, group in NAV} <= set(GROUPS)
