"""Layout checks on a 360px phone, and form details that only show up in a real browser."""

from datetime import date

import pytest
from playwright.sync_api import expect

from core.models import AuditEvent
from registry.models import Person, Relation
from tests.browser.conftest import log_in
from tests.factories import build_world

pytestmark = pytest.mark.browser

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1);
  return {scroll: document.documentElement.scrollWidth, width,
          culprits: wide.slice(-3).map(e => e.tagName + ': ' + (e.textContent || '').trim().slice(0, 40))};
}"""


def _phone_pages(world):
    h = world.households["a1"]
    return {
        "household list": "/registry/households/",
        "household search": "/registry/households/?q=王",
        "household detail": f"/registry/households/{h.pk}/",
        "household edit": f"/registry/households/{h.pk}/edit/",
        "add member": f"/registry/households/{h.pk}/members/new/",
        "residents": "/registry/people/",
        "organizations": "/registry/organizations/",
        "party branches": "/registry/party/",
        "grids": "/regions/grids/",
        "grid detail": f"/regions/grids/{world.grid_a1.pk}/",
        "not found": "/registry/households/999999/",
    }


def test_cadre_pages_fit_a_phone_screen(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    log_in(page, world.users["cadre_a1"].username)
    problems = {}
    for name, url in _phone_pages(world).items():
        page.goto(url)
        result = page.evaluate(OVERFLOW_JS)
        if result["scroll"] > result["width"]:
            problems[name] = result
    assert not problems, f"pages wider than a 360px phone (sideways scrolling): {problems}"


def test_home_with_recent_changes_fits_a_phone_screen(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    person = world.people["a1_head"]
    log_in(page, world.users["cadre_a1"].username)
    page.goto(f"/registry/households/{world.households['a1'].pk}/")
    page.locator(f"button[hx-post='/registry/people/{person.pk}/reveal/id_number/']").click()
    expect(page.locator(f"#id-{person.pk} .revealed")).to_be_visible()
    assert AuditEvent.objects.filter(action="registry.person.reveal_id_number").exists()
    for url in ("/", "/audit/"):
        page.goto(url)
        result = page.evaluate(OVERFLOW_JS)
        assert result["scroll"] <= result["width"], (url, result)


def _active_nav(page, url):
    page.goto(url)
    return [a.get_attribute("href") for a in page.locator("nav.mainnav a[aria-current=page]").all()]


def test_nav_marks_the_current_section(desktop_page, live_server):
    page = desktop_page
    world = build_world()
    log_in(page, world.users["cadre_a1"].username)
    for url, expected in (
        ("/", "/"),
        ("/registry/households/", "/registry/households/"),
        (f"/registry/households/{world.households['a1'].pk}/", "/registry/households/"),
        (f"/registry/households/{world.households['a1'].pk}/members/new/", "/registry/households/"),
        ("/registry/people/", "/registry/people/"),
        ("/audit/", "/audit/"),
    ):
        assert _active_nav(page, url) == [expected], url


def test_nav_marks_one_item_on_grid_pages(desktop_page, live_server):
    page = desktop_page
    world = build_world()
    log_in(page, world.users["cadre_a1"].username)
    assert _active_nav(page, f"/regions/grids/{world.grid_a1.pk}/") == ["/regions/grids/"]


def test_person_edit_keeps_birth_date(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    person = Person(
        household=world.households["a1"],
        name="王奶奶",
        gender="F",
        birth_date=date(1941, 2, 3),
        relation=Relation.PARENT,
        county_id=world.county.pk,
        township_id=world.township_a.pk,
        village_id=world.village_a1.pk,
    )
    person.set_id_number("")
    person.set_phone("")
    person.save()

    log_in(page, world.users["cadre_a1"].username)
    page.goto(f"/registry/people/{person.pk}/edit/")
    assert page.locator("input[name=birth_date]").input_value() == "1941-02-03"
    page.fill("input[name=name]", "王老太")
    page.locator("form.card button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/registry/households/{world.households['a1'].pk}/")
    person.refresh_from_db()
    assert person.name == "王老太"
    assert person.birth_date == date(1941, 2, 3)


def test_grid_page_lists_households_with_member_counts(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    log_in(page, world.users["cadre_a1"].username)
    page.goto(f"/regions/grids/{world.grid_a1.pk}/")
    row = page.locator("table.list tbody tr", has_text="王建国")
    expect(row).to_have_count(1)
    members = row.locator("td").nth(4)
    assert members.inner_text().strip() == "2"
