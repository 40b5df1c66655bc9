"""The messaging API: the caller's own SMS choices; a county's SMS settings, month and delivery log (for the county
administrator)."""

from datetime import datetime, time

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema

from core.api_types import Count, Id, Page, PageSize
from core.errors import NotFound
from messaging import selectors, services
from messaging.models import SmsStatus
from regions.models import Region

router = Router(tags=["messaging"])


class ChoiceOut(Schema):
    kind: str
    label: str
    sms: bool
    default: bool


class ChoicesIn(Schema):
    choices: dict[str, bool]


@router.get("/preferences", response=list[ChoiceOut], summary=gettext_lazy("Which messages also reach me by SMS"))
def preferences_get(request):
    return selectors.my_choices(request.auth)


@router.put(
    "/preferences", response=list[ChoiceOut], summary=gettext_lazy("Choose which messages also reach me by SMS")
)
def preferences_put(request, payload: ChoicesIn):
    return services.preferences_set(actor=request.auth, choices=payload.choices)


class SmsSettingsIn(Schema):
    enabled: bool = True
    monthly_budget: Count
    quiet_from: time
    quiet_until: time


class SmsSettingsOut(Schema):
    county_id: int
    enabled: bool
    monthly_budget: int
    quiet_from: time
    quiet_until: time
    used_this_month: int


def _county(request, county_id: int):
    county = selectors.managed_counties(request.auth).filter(pk=county_id).first()
    if county is None:
        raise NotFound()
    return county


def _settings_out(county) -> dict:
    row = selectors.county_settings(county)
    return {
        "county_id": county.pk,
        "enabled": row.enabled,
        "monthly_budget": row.monthly_budget,
        "quiet_from": row.quiet_from,
        "quiet_until": row.quiet_until,
        "used_this_month": selectors.month_used(county),
    }


@router.get(
    "/counties/{county_id}/settings", response=SmsSettingsOut, summary=gettext_lazy("A county's SMS settings and use")
)
def settings_get(request, county_id: Id):
    return _settings_out(_county(request, county_id))


@router.put(
    "/counties/{county_id}/settings", response=SmsSettingsOut, summary=gettext_lazy("Change a county's SMS settings")
)
def settings_put(request, county_id: Id, payload: SmsSettingsIn):
    county = get_object_or_404(Region, pk=county_id)
    services.settings_update(actor=request.auth, county=county, **payload.dict())
    return _settings_out(county)


class SmsOut(Schema):
    id: int
    kind: str
    text: str
    phone_masked: str
    status: str
    attempts: int
    error: str
    created_at: datetime
    sent_at: datetime | None


class SmsPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[SmsOut]


@router.get("/counties/{county_id}/sms", response=SmsPage, summary=gettext_lazy("A county's SMS delivery log"))
def sms_list(request, county_id: Id, status: str = Query(""), page: Page = 1, page_size: PageSize = 50):
    county = _county(request, county_id)
    qs = selectors.sms_log(request.auth, county, status=status if status in SmsStatus.values else "")
    return {
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
        "items": list(qs[(page - 1) * page_size : page * page_size]),
    }
