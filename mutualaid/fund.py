"""The village's mutual-aid fund (互助专款账户) as a ledger: every figure is computed from the rows, and every entry
that takes money out (a payout, the reversal of a contribution) is written under a lock on the village's region row,
after the balance is read under that lock, so two payouts at the same moment cannot overdraw the fund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from core.errors import DomainError
from mutualaid.models import EntryKind, FundEntry

ZERO = Decimal("0.00")


def balance(village_id) -> Decimal:
    total = FundEntry.objects.filter(village_id=village_id).aggregate(s=Sum("amount"))["s"]
    return (total or ZERO).quantize(ZERO)


def lock(village_id) -> None:
    """Hold the village's row until the transaction ends (every writer of the fund takes it first)."""
    from regions.models import Region

    Region.objects.select_for_update().filter(pk=village_id).first()


def write(entry: FundEntry, *, field: str = "amount") -> FundEntry:
    """Insert ``entry`` under the lock, refused when the balance would go below zero. Call inside a transaction."""
    lock(entry.village_id)
    now = balance(entry.village_id)
    if now + entry.amount < 0:
        raise DomainError(
            {
                field: _("The fund holds %(balance)s yuan; %(amount)s yuan cannot be taken out of it.")
                % {"balance": now, "amount": -entry.amount}
            }
        )
    entry.save()
    return entry


def pay_out(case, *, actor, on, how: str = "", now=None) -> FundEntry:
    """The payout of an approved application: exactly one entry (a second is refused by the unique constraint)."""
    if case.approved_amount is None:
        raise DomainError(_("The application has no approved amount."))
    if FundEntry.objects.filter(application=case, kind=EntryKind.PAYOUT).exists():
        raise DomainError(_("This application has already been paid."))
    entry = FundEntry(
        kind=EntryKind.PAYOUT,
        amount=-case.approved_amount,
        on=date.fromisoformat(on) if isinstance(on, str) else on,
        application=case,
        donor=case.number,
        note=how,
        recorded_by=actor,
    )
    entry.place_in(case.village)
    if now is not None:
        entry.recorded_at = now
    return write(entry, field="paid_on")


def totals(qs) -> dict:
    """Money in by source, money out and the balance of a queryset of entries (reversals counted against what
    they reverse)."""
    rows = qs.values("kind", "source", "reverses__kind", "reverses__source").annotate(s=Sum("amount"))
    out = {"in": ZERO, "out": ZERO, "by_source": {}}
    for r in rows:
        kind, source = r["kind"], r["source"]
        if kind == EntryKind.REVERSAL:
            kind, source = r["reverses__kind"], r["reverses__source"]
        amount = Decimal(r["s"] or 0).quantize(ZERO)
        if kind == EntryKind.CONTRIBUTION:
            out["in"] += amount
            out["by_source"][source] = out["by_source"].get(source, ZERO) + amount
        else:
            out["out"] -= amount
    out["balance"] = out["in"] - out["out"]
    out["by_source"] = {k: v.quantize(ZERO) for k, v in out["by_source"].items()}
    return out
