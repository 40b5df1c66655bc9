"""The installable app: the manifest (its content type, name, icons that exist), the service worker (served from
the root with the scope header, not cached, its shell filled in), the offline page, the base template linking them,
and the middleware that answers the offline queue's form posts with a header instead of a redirect."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from django.test import override_settings
from PIL import Image

from core.pwa import photo_max_side


def test_the_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "乡村治理" and data["short_name"]
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert data["theme_color"] == "#b71c1c"
    css = finders.find("css/app.css")
    assert data["theme_color"] in open(css, encoding="utf-8").read()  # the top bar's red
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/") and not icon["src"].startswith("//")
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    source = response.content.decode()
    assert "__VERSION__" not in source and "__SHELL__" not in source and "__STATIC__" not in source
    assert '"/static/css/app.css"' in source and '"/static/js/htmx.min.js"' in source
    assert '"/static/js/offline.js"' in source and '"/offline/"' in source
    assert 'var SHELL_CACHE = "vgp-shell-' in source
    assert "http://" not in source and "https://" not in source  # nothing from a CDN


def test_the_offline_page_needs_no_sign_in(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    assert b'id="offline-page"' in response.content


def test_the_base_template_links_the_app(world, login):
    client = login(world.users["grid_a1"])
    page = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#b71c1c">' in page
    assert 'rel="apple-touch-icon" href="/static/pwa/apple-touch-icon.png"' in page
    assert '<script src="/static/js/pwa.js" defer></script>' in page
    assert '<script src="/static/js/offline.js" defer></script>' in page
    assert f'data-photo-max-side="{photo_max_side()}"' in page
    assert f'data-user="{world.users["grid_a1"].pk}"' in page
    assert 'id="pwa-text"' in page
    for name in ("js/pwa.js", "js/offline.js", "js/photo.js", "js/sw.js", "css/pwa.css", "pwa/apple-touch-icon.png"):
        assert finders.find(name), name


def test_the_photo_limit_is_a_setting(world, login):
    client = login(world.users["grid_a1"])
    with override_settings(PHOTO_MAX_SIDE=1280):
        assert 'data-photo-max-side="1280"' in client.get("/").content.decode()


def test_the_field_forms_are_marked_for_the_offline_queue(world, login):
    client = login(world.users["grid_a1"])
    page = client.get("/incidents/report/").content.decode()
    assert 'data-offline="incident-report"' in page and 'name="client_key"' in page


def test_an_offline_form_post_gets_a_header_instead_of_a_redirect(world, login):
    client = login(world.users["grid_a1"])
    response = client.post("/large-text/", {"on": "1"}, HTTP_X_OFFLINE_FORM="1")
    assert response.status_code == 200 and response["X-Offline-Redirect"] == "/"
    assert response.cookies["large_text"].value == "1"  # the view's cookie kept
    plain = client.post("/large-text/", {"on": "1"})
    assert plain.status_code == 302 and not plain.has_header("X-Offline-Redirect")


def test_an_offline_form_post_after_sign_out_is_401(client, world):
    response = client.post("/incidents/report/", {"description": "x"}, HTTP_X_OFFLINE_FORM="1")
    assert response.status_code == 401 and not response.has_header("X-Offline-Redirect")
