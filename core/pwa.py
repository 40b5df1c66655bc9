"""The installable phone app (PWA): the web app manifest, the service worker served from the site's root scope, the
offline page, and the middleware that lets the page's script tell a stored form from a refused one.

The service worker's source is static/js/sw.js; ``service_worker`` fills in the app shell's URLs (through the
static files storage, so hashed names in production) and a version computed from the shell's bytes, so a changed
stylesheet or script gives a new cache name and the phone drops the old one. See
docs/decisions/0013-pwa-offline-queue.md.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

APP_NAME = "乡村治理"  # the installed app's name under its icon: the platform's short Chinese name, in every locale
THEME_COLOR = "#b71c1c"  # --red of static/css/app.css: the top bar's colour
BACKGROUND_COLOR = "#f5f6f8"  # --bg of static/css/app.css

# the app shell: what the phone keeps to open the platform without a signal (besides the offline page)
SHELL = [
    "css/app.css",
    "css/pwa.css",
    "js/htmx.min.js",
    "js/pwa.js",
    "js/offline.js",
    "js/photo.js",
    "favicon.svg",
    "pwa/icon-192.png",
]
ICONS = [
    ("pwa/icon-192.png", "192x192", "any"),
    ("pwa/icon-512.png", "512x512", "any"),
    ("pwa/icon-maskable-512.png", "512x512", "maskable"),
]
OFFLINE_FORM_HEADER = "HTTP_X_OFFLINE_FORM"


def photo_max_side() -> int:
    """The longer side, in pixels, a photo is reduced to on the phone before it is sent (settings.PHOTO_MAX_SIDE)."""
    try:
        value = int(getattr(settings, "PHOTO_MAX_SIDE", 1600))
    except (TypeError, ValueError):
        value = 1600
    return max(320, min(value, 8000))


def texts() -> dict:
    """What static/js/offline.js and photo.js say, in the page's language (``{name}`` is the file's name)."""
    return {
        "queued": _("Saved on this phone; it will be sent automatically when there is a signal."),
        "waiting": _("Waiting to send"),
        "failed": _("Not sent: the form has a mistake"),
        "restore": _("Fill in the form again"),
        "discard": _("Discard"),
        "sent": _("Sent from this phone: %(n)s") % {"n": "{n}"},
        "uploading": _("Sending"),
        "reducing": _("Reducing the photos…"),
        "not_photo": _("“%(name)s” is not a photo: choose a photo (JPEG, PNG, WebP).") % {"name": "{name}"},
        "not_sent": _("It could not be sent; try again."),
    }


@require_safe
@cache_control(max_age=3600)
def manifest(request):
    data = {
        "name": APP_NAME,
        "short_name": APP_NAME,
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{"src": static(path), "sizes": sizes, "type": "image/png", "purpose": p} for path, sizes, p in ICONS],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@functools.cache
def _worker_source() -> str:
    path = finders.find("js/sw.js")
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    digest = hashlib.sha256(source.encode())
    for name in SHELL:
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    shell = [static(name) for name in SHELL] + [reverse("pwa_offline")]
    digest.update(json.dumps(shell).encode())
    static_prefix = "/" + settings.STATIC_URL.lstrip("/") if "//" not in settings.STATIC_URL else settings.STATIC_URL
    for name, value in (
        ("__VERSION__", digest.hexdigest()[:12]),
        ("__SHELL__", json.dumps(shell)),
        ("__OFFLINE__", json.dumps(reverse("pwa_offline"))),
        ("__STATIC__", json.dumps(static_prefix)),
    ):
        source = source.replace(name, value)
    return source


@require_safe
def service_worker(request):
    response = HttpResponse(_worker_source(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline(request):
    """无网络: what the phone shows for a page it has not kept; no personal data, the same for everyone."""
    return render(request, "pwa/offline.html")


class OfflineFormMiddleware:
    """A form sent by static/js/offline.js (header ``X-Offline-Form``) gets, instead of a redirect its XHR would
    follow (and whose page would use up the flash message), ``200`` with ``X-Offline-Redirect: <where>`` — the form
    was stored — or ``401`` when the redirect goes to the login page (the session ended: keep the form queued).
    A page drawn again with the form's errors passes through as it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "POST" or not request.META.get(OFFLINE_FORM_HEADER):
            return response
        if response.status_code not in (301, 302, 303, 307, 308) or not response.has_header("Location"):
            return response
        location = response["Location"]
        if location.split("?")[0] == resolve_url(settings.LOGIN_URL):
            answer = HttpResponse(status=401)
        else:
            answer = HttpResponse(status=200)
            answer["X-Offline-Redirect"] = location
        answer["Cache-Control"] = "no-store"
        for cookie in response.cookies.values():  # the message store and the session travel in cookies
            answer.cookies[cookie.key] = cookie
        return answer
