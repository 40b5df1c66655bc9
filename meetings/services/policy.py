"""The county's notice periods per kind of meeting (MeetingPolicy)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core import audit, scope
from core.errors import DomainError, NotFound
from core.roles import Action
from meetings import rules
from meetings.models import MeetingKind, MeetingPolicy
from regions.models import RegionLevel

# -- the county's notice periods ------------------------------------------------------------------------------


def policy_update(*, actor, county, notice_days: dict) -> MeetingPolicy:
    if (
        county is None
        or county.level != RegionLevel.COUNTY
        or not scope.region_in_scope(actor, Action.DELIBERATION_POLICY, county)
    ):
        raise NotFound()
    errors = {}
    clean = {}
    for kind, days in (notice_days or {}).items():
        if kind not in MeetingKind.values:
            continue
        if days in ("", None):
            continue
        why = rules.check_override(kind, days)
        if why:
            errors[kind] = why
        else:
            clean[kind] = int(days)
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        policy, _created = MeetingPolicy.objects.select_for_update().get_or_create(county=county)
        before = dict(policy.notice_days)
        policy.notice_days, policy.updated_by, policy.updated_at = clean, actor, timezone.now()
        policy.save()
        audit.record(
            actor,
            "meetings.policy.update",
            policy,
            before={"notice_days": before},
            after={"notice_days": clean},
            region=county,
        )
    return policy
