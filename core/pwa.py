"""The installable phone app (PWA): the web app manifest, the service worker served from the site's root scope, the
offline page, the middleware that lets the page's script tell a stored form from a refused one, and a county's
phone app settings (the longest side its phones reduce a photo to: ``photo_max_side``, ``settings_save``, the page
/settings/phone-app/; the API is core/api_pwa.py).

The service worker's source is static/js/sw.js; ``service_worker`` fills in the app shell's URLs (through the
static files storage, so hashed names in production) and a version computed from the shell's bytes, so a changed
stylesheet or script gives a new cache name and the phone drops the old one. See
docs/decisions/0013-pwa-offline-queue.md.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core import audit, scope
from core.audit_labels import PhoneAppAuditAction
from core.errors import DomainError, NotFound, PermissionDenied
from core.fields import Integer, clean_value
from core.models import PhoneAppSettings
from core.roles import Action
from core.views import api_twin, require_action, submit

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


def default_photo_max_side() -> int:
    """The platform's longest photo side, in pixels (settings.PHOTO_MAX_SIDE): for a county that set none."""
    try:
        value = int(getattr(settings, "PHOTO_MAX_SIDE", 1600))
    except (TypeError, ValueError):
        value = 1600
    return max(320, min(value, 8000))


# a county's own value, read on every page of its people: kept in the cache (0: the county set none), dropped by
# settings_save; the timeout bounds how long another process's local-memory cache may show the old value
_COUNTY_KEY = "pwa:photo-max-side:{}"
_COUNTY_SECONDS = 300


def county_photo_max_side(county_id: int) -> int | None:
    """The longest photo side a county set, or None (it uses the platform's)."""
    key = _COUNTY_KEY.format(county_id)
    value = cache.get(key)
    if value is None:
        value = (
            PhoneAppSettings.objects.filter(county_id=county_id).values_list("photo_max_side", flat=True).first() or 0
        )
        cache.set(key, value, _COUNTY_SECONDS)
    return value or None


def photo_max_side(user=None) -> int:
    """The longer side, in pixels, a photo is reduced to on the phone before it is sent: the county's setting for a
    signed-in person (the county of their first grant), else settings.PHOTO_MAX_SIDE."""
    counties = scope.county_ids(user) if user is not None and getattr(user, "is_authenticated", False) else []
    own = county_photo_max_side(counties[0]) if counties else None
    return own or default_photo_max_side()


def managed_county_ids(actor) -> list[int]:
    """The counties whose phone app settings the actor keeps (the county administrator's own counties)."""
    return scope.targets(actor, "county", Action.ACCOUNTS_MANAGE)


def managed_counties(actor) -> list:
    """The actor's counties (regions.Region rows, by code) for the settings page and the API."""
    ids = managed_county_ids(actor)
    if not ids:
        return []
    region = PhoneAppSettings._meta.get_field("county").related_model  # core imports no domain app
    return list(region.objects.filter(pk__in=ids).order_by("code"))


def county_settings(county) -> dict:
    """What the county set and what its phones use."""
    own = PhoneAppSettings.objects.filter(county=county).values_list("photo_max_side", flat=True).first()
    return {
        "county_id": county.pk,
        "photo_max_side": own,
        "photo_max_side_used": own or default_photo_max_side(),
        "photo_max_side_default": default_photo_max_side(),
    }


def _photo_side_message() -> str:
    return _("Give the longest photo side as a whole number of pixels from %(low)s to %(high)s, or leave it empty.") % {
        "low": PhoneAppSettings.PHOTO_SIDE_MIN,
        "high": PhoneAppSettings.PHOTO_SIDE_MAX,
    }


def clean_photo_max_side(value) -> int | None:
    """A whole number within the limits (core.fields.Integer's rules), or None for empty; anything else is refused
    (DomainError) with the page's own message."""
    side = Integer(
        "photo_max_side", "", required=False, min=PhoneAppSettings.PHOTO_SIDE_MIN, max=PhoneAppSettings.PHOTO_SIDE_MAX
    )
    try:
        return clean_value(side, value)
    except DomainError:
        raise DomainError({"photo_max_side": _photo_side_message()}) from None


@transaction.atomic
def settings_save(actor, county, photo_max_side) -> PhoneAppSettings:
    """A county's phone app settings, kept by its county administrator (another county's: not found)."""
    if not scope.can(actor, Action.ACCOUNTS_MANAGE):
        raise PermissionDenied()
    if county is None or county.pk not in managed_county_ids(actor):
        raise NotFound()
    value = clean_photo_max_side(photo_max_side)
    row = PhoneAppSettings.objects.select_for_update().filter(county=county).first() or PhoneAppSettings(county=county)
    before = {"photo_max_side": row.photo_max_side}
    row.photo_max_side = value
    row.save()
    audit.record(
        actor,
        PhoneAppAuditAction.SETTINGS,
        county,
        target_label=county.name,
        before=before,
        after={"photo_max_side": value},
    )
    key = _COUNTY_KEY.format(county.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))  # a page read between the write and the commit
    return row


class SettingsForm(forms.Form):
    photo_max_side = forms.CharField(
        label=gettext_lazy("Longest photo side (pixels)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "style": "max-width: 10rem"}),
    )


@login_required
@require_action(Action.ACCOUNTS_MANAGE)
@api_twin("PUT /api/phone-app/counties/{county_id}/settings")
def settings_page(request):
    """手机应用设置: the county administrator sets the longest side its phones reduce a photo to."""
    counties = managed_counties(request.user)
    if not counties:
        raise NotFound()
    chosen = next((c for c in counties if str(c.pk) == request.GET.get("county")), counties[0])
    current = county_settings(chosen)
    form = SettingsForm(request.POST or None, initial={"photo_max_side": current["photo_max_side"] or ""})
    done = submit(
        request,
        form,
        lambda data: settings_save(request.user, chosen, data["photo_max_side"]),
        done=_("Phone app settings saved."),
        to=request.get_full_path(),
    )
    if done:
        return done
    return render(
        request,
        "core/phone_app_settings.html",
        {
            "county": chosen,
            "counties": counties,
            "form": form,
            "current": current,
            "side_min": PhoneAppSettings.PHOTO_SIDE_MIN,
            "side_max": PhoneAppSettings.PHOTO_SIDE_MAX,
        },
        status=422 if request.method == "POST" else 200,
    )


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
