"""The phone app's API: a county's phone app settings (the longest side its phones reduce a photo to), for its county
administrator; the same service as the page /settings/phone-app/ (core.pwa)."""

from typing import Annotated

from django.utils.translation import gettext_lazy
from ninja import Router, Schema
from pydantic import Field

from core import pwa
from core.api_types import Id
from core.errors import NotFound
from core.models import PhoneAppSettings

router = Router(tags=["phone-app"])

PhotoSide = Annotated[int, Field(ge=PhoneAppSettings.PHOTO_SIDE_MIN, le=PhoneAppSettings.PHOTO_SIDE_MAX)]


class PhoneAppSettingsIn(Schema):
    # pixels, or null for the platform's value; out of range or not a whole number: 422 with a Chinese message
    photo_max_side: PhotoSide | None = None


class PhoneAppSettingsOut(Schema):
    county_id: int
    photo_max_side: int | None
    photo_max_side_used: int
    photo_max_side_default: int


def _county(request, county_id: int):
    county = next((c for c in pwa.managed_counties(request.auth) if c.pk == county_id), None)
    if county is None:
        raise NotFound()
    return county


@router.get(
    "/counties/{county_id}/settings",
    response=PhoneAppSettingsOut,
    summary=gettext_lazy("A county's phone app settings"),
)
def settings_get(request, county_id: Id):
    return pwa.county_settings(_county(request, county_id))


@router.put(
    "/counties/{county_id}/settings",
    response=PhoneAppSettingsOut,
    summary=gettext_lazy("Change a county's phone app settings"),
)
def settings_put(request, county_id: Id, payload: PhoneAppSettingsIn):
    county = _county(request, county_id)
    pwa.settings_save(request.auth, county, payload.photo_max_side)
    return pwa.county_settings(county)
