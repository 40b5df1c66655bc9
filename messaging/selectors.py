"""Reads of the messaging app, each scoped to the actor: their own choices; the SMS settings, month and log of the
counties whose accounts they manage."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from core import plugins, scope
from core.roles import Action
from messaging.models import OutboundSms, SmsMonth, SmsPreference, SmsSettings
from regions.models import Region, RegionLevel


def kinds_for(actor) -> list[plugins.MessageKind]:
    """The message kinds the actor may choose for (those meant for one of their roles, or for everyone)."""
    roles = set(actor.assignments.values_list("role", flat=True))
    return [k for k in plugins.message_kinds() if not k.urgent and (not k.audience or roles & set(k.audience))]


def my_choices(actor) -> list[dict]:
    """Each kind the actor may choose for, with whether it reaches them by SMS (their choice, else the default)."""
    chosen = dict(SmsPreference.objects.filter(user=actor).values_list("kind", "sms"))
    return [
        {"kind": k.key, "label": str(k.label), "sms": chosen.get(k.key, k.sms_default), "default": k.sms_default}
        for k in kinds_for(actor)
    ]


def managed_counties(actor) -> QuerySet:
    """The counties whose SMS settings the actor keeps (the county administrator's)."""
    return scope.scope_filter(actor, Action.ACCOUNTS_MANAGE, Region.objects.filter(level=RegionLevel.COUNTY)).order_by(
        "code"
    )


def county_settings(county) -> SmsSettings:
    return SmsSettings.objects.filter(county=county).first() or SmsSettings(county=county)


def month_used(county, day=None) -> int:
    month = (day or timezone.localdate()).replace(day=1)
    row = SmsMonth.objects.filter(county=county, month=month).first()
    return row.used if row else 0


def sms_log(actor, county, *, status: str = "") -> QuerySet:
    """The county's SMS, newest first (the number masked), if the actor keeps that county's settings."""
    if not managed_counties(actor).filter(pk=county.pk).exists():
        return OutboundSms.objects.none()
    qs = OutboundSms.objects.filter(county=county).select_related("user")
    if status:
        qs = qs.filter(status=status)
    return qs
