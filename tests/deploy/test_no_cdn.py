"""No CDN (issue 17, item 22): every script, style, font and image a page loads comes from the platform itself, so
every page, and the API documentation at /api/docs, works on a network without the internet.

Two checks: the project's own templates and static files are scanned for remote sources (a template only some
pages render is still seen), and the pages are rendered, each as the HTML a browser receives, which also covers
templates that come from installed packages (django-ninja's Swagger UI page, the admin): /api/docs loaded Swagger UI
from a CDN and the file scan alone did not see it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver

# -- the project's own files -----------------------------------------------------------------------------------------

REMOTE = r"""(?:https?:)?//"""
REMOTE_PATTERNS = [
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?\s*" + REMOTE, re.I),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?\s*" + REMOTE, re.I),
    re.compile(r"@import\s+(?:url\()?\s*[\"']?\s*" + REMOTE, re.I),
    re.compile(r"\burl\(\s*[\"']?\s*" + REMOTE, re.I),
    re.compile(r"\bimport\s*\(?\s*[\"']" + REMOTE, re.I),
    re.compile(r"\bfrom\s+[\"']" + REMOTE, re.I),
    re.compile(r"\.src\s*=\s*[\"']" + REMOTE, re.I),
    re.compile(r"\bimportScripts\s*\(\s*[\"']" + REMOTE, re.I),
]


def _project_front_end_files():
    """Every template of the project and every static file the project itself serves (not installed packages')."""
    base = Path(settings.BASE_DIR)
    venv = base / ".venv"
    paths = set()
    for root in [base / "templates", *base.glob("*/templates")]:
        paths.update(p for p in root.rglob("*") if p.is_file())
    for finder in finders.get_finders():
        for relative, storage in finder.list([]):
            paths.add(Path(storage.path(relative)))
    for path in sorted(paths):
        if path.suffix in {".html", ".js", ".css", ".txt"} and base in path.parents and venv not in path.parents:
            yield base, path


def test_no_template_or_static_file_loads_from_a_cdn():
    offenders, seen = [], 0
    for base, path in _project_front_end_files():
        seen += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in REMOTE_PATTERNS:
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(base)}: {text[match.start() : match.end() + 40]!r}")
    assert seen > 20  # the scan did look at the templates and static files
    assert not offenders, "remote script/style sources (serve them from static/ instead):\n" + "\n".join(offenders)


def test_the_no_cdn_check_catches_a_cdn():
    sample = '<script src="https://unpkg.com/leaflet@1.9.4/dist/leaflet.js"></script>'
    assert any(p.search(sample) for p in REMOTE_PATTERNS)
    sample = "<link rel='stylesheet' href='//cdn.example.com/x.css'>"
    assert any(p.search(sample) for p in REMOTE_PATTERNS)
    assert not any(p.search('<a href="https://leafletjs.com">Leaflet</a>') for p in REMOTE_PATTERNS)


# -- the pages as a browser receives them ------------------------------------------------------------------------------

# (tag, attribute) pairs whose URL the browser fetches by itself when it renders the page
FETCHED = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
}
CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)", re.I)


class _Sources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (tag, name) in FETCHED:
                self.urls.append(value)
            if value and name == "style":
                self.urls += CSS_URL.findall(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += CSS_URL.findall(data)


def foreign_sources(html: str, host: str = "testserver") -> list[str]:
    """The URLs a browser would fetch, on rendering ``html``, from a host other than ``host``."""
    parser = _Sources()
    parser.feed(html)
    foreign = []
    for url in parser.urls:
        parts = urlsplit(url.strip())
        if parts.netloc and parts.hostname != host:
            foreign.append(url)
    return foreign


def page_paths() -> list[str]:
    """Every page path without parameters (not the API's endpoints, which answer JSON, but its docs page)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    paths = {"/api/docs"}
    for route in walk(get_resolver().url_patterns):
        if route.startswith("api/") or any(c in route for c in "<>^$()[]?*+\\"):
            continue
        paths.add("/" + route)
    return sorted(paths)


def test_the_page_check_catches_a_cdn_and_lets_links_and_own_files_be():
    assert foreign_sources('<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js">')
    assert foreign_sources('<link rel="stylesheet" href="//cdn.example.com/x.css">')
    assert foreign_sources('<div style="background: url(https://tiles.example.com/a.png)">')
    assert foreign_sources("<style>body { background: url('https://x.example.com/b.png') }</style>")
    assert not foreign_sources('<a href="https://swagger.io">Swagger</a><script src="/static/ninja/x.js"></script>')
    assert not foreign_sources('<link rel="icon" href="http://testserver/static/favicon.png">')


def test_every_page_paths_walk_finds_the_pages():
    paths = page_paths()
    assert {"/api/docs", "/login/", "/", "/admin/login/", "/registry/households/", "/points/"} <= set(paths)


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_host(world, client):
    """Each page without parameters, as the county administrator and as a visitor who has not signed in."""
    offenders, rendered = [], 0
    for who in ("anonymous", "county_admin"):
        if who != "anonymous":
            client.force_login(world.users[who])
        for path in page_paths():
            response = client.get(path)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            rendered += 1
            html = response.content.decode("utf-8", errors="replace")
            offenders += [f"{who} {path}: {url}" for url in foreign_sources(html)]
    assert rendered > 40
    assert not offenders, "pages that load from another host (serve it from static/):\n" + "\n".join(offenders)


@pytest.mark.django_db
def test_api_docs_serve_swagger_ui_from_the_platforms_static_files(client, tmp_path, settings):
    html = client.get("/api/docs").content.decode()
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
    styles = re.findall(r"<link[^>]*\bhref=\"([^\"]+)\"", html)
    assert scripts and styles and all(url.startswith("/static/") for url in scripts + styles)
    assert any(s.endswith("ninja/swagger-ui-bundle.js") for s in scripts)
    assert any(s.endswith("ninja/swagger-ui.css") for s in styles)
    assert not foreign_sources(html)
    # collectstatic (docs/deploy.md) gathers them, so WhiteNoise serves them in production
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert (tmp_path / name).stat().st_size > 0
