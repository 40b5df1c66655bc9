"""Browser tests: Debian's chromium driven by Playwright (sync API) against pytest-django's live server.

Every test gets a fresh browser context (locale zh-CN, so Django's LocaleMiddleware picks zh-hans) and builds
its own data with ``tests.factories.build_world()``; ``live_server`` implies a transactional database that the
server thread shares with the test.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.factories import PASSWORD

# Playwright's sync API runs an asyncio loop in this thread, which trips Django's async-unsafe guard as soon
# as the test itself touches the database (build_world, assertions on rows).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MOBILE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
FAILURE_SHOTS = Path(os.environ.get("BROWSER_FAILURE_SHOTS", "/tmp/shots/failures"))
MO_FILE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
CJK = re.compile(r"[\u4e00-\u9fff]")

TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def zh(msgid: str, **params) -> str:
    """The text users see for ``msgid`` in Simplified Chinese (the msgid itself until translations land)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


def translations_ready() -> bool:
    return MO_FILE.exists()


@pytest.fixture(scope="session")
def _playwright():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _context_page(request, browser, live_server, options: dict):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        FAILURE_SHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=str(FAILURE_SHOTS / f"{name}.png"), full_page=True)
        except Exception:  # a failed screenshot must not hide the test failure
            pass
    context.close()


@pytest.fixture
def desktop_page(request, browser, live_server):
    """A desktop-sized page (1280x800) in its own browser context."""
    yield from _context_page(request, browser, live_server, DESKTOP)


@pytest.fixture
def page(desktop_page):
    return desktop_page


@pytest.fixture
def mobile_page(request, browser, live_server):
    """A cheap-phone-sized page (360x740, touch) in its own browser context."""
    yield from _context_page(request, browser, live_server, MOBILE)


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait until we have left it."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def go_by_nav(page, name: str) -> None:
    """Follow the navigation's entry ``name``: a link of the bar, or an entry of one of its menus (opened first)."""
    nav = page.locator(".mainnav")
    entry = page.get_by_role("link", name=name, exact=True, include_hidden=True)
    link = nav.locator(entry)
    if not link.is_visible():
        nav.locator("details", has=entry).locator("summary").click()
    link.click()


PAGE_WIDTH_JS = (
    """() => ({scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth})"""
)


def fits(page, what: str = "the page") -> None:
    """The page is no wider than the screen (nothing to scroll sideways; a table may scroll inside its box)."""
    result = page.evaluate(PAGE_WIDTH_JS)
    assert result["scroll"] <= result["width"] + 1, f"{what} is wider than the screen: {result}"
