"""The dashboards as a county official and a township official use them: county → township → village by clicking,
a period chosen in the form, the charts drawn by the vendored ECharts, on a 1280 px screen and a 360 px phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits, go_by_nav, log_in, zh
from tests.incidents.test_kpi import story  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")


def test_a_county_official_drills_down_from_the_county_to_a_village(story, desktop_page, live_server):  # noqa: F811
    iw, _c = story
    w = iw.w
    page = desktop_page
    remote = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(live_server.url) else None)
    log_in(page, "county_official")
    go_by_nav(page, zh("Dashboards"))
    page.wait_for_url(f"**/dashboards/{w.county.pk}/")
    expect(page.locator("h1")).to_contain_text(w.county.name)

    # March 2026, the story's month
    page.select_option("select[name=period]", "month")
    page.fill("input[name=month]", "2026-03")
    page.get_by_role("button", name=zh("Show")).click()
    page.wait_for_url(re.compile(r"month=2026-03"))
    card = page.locator(".figure", has=page.get_by_role("heading", name=zh("Resolved on time"))).first
    expect(card.locator(".big")).to_have_text("75.0%")
    expect(card.locator(".chart svg")).to_have_count(1)  # the trend, drawn by ECharts
    expect(page.locator("[data-compare-chart] svg")).to_have_count(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard_county_1280.png"), full_page=True)

    # the township, by its name in the side-by-side table; the period goes with it
    page.locator(".scorecard").first.get_by_role("link", name=w.township_a.name).click()
    page.wait_for_url(re.compile(rf"/dashboards/{w.township_a.pk}/\?.*month=2026-03"))
    expect(page.locator(".trail")).to_contain_text(w.county.name)
    expect(
        page.locator(".figure", has=page.get_by_role("heading", name=zh("Incidents reported"))).first.locator(".big")
    ).to_have_text("5")

    # the village: its grids side by side (grids open nothing further)
    page.locator(".scorecard").first.get_by_role("link", name=w.village_a1.name).click()
    page.wait_for_url(re.compile(rf"/dashboards/{w.village_a1.pk}/"))
    expect(page.get_by_role("heading", name=zh("%(level)s side by side", level=zh("Grid")))).to_have_count(1)
    incidents = page.locator(".scorecard", has=page.get_by_text(zh("Incidents reported")))
    expect(incidents.locator("tr", has=page.get_by_text(w.grid_a1.name))).to_contain_text("5")

    # back up by the trail, to a place out of reach: refused
    page.locator(".trail a", has_text=w.county.name).click()
    page.wait_for_url(f"**/dashboards/{w.county.pk}/**")
    assert remote == []  # nothing from a CDN


def test_a_township_official_reads_the_dashboard_on_a_phone(story, mobile_page):  # noqa: F811
    iw, _c = story
    w = iw.w
    page = mobile_page
    log_in(page, "township_a")
    page.goto("/dashboards/?period=quarter&year=2026&quarter=1")
    page.wait_for_url(f"**/dashboards/{w.township_a.pk}/**")
    expect(page.locator(".figure .chart svg").first).to_be_visible()
    fits(page, "the township's dashboard")
    box = page.locator(".figure").first.bounding_box()
    assert box["width"] <= 360
    page.screenshot(path=str(SHOTS / "dashboard_township_360.png"), full_page=True)
    response = page.goto(f"/dashboards/{w.township_b.pk}/")
    assert response.status == 403
    expect(page.locator(".errorlist")).to_contain_text(
        zh("This place is outside the places whose figures you may read.")
    )


def test_the_one_map_draws_the_places_and_toggles_its_layers(story, desktop_page, live_server):  # noqa: F811
    from datetime import timedelta

    from django.utils import timezone

    from incidents.models import Incident
    from regions.models import Grid

    iw, c = story
    w = iw.w
    square = {
        "type": "Polygon",
        "coordinates": [[[102.01, 26.0], [102.02, 26.0], [102.02, 26.01], [102.01, 26.01], [102.01, 26.0]]],
    }
    Grid.objects.filter(pk=w.grid_a1b.pk).update(polygon=square, center_lat=26.005, center_lng=102.015)
    Incident.objects.filter(pk=c["1"].pk).update(lat=26.005, lng=102.005, created_at=timezone.now() - timedelta(days=3))
    page = desktop_page
    remote = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(live_server.url) else None)
    log_in(page, "county_official")
    page.goto(f"/dashboards/{w.township_a.pk}/")
    page.get_by_role("link", name=zh("One map")).click()
    page.wait_for_url(f"**/dashboards/{w.township_a.pk}/map/**")
    places = page.locator(".leaflet-overlay-pane path")
    expect(page.locator(".vmap-label", has_text=w.village_a1.name)).to_be_visible()
    # 安家村 (the outline of its two grids; 和平村 has none drawn) and the incident, on by default (a circle
    # marker); the grids are off until asked for
    expect(places).to_have_count(2)
    control = page.locator(".leaflet-control-layers")
    control.hover()
    control.get_by_role("checkbox", name=zh("Grids"), exact=True).check()
    expect(places).to_have_count(4)  # + the two grids
    control.get_by_role("checkbox", name=zh("Grid incidents (last 90 days)")).uncheck()
    expect(places).to_have_count(3)
    page.screenshot(path=str(SHOTS / "onemap_1280.png"), full_page=True)
    assert remote == []
