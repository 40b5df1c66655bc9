"""The grid map on a 360px phone: the vendored Leaflet draws the grids the cadre may see."""

import pytest
from playwright.sync_api import expect

from regions.models import Grid
from tests.browser.conftest import log_in, zh
from tests.factories import build_world

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/grid_map.png"


def _square(x0, y0, size=0.004):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def test_grid_map_draws_the_grids_on_a_phone(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    # A second grid of the cadre's village beside A1-01, and one of another township that must not show.
    Grid.objects.filter(pk=world.grid_a1b.pk).update(polygon=_square(102.01, 26.0))
    Grid.objects.filter(pk=world.grid_b1.pk).update(polygon=_square(102.5, 26.5))
    remote = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(live_server.url) else None)
    log_in(page, world.users["cadre_a1"].username)

    page.goto("/regions/grids/")
    page.get_by_role("link", name=zh("Grid map")).click()
    page.wait_for_url("**/regions/grids/map/")
    expect(page.locator(".vmap.leaflet-container")).to_be_visible()
    paths = page.locator(".leaflet-overlay-pane path")
    expect(paths).to_have_count(2)  # A1-01 and A1-02; never B1-01

    box = page.locator(".vmap").bounding_box()
    assert box["width"] <= 360 and box["height"] >= 250
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the map page scrolls sideways on a 360px phone"
    assert not page.locator(".vmap-message:visible").count()
    assert not remote, f"the map loaded something from elsewhere: {remote}"
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Tapping a grid opens it.
    paths.first.click()
    page.wait_for_url("**/regions/grids/*/")
    assert page.url.rstrip("/").split("/")[-1] in {str(world.grid_a1.pk), str(world.grid_a1b.pk)}


CASES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[102, 26], [102.01, 26], [102.01, 26.01], [102, 26]]]},
            "properties": {"kind": "grid", "label": "第一网格"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [102.008, 26.002]},
            "properties": {
                "kind": "case",
                "label": "<b>路灯损坏</b>",
                "state_label": "处理中",
                "color": "#d48806",
                "url": "/cases/1/",
            },
        },
    ],
}

PICKER_JS = """() => {
  const form = document.createElement('div');
  form.innerHTML = '<input id="t-lat" value="26.005"><input id="t-lng" value="102.005">';
  const box = document.createElement('div');
  box.className = 'vmap';
  box.style.height = '300px';
  Object.assign(box.dataset, {
    geojsonUrl: '/test-cases.geojson', tileUrl: '', pickLat: 't-lat', pickLng: 't-lng', locateLabel: '定位',
    openLabel: '查看',
    legend: JSON.stringify([{label: '处理中', color: '#d48806'}, {label: '已办结', color: '#1b7f3b'}]),
  });
  document.querySelector('main').prepend(form, box);
  window.VMap.init(box);
}"""


def test_map_widget_pin_picker_cases_and_legend(mobile_page, live_server):
    """The widget's other modes, on the grid map page (which loads the assets) with a map of our own."""
    page = mobile_page
    world = build_world()
    page.route("**/test-cases.geojson", lambda route: route.fulfill(json=CASES))
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 26.0031234, "longitude": 102.0041234})
    log_in(page, world.users["cadre_a1"].username)
    page.goto("/regions/grids/map/")
    page.evaluate(PICKER_JS)
    box = page.locator("main > .vmap").first
    lat, lng = page.locator("#t-lat"), page.locator("#t-lng")

    expect(box.locator(".leaflet-marker-icon")).to_have_count(1)  # the inputs' values show as the pin
    expect(box.locator(".vmap-legend li")).to_have_count(2)
    expect(box.locator(".leaflet-overlay-pane path")).to_have_count(2)  # the grid and the case

    # A tap on the map moves the pin and fills the inputs with 6 decimals.
    box.click(position={"x": 120, "y": 110})
    expect(lat).not_to_have_value("26.005")
    assert len(lat.input_value().split(".")[1]) == 6 and len(lng.input_value().split(".")[1]) == 6

    # The locate button puts the pin at the device's position.
    box.get_by_role("button", name="定位").click()
    expect(lat).to_have_value("26.003123")
    expect(lng).to_have_value("102.004123")

    # A case opens a popup with its label as text (never as HTML), its state and a link.
    box.locator("path.leaflet-interactive[fill='#d48806']").click()
    popup = box.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("<b>路灯损坏</b>")
    expect(popup).to_contain_text("处理中")
    expect(popup.locator("a[href='/cases/1/']")).to_have_text("查看")
    expect(lat).to_have_value("26.003123")  # tapping a case did not move the pin
