"""Writes of the messaging app: a person's SMS choices, a county's SMS settings (each scoped, in a transaction,
audited)."""

from __future__ import annotations

from datetime import time

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError, NotFound
from messaging import selectors
from messaging.audit_labels import AuditAction
from messaging.models import SmsPreference, SmsSettings

MAX_BUDGET = 10_000_000


@transaction.atomic
def preferences_set(*, actor, choices: dict[str, bool]) -> list[dict]:
    """Which of the actor's message kinds also reach them by SMS. A kind not offered to the actor is refused."""
    offered = {k.key for k in selectors.kinds_for(actor)}
    unknown = sorted(set(choices) - offered)
    if unknown:
        raise DomainError(_("Unknown message kind: %(kinds)s.") % {"kinds": "、".join(unknown)})
    for kind, sms in choices.items():
        SmsPreference.objects.update_or_create(user=actor, kind=kind, defaults={"sms": bool(sms)})
    audit.record(
        actor,
        AuditAction.PREFERENCES,
        actor,
        target_label=actor.get_username(),
        after={"choices": {k: bool(v) for k, v in sorted(choices.items())}},
    )
    return selectors.my_choices(actor)


@transaction.atomic
def settings_update(
    *, actor, county, enabled: bool, monthly_budget: int, quiet_from: time, quiet_until: time
) -> SmsSettings:
    """A county's SMS settings, kept by its administrator."""
    if not selectors.managed_counties(actor).filter(pk=county.pk).exists():
        raise NotFound()
    if not 0 <= int(monthly_budget) <= MAX_BUDGET:
        raise DomainError({"monthly_budget": _("Give a budget between 0 and 10,000,000 messages.")})
    row = SmsSettings.objects.select_for_update().filter(county=county).first() or SmsSettings(county=county)
    before = {
        "enabled": row.enabled,
        "monthly_budget": row.monthly_budget,
        "quiet_from": row.quiet_from.strftime("%H:%M"),
        "quiet_until": row.quiet_until.strftime("%H:%M"),
    }
    row.enabled, row.monthly_budget = bool(enabled), int(monthly_budget)
    row.quiet_from, row.quiet_until = quiet_from, quiet_until
    row.save()
    after = {
        "enabled": row.enabled,
        "monthly_budget": row.monthly_budget,
        "quiet_from": quiet_from.strftime("%H:%M"),
        "quiet_until": quiet_until.strftime("%H:%M"),
    }
    audit.record(actor, AuditAction.SETTINGS, county, target_label=county.name, before=before, after=after)
    return row
