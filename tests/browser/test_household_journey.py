"""A village cadre keeps a household's record up to date from a phone: search, edit, add a member, reveal an ID."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from core.models import AuditEvent
from registry.models import Person
from tests.browser.conftest import MOBILE, log_in, translations_ready, zh
from tests.factories import build_world, valid_id_number

pytestmark = pytest.mark.browser


def test_cadre_updates_household_and_adds_member_on_phone(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    household = world.households["a1"]
    cadre = world.users["cadre_a1"]
    new_address = "安家村三组18号"
    id_number = valid_id_number(date(2008, 9, 1), "F")

    log_in(page, cadre.username)

    # Search by the head's name: htmx swaps #results in place (no page load), the typed query stays in the box.
    page.goto("/registry/households/")
    results = page.locator("#results")
    expect(results).to_contain_text("李秀英")
    page.evaluate("window.__noReload = true")
    page.fill("input[name=q]", "王建国")
    expect(results).not_to_contain_text("李秀英")
    expect(results.get_by_role("link", name="王建国")).to_be_visible()
    assert page.evaluate("window.__noReload === true"), "the search reloaded the whole page instead of using htmx"
    expect(page).to_have_url(re.compile(r"[?&]q="))  # hx-push-url keeps the search in the address bar
    expect(page.locator("input[name=q]")).to_have_value("王建国")

    # Open the household and edit its address.
    results.get_by_role("link", name="王建国").click()
    expect(page).to_have_url(f"{live_server.url}/registry/households/{household.pk}/")
    expect(page.locator("h1")).to_contain_text("王建国")
    edit = page.locator(f"a[href='/registry/households/{household.pk}/edit/']")
    expect(edit).to_have_text(zh("Edit household"))
    edit.click()
    expect(page).to_have_url(f"{live_server.url}/registry/households/{household.pk}/edit/")
    page.fill("input[name=address]", new_address)
    page.locator("form.card button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/registry/households/{household.pk}/")
    expect(page.locator(".messages .msg-success")).to_have_text(zh("Household saved."))
    expect(page.locator("dl.facts")).to_contain_text(new_address)
    household.refresh_from_db()
    assert household.address == new_address
    update = AuditEvent.objects.get(action="registry.household.update", target_id=str(household.pk))
    assert update.actor_id == cadre.pk
    assert update.after["address"] == new_address

    # Add a member with a valid ID number: listed with the ID masked.
    page.locator(f"a[href='/registry/households/{household.pk}/members/new/']").click()
    page.fill("input[name=name]", "王小红")
    page.select_option("select[name=relation]", "child")
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=phone]", "13912345678")
    page.locator("form.card button[type=submit]:not([name])").click()

    expect(page).to_have_url(f"{live_server.url}/registry/households/{household.pk}/")
    expect(page.locator(".messages .msg-success")).to_have_text(zh("Member added."))
    person = Person.objects.get(household=household, name="王小红")
    assert person.id_number == id_number
    assert person.gender == "F" and person.birth_date == date(2008, 9, 1)
    row = page.locator("table.list tbody tr", has_text="王小红")
    expect(row).to_be_visible()
    id_cell = page.locator(f"#id-{person.pk}")
    expect(id_cell).to_have_text(person.id_number_masked)
    assert id_number not in page.content(), "the full ID number must not be in the page before it is revealed"

    # Reveal it: an htmx POST replaces the masked value and the view is recorded.
    show = row.locator(f"button[hx-post='/registry/people/{person.pk}/reveal/id_number/']")
    expect(show).to_have_text(zh("Show"))
    show.click()
    expect(id_cell.locator(".revealed")).to_have_text(id_number)
    assert AuditEvent.objects.filter(
        action="registry.person.reveal_id_number", target_id=str(person.pk), actor=cadre
    ).exists()
    assert AuditEvent.objects.filter(action="registry.person.create", target_id=str(person.pk)).exists()


def test_household_search_by_submitting_without_javascript(browser, live_server):
    """The search form is a plain GET form underneath htmx: it works on a phone with JavaScript off."""
    world = build_world()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False, **MOBILE)
    try:
        page = context.new_page()
        log_in(page, world.users["cadre_a1"].username)
        page.goto("/registry/households/")
        expect(page.locator("#results")).to_contain_text("李秀英")
        page.fill("input[name=q]", "王建国")
        with page.expect_navigation():
            page.locator("form.searchbar button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/registry/households/\?q=%E7%8E%8B%E5%BB%BA%E5%9B%BD"))
        results = page.locator("#results")
        expect(results.get_by_role("link", name="王建国")).to_be_visible()
        expect(results).not_to_contain_text("李秀英")
    finally:
        context.close()


def test_bad_id_number_keeps_the_form_and_saves_nothing(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    household = world.households["a1"]
    good = valid_id_number(date(1990, 1, 1), "M")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check digit
    members_before = Person.objects.filter(household=household).count()

    log_in(page, world.users["cadre_a1"].username)
    page.goto(f"/registry/households/{household.pk}/members/new/")
    page.fill("input[name=name]", "王小军")
    page.select_option("select[name=relation]", "child")
    page.fill("input[name=id_number]", bad)
    page.locator("form.card button[type=submit]:not([name])").click()

    expect(page).to_have_url(f"{live_server.url}/registry/households/{household.pk}/members/new/")
    field = page.locator(".field.has-error", has=page.locator("input[name=id_number]"))
    expected = zh("The check digit of the ID number is wrong.")
    expect(field.locator(".errorlist")).to_have_text(expected)
    if translations_ready():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in expected), f"error not translated: {expected!r}"
    expect(page.locator("input[name=name]")).to_have_value("王小军")
    expect(page.locator("input[name=id_number]")).to_have_value(bad)
    expect(page.locator("select[name=relation]")).to_have_value("child")
    assert Person.objects.filter(household=household).count() == members_before
    assert not Person.objects.filter(name="王小军").exists()
