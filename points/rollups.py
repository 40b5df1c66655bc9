"""The households' points months (``HouseholdMonth``): kept in step with the append-only ledger, in the same
transaction as each row (``counted`` from ``services.ledger._append``), rebuilt in bulk where the ledger is
written in bulk (``rebuild``: generation, the migration that made them), and checked against the ledger
(``differences``; ``manage.py check_points_rollup``). The ledger is the truth: a difference is a bug, and
``rebuild`` mends it.

An entry counts when it is an award (``EntryKind.AWARD``) about a household with a score change; its correction
(a ``REVERSAL`` naming it) takes it off again, in the month of the entry corrected.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from points.models import EntryKind, HouseholdMonth, LedgerEntry

PLACE = ("county_id", "township_id", "village_id")


def _month(day: date) -> date:
    return day.replace(day=1)


def _bump(entry: LedgerEntry, sign: int) -> None:
    added, deducted = (sign, 0) if entry.score_delta > 0 else (0, sign)
    month = _month(entry.occurred_on)
    rows = HouseholdMonth.objects.filter(household_id=entry.household_id, month=month)
    if rows.update(added=F("added") + added, deducted=F("deducted") + deducted):
        return
    place = {name: getattr(entry, name) for name in PLACE}
    try:
        with transaction.atomic():
            HouseholdMonth.objects.create(
                household_id=entry.household_id,
                grid_id=entry.grid_id,
                month=month,
                added=max(added, 0),
                deducted=max(deducted, 0),
                **place,
            )
    except IntegrityError:  # made meanwhile by another transaction: count on it
        rows.update(added=F("added") + added, deducted=F("deducted") + deducted)


def counted(entry: LedgerEntry) -> None:
    """Keep the months in step with a row just appended to the ledger (in its transaction)."""
    if entry.kind == EntryKind.AWARD and entry.household_id and entry.score_delta:
        _bump(entry, +1)
    elif entry.kind == EntryKind.REVERSAL and entry.reverses_id:
        undone = entry.reverses
        if undone.kind == EntryKind.AWARD and undone.household_id and undone.score_delta:
            _bump(undone, -1)


def from_ledger(county_id: int | None = None) -> dict[tuple[int, date], tuple[int, int]]:
    """(household, month) → (added, deducted) counted afresh from the ledger."""
    entries = LedgerEntry.objects.filter(kind=EntryKind.AWARD, household__isnull=False).exclude(score_delta=0)
    entries = entries.filter(reversed_by__isnull=True)
    if county_id is not None:
        entries = entries.filter(county_id=county_id)
    rows = (
        entries.values("household_id", month=TruncMonth("occurred_on"))
        .annotate(added=Count("pk", filter=Q(score_delta__gt=0)), deducted=Count("pk", filter=Q(score_delta__lt=0)))
        .order_by()
    )
    return {(r["household_id"], r["month"]): (r["added"], r["deducted"]) for r in rows}


def kept(county_id: int | None = None) -> dict[tuple[int, date], tuple[int, int]]:
    rows = HouseholdMonth.objects.all() if county_id is None else HouseholdMonth.objects.filter(county_id=county_id)
    return {
        (h, m): (a, d)
        for h, m, a, d in rows.values_list("household_id", "month", "added", "deducted")
        if a or d  # a month whose entries were all corrected counts nothing, like no row
    }


def differences(county_id: int | None = None) -> list[tuple[int, date, tuple[int, int] | None, tuple[int, int] | None]]:
    """Every (household, month) where the kept months and the ledger disagree: (household, month, kept, ledger)."""
    ledger, months = from_ledger(county_id), kept(county_id)
    return [
        (h, m, months.get((h, m)), ledger.get((h, m)))
        for h, m in sorted(set(ledger) | set(months))
        if months.get((h, m)) != ledger.get((h, m))
    ]


@transaction.atomic
def rebuild(county_id: int | None = None) -> int:
    """Count the months afresh from the ledger (after a bulk write); returns the number of months kept."""
    rows = HouseholdMonth.objects.all() if county_id is None else HouseholdMonth.objects.filter(county_id=county_id)
    rows.delete()
    counts = from_ledger(county_id)
    if not counts:
        return 0
    from registry.models import Household

    households = {
        h["id"]: h for h in Household.objects.filter(pk__in={h for h, _m in counts}).values("id", "grid_id", *PLACE)
    }
    batch = [
        HouseholdMonth(
            household_id=h,
            month=m,
            added=a,
            deducted=d,
            grid_id=households[h]["grid_id"],
            **{name: households[h][name] for name in PLACE},
        )
        for (h, m), (a, d) in counts.items()
    ]
    HouseholdMonth.objects.bulk_create(batch, batch_size=5000)
    return len(batch)
