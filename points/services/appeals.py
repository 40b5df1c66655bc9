"""Appeals (复议) of a ledger entry, and the county's points settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.roles import Action
from points.flows import APPEAL
from points.models import (
    DEFAULT_APPEAL_ANSWER_DAYS,
    Appeal,
    AppealStatus,
    CountyPointsSettings,
    LedgerEntry,
)
from points.services.ledger import uncorrected_award
from regions.models import Region, RegionLevel

# -- appeals -------------------------------------------------------------------------------------------


def appeal_answer_days(county_id) -> int:
    """The working days a county gives the review group to answer an appeal (its setting, else the default)."""
    days = CountyPointsSettings.objects.filter(county_id=county_id).values_list("appeal_answer_days", flat=True).first()
    return days or DEFAULT_APPEAL_ANSWER_DAYS


@transaction.atomic
def appeal_file(*, actor, entry: LedgerEntry, reason: str, now: datetime | None = None) -> Appeal:
    """复议申请 by the household concerned, within the scheme's window: opens the case on the appeal procedure
    (points.flows.APPEAL), due in the county's working days."""
    entry = LedgerEntry.objects.select_for_update().select_related("scheme").get(pk=entry.pk)
    if not scope.in_scope(actor, Action.POINTS_APPEAL, entry):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Say why you disagree.")})
    uncorrected_award(entry, _("Only points entries can be appealed."))
    deadline = timezone.localtime(entry.recorded_at).date() + timedelta(days=entry.scheme.appeal_window_days)
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    if today > deadline:
        raise DomainError(_("The appeal window closed on %(date)s.") % {"date": deadline.isoformat()})
    if Appeal.objects.filter(entry=entry, status=AppealStatus.PENDING).exists():
        raise DomainError(_("An appeal against this entry is already being investigated."))
    appeal = Appeal(
        entry=entry,
        village_id=entry.village_id,
        township_id=entry.township_id,
        county_id=entry.county_id,
        household_id=entry.household_id,
        filed_by=actor,
        filed_at=now or timezone.now(),
        reason=reason,
        answer_days=appeal_answer_days(entry.county_id),
    )
    workflow.start(actor=actor, case=appeal, flow=APPEAL, note=reason, now=appeal.filed_at)
    audit.record(
        actor,
        "points.appeal.file",
        appeal,
        region=entry.scheme,
        target_label=str(entry)[:200],
        after={"entry": entry.pk, "reason": reason},
    )
    return appeal


def appeal_decide(
    *, actor, appeal: Appeal, overturn: bool, note: str, version: int | None = None, now: datetime | None = None
) -> Appeal:
    """The review group upholds or overturns (the engine's step, with its rules: points.flows.APPEAL)."""
    workflow.transition(
        actor=actor,
        case=appeal,
        flow=APPEAL,
        name="overturn" if overturn else "uphold",
        note=note,
        expected_version=version,
        now=now,
    )
    appeal.refresh_from_db()
    return appeal


@transaction.atomic
def county_settings_save(*, actor, county: Region, appeal_answer_days) -> CountyPointsSettings:
    """The county administrator sets the working days the review groups of its villages have to answer an
    appeal; appeals already filed keep the deadline they were given."""
    if (
        county is None
        or county.level != RegionLevel.COUNTY
        or not scope.region_in_scope(actor, Action.POINTS_POLICY, county)
    ):
        raise NotFound()
    try:
        days = int(str(appeal_answer_days).strip())
    except (TypeError, ValueError):
        days = 0
    if isinstance(appeal_answer_days, bool) or not 1 <= days <= 60:
        raise DomainError(
            {"appeal_answer_days": _("Give a whole number of working days from 1 to %(max)s.") % {"max": 60}}
        )
    row, _created = CountyPointsSettings.objects.select_for_update().get_or_create(county=county)
    before = {"appeal_answer_days": None if _created else row.appeal_answer_days}
    row.appeal_answer_days, row.updated_by = days, actor
    row.save()
    audit.record(
        actor,
        "points.county_settings.save",
        row,
        region=county,
        target_label=county.name,
        before=before,
        after={"appeal_answer_days": days},
    )
    return row
