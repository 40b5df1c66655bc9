"""/api/docs on a network without the internet (issue 17, item 22): Swagger UI comes from the platform's own static
files and shows the operations, with every request to another host refused, and it asks no other host for anything."""

from __future__ import annotations

from urllib.parse import urlsplit


def test_api_docs_work_without_the_internet(page, live_server):
    own = urlsplit(live_server.url).netloc
    foreign: list[str] = []

    def offline(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https") and parts.netloc != own:
            foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", offline)
    page.goto("/api/docs")
    # 1.5 MB of Swagger UI and the whole schema through the test server: slower than a page on a busy machine
    page.wait_for_selector(".swagger-ui .opblock", timeout=60_000)
    assert page.locator(".swagger-ui .opblock").count() > 100  # every operation of the schema is listed
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("乡村治理数字平台 API")
    assert not foreign, f"/api/docs asked other hosts for: {foreign}"
