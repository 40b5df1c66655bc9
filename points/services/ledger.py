"""Review into the append-only ledger, and corrections (reversing entries)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.roles import Action
from points import rollups
from points import standings as calc
from points.models import (
    Claim,
    ClaimSource,
    ClaimStatus,
    EntryKind,
    LedgerEntry,
    Scheme,
)

# -- review, ledger and corrections --------------------------------------------------------------------


def _append(
    actor,
    *,
    scheme: Scheme,
    fields: dict,
    kind: str,
    score: Decimal,
    balance: Decimal,
    occurred_on: date,
    reason: str = "",
    claim=None,
    item=None,
    reverses=None,
    redemption=None,
    closed: dict | None = None,
) -> LedgerEntry:
    """Append one row. A row that changes a score is never dated in a quarter already signed off: it lands on
    the first open day (``standings.first_open_day``), so what was signed off and published stays true.
    ``closed``: {scheme id: ``standings.closed_through``} when the caller appends several rows."""
    if score:
        if closed is None:
            closed = {}
        if scheme.pk not in closed:
            closed[scheme.pk] = calc.closed_through(scheme.pk)
        if closed[scheme.pk] is not None and occurred_on <= closed[scheme.pk]:
            occurred_on = closed[scheme.pk] + timedelta(days=1)
    entry = LedgerEntry(
        scheme=scheme,
        kind=kind,
        score_delta=score,
        balance_delta=balance,
        occurred_on=occurred_on,
        actor=actor,
        reason=reason[:300],
        claim=claim,
        item=item,
        reverses=reverses,
        redemption=redemption,
        **fields,
    )
    entry.save()
    rollups.counted(entry)
    return entry


def _subject_fields(row) -> dict:
    keys = [
        "subject_kind",
        "subject_key",
        "subject_label",
        "household_id",
        "person_id",
        "organization_id",
        "party_branch_id",
        "grid_id",
        "village_id",
        "township_id",
        "county_id",
    ]
    return {k: getattr(row, k) for k in keys}


@transaction.atomic
def claims_review(*, actor, claim_ids: list[int], approve: bool, reason: str = "") -> list[Claim]:
    """评议: approve (appending to the ledger) or reject pending claims. A claim already reviewed, or
    outside the actor's scope, refuses the whole batch so a stale screen changes nothing."""
    if not claim_ids:
        raise DomainError(_("Choose at least one entry."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError({"reason": _("Give the reason for rejecting.")})
    claims = list(
        Claim.objects.select_for_update().select_related("scheme", "item").filter(pk__in=claim_ids).order_by("pk")
    )
    if len(claims) != len(set(claim_ids)):
        raise NotFound()
    for claim in claims:
        if not scope.in_scope(actor, Action.POINTS_REVIEW, claim.scheme):
            raise NotFound()
        if claim.status != ClaimStatus.PENDING:
            raise DomainError(
                _("%(entry)s was already reviewed by someone else; reload the page.") % {"entry": claim.subject_label}
            )
        if claim.recorded_by_id == actor.pk and claim.source not in (ClaimSource.BULK, ClaimSource.FACT):
            raise DomainError(
                _("You recorded %(entry)s yourself; another member of the review group must review it.")
                % {"entry": claim.subject_label}
            )
    now = timezone.now()
    closed: dict = {}
    for claim in claims:
        claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
        claim.reviewed_by, claim.reviewed_at = actor, now
        claim.rejection_reason = "" if approve else reason[:300]
        claim.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
        if approve:
            _append(
                actor,
                scheme=claim.scheme,
                fields=_subject_fields(claim),
                kind=EntryKind.AWARD,
                score=claim.points,
                balance=claim.points,
                occurred_on=claim.occurred_on,
                reason=claim.item.text,
                claim=claim,
                item=claim.item,
                closed=closed,
            )
        audit.record(
            actor,
            "points.claim.approve" if approve else "points.claim.reject",
            claim,
            target_label=str(claim)[:200],
            after={"status": claim.status, "reason": claim.rejection_reason},
        )
    _tell_households(claims, approve)
    return claims


def _tell_households(claims: list[Claim], approve: bool) -> None:
    """Each household whose entries were reviewed is told once (in the app, and by SMS if it chose so)."""
    from accounts.selectors import household_side
    from core import notifications

    per_household: dict[int, list[Claim]] = {}
    for claim in claims:
        if claim.household_id:
            per_household.setdefault(claim.household_id, []).append(claim)
    for household_id, reviewed in per_household.items():
        values = {"n": len(reviewed), "item": reviewed[0].item.text[:40]}
        one = len(reviewed) == 1
        if approve:
            text = (
                _("Your household's points entry “%(item)s” was approved.")
                if one
                else _("%(n)s points entries of your household were approved.")
            )
        else:
            text = (
                _("Your household's points entry “%(item)s” was not approved; see the reason.")
                if one
                else _("%(n)s points entries of your household were not approved; see the reasons.")
            )
        notifications.notify(
            household_side(None, household_id),
            kind="points.entry_decided",
            text=text % values,
            url=reverse("points:me"),
            key=f"points.claims:{reviewed[0].pk}:{'+' if approve else '-'}",
        )


def uncorrected_award(entry: LedgerEntry, not_an_award: str) -> None:
    """Refuse an entry that is not an award (``not_an_award`` says so) or that was corrected already: only such
    an entry may be corrected or appealed."""
    if entry.kind != EntryKind.AWARD:
        raise DomainError(not_an_award)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This entry has already been corrected."))


@transaction.atomic
def entry_reverse(
    *, actor, entry: LedgerEntry, reason: str, action: str = Action.POINTS_REVIEW, now: datetime | None = None
) -> LedgerEntry:
    """冲正: a correction entry that names what it reverses, who made it and why.

    It is dated when it is decided (``now``), never in the period of the entry it undoes when that period is
    closed: a quarter signed off (and published) keeps its standings, and the correction counts in the period
    open when it is made, whose publication names it (``standings.corrections``)."""
    entry = LedgerEntry.objects.select_for_update().select_related("scheme").get(pk=entry.pk)
    if not scope.in_scope(actor, action, entry.scheme):
        raise NotFound()
    return _reverse_locked(actor, entry, reason, now)


def _reverse_locked(actor, entry: LedgerEntry, reason: str, now: datetime | None) -> LedgerEntry:
    """``entry_reverse`` past its scope check (``entry`` locked): also what undoing a fact does
    (``points.fact_claims``), whose actor is whoever took the fact back, not a reviewer."""
    # a sign-off (which locks the scheme) waits for this correction, or this one for it: never dated in a
    # quarter signed off meanwhile
    Scheme.objects.select_for_update().filter(pk=entry.scheme_id).values_list("pk", flat=True).first()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Give the reason for the correction.")})
    uncorrected_award(entry, _("Only points entries can be corrected."))
    reversal = _append(
        actor,
        scheme=entry.scheme,
        fields=_subject_fields(entry),
        kind=EntryKind.REVERSAL,
        score=-entry.score_delta,
        balance=-entry.balance_delta,
        occurred_on=timezone.localdate(now) if now is not None else timezone.localdate(),
        reason=reason,
        item=entry.item,
        reverses=entry,
    )
    audit.record(
        actor,
        "points.entry.reverse",
        entry.scheme,
        target_label=str(entry)[:200],
        after={
            "entry": entry.pk,
            "reversal": reversal.pk,
            "reason": reason,
            "entry_date": entry.occurred_on.isoformat(),
            "dated": reversal.occurred_on.isoformat(),
        },
    )
    return reversal
