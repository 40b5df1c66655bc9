"""Signing in, and what each role sees once signed in."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CJK, log_in, translations_ready, zh
from tests.factories import PASSWORD, build_world

pytestmark = pytest.mark.browser


def test_wrong_password_shows_error(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    page.goto("/login/")
    page.fill("input[name=username]", world.users["cadre_a1"].username)
    page.fill("input[name=password]", PASSWORD + "x")
    page.click("form button[type=submit]")

    expect(page).to_have_url(f"{live_server.url}/login/")
    error = page.locator("ul.errorlist.nonfield")
    expected = zh("Wrong username/phone or password.")
    expect(error).to_have_text(expected)
    expect(page.locator("input[name=username]")).to_have_value(world.users["cadre_a1"].username)
    expect(page.locator("input[name=password]")).to_have_value("")
    expect(page.locator("nav.mainnav")).to_have_count(0)
    if translations_ready():
        assert CJK.search(expected), f"login error not translated: {expected!r}"


def test_login_page_redirects_back_to_next(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    page.goto("/registry/people/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/registry/people/")
    page.fill("input[name=username]", world.users["cadre_a1"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/registry/people/")
    expect(page.locator("table.list")).to_contain_text("王建国")


def test_villager_sees_only_own_household(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    own, other = world.households["a1"], world.households["a1b"]
    log_in(page, world.users["villager_a1"].username)

    nav = page.locator("nav.mainnav")
    my_link = nav.locator("a[href='/registry/households/mine/']")
    expect(my_link).to_have_text(zh("My household"))
    expect(nav.locator("a[href='/registry/households/']")).to_have_count(0)
    expect(nav.locator("a[href='/registry/people/']")).to_have_count(0)
    expect(nav.locator("a[href='/audit/']")).to_have_count(0)
    if translations_ready():
        expect(my_link).to_have_text("我的家庭")

    my_link.click()
    expect(page).to_have_url(f"{live_server.url}/registry/households/{own.pk}/")
    expect(page.locator("h1")).to_contain_text("王建国")
    expect(page.locator("table.list")).to_contain_text("刘桂兰")
    # A villager may look, not change.
    expect(page.locator(f"a[href='/registry/households/{own.pk}/edit/']")).to_have_count(0)
    expect(page.locator(f"a[href='/registry/households/{own.pk}/members/new/']")).to_have_count(0)

    for url in (f"/registry/households/{other.pk}/", f"/registry/households/{world.households['b1'].pk}/"):
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.locator("h1")).to_have_text(zh("Not found"))
        expect(page.locator("body")).not_to_contain_text("李秀英")
    response = page.goto("/registry/households/")
    assert response.status in (403, 404)


def test_county_admin_home_shows_stats(desktop_page, live_server):
    page = desktop_page
    world = build_world()
    log_in(page, world.users["county_admin"].username)

    expect(page).to_have_url(f"{live_server.url}/")
    # the registry's card (other apps' cards follow it on the county administrator's home)
    stats = page.locator(".stats", has=page.locator(".label", has_text=zh("Residents"))).locator("a.stat")
    expect(stats).to_have_count(4)
    # Households, residents, grids, organizations across the whole county (see tests.factories.build_world).
    expect(stats.locator(".num")).to_have_text(["4", "5", "3", "0"])
    expect(stats.locator(".label")).to_have_text([zh("Households"), zh("Residents"), zh("Grids"), zh("Organizations")])
    expect(page.locator("main")).to_contain_text(
        zh("%(n)s party members; %(m)s households not yet in a grid.", n=0, m=1)
    )
    expect(page.locator(".stats a.stat").first).to_have_attribute("href", "/registry/households/")
    nav = page.locator("nav.mainnav")
    expect(nav.locator("a[href='/accounts/']")).to_have_count(1)
    expect(nav.locator("a[href='/audit/']")).to_have_count(1)


def test_other_village_cadre_cannot_open_household(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    log_in(page, world.users["cadre_b1"].username)
    response = page.goto(f"/registry/households/{world.households['a1'].pk}/edit/")
    assert response.status == 404
    page.goto("/registry/households/")
    expect(page.locator("#results")).to_contain_text("陈志强")
    expect(page.locator("#results")).not_to_contain_text("王建国")
