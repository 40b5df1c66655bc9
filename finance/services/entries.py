"""The ledger: recording income, reversing an entry, attaching vouchers."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from core.roles import Action
from finance import rules
from finance.models import (
    Direction,
    LedgerEntry,
    Voucher,
)
from finance.services.common import (
    ENTRY_FIELDS,
    _category,
    _day,
    _method,
    _open_month,
    _store_vouchers,
    _village,
)
from regions.models import Region
from transparency.files import prepare_documents
from transparency.privacy import check_public_text

# -- the ledger -----------------------------------------------------------------------------------------------


def entry_record_income(
    *,
    actor,
    village: Region,
    category,
    amount,
    counterparty,
    summary,
    method,
    reference="",
    date=None,
    counterparty_is_person=False,
    vouchers=(),
) -> LedgerEntry:
    """Record an income entry (收入) of a village with its vouchers. Expenses enter the ledger only by paying an
    approved expense (expense_pay)."""
    village = _village(actor, village, Action.FINANCE_RECORD)
    errors: dict = {}
    values: dict = {}
    for key, check in (
        ("date", lambda: _day(date)),
        ("category", lambda: _category(village.county_id, category, Direction.INCOME)),
        ("amount", lambda: rules.money(amount)),
        ("counterparty", lambda: _text(counterparty, "counterparty", max_length=100)),
        ("summary", lambda: _text(summary, "summary", max_length=200)),
        ("method", lambda: _method(Direction.INCOME, method, reference)),
        ("vouchers", lambda: prepare_documents(vouchers, field="vouchers")),
    ):
        try:
            values[key] = check()
        except DomainError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise DomainError(errors)
    # the summary and the counterparty go on the public board with the month's disclosure
    check_public_text(counterparty=values["counterparty"], summary=values["summary"])
    _open_month(village.pk, values["date"])
    method, reference = values["method"]
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=village.pk).first()
        _open_month(village.pk, values["date"])
        entry = LedgerEntry(
            date=values["date"],
            direction=Direction.INCOME,
            category=values["category"],
            amount=values["amount"],
            counterparty=values["counterparty"],
            counterparty_is_person=bool(counterparty_is_person),
            summary=values["summary"],
            method=method,
            reference=reference,
            recorded_by=actor,
        )
        entry.place_in(village)
        entry.save()
        audit.record(actor, "finance.entry.record", entry, after=audit.snapshot(entry, ENTRY_FIELDS))
        _store_vouchers(actor, values["vouchers"], entry=entry)
    return entry


def entry_reverse(*, actor, entry: LedgerEntry, reason, date=None) -> LedgerEntry:
    """红字冲销: a reversing entry naming the entry it reverses, who and why, dated today (or a later day of an
    open month). An entry is reversed at most once; a reversal is not reversed (record the entry again)."""
    reason = _text(reason, "reason", max_length=300)
    check_public_text(reason=reason)
    day = _day(date)
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().filter(pk=getattr(entry, "pk", entry)).first()
        if locked is None or not scope.in_scope(actor, Action.FINANCE_RECORD, locked):
            raise NotFound()
        if locked.reverses_id is not None:
            raise DomainError(_("A reversing entry cannot itself be reversed; record the entry again instead."))
        if LedgerEntry.objects.filter(reverses=locked).exists():
            raise DomainError(_("This entry has already been reversed."))
        if day < locked.date:
            raise DomainError({"date": _("A reversal cannot be dated before the entry it reverses.")})
        Region.objects.select_for_update().filter(pk=locked.village_id).first()  # against a disclosure at once
        _open_month(locked.village_id, day)
        reversal = LedgerEntry(
            date=day,
            direction=locked.direction,
            category=locked.category,
            amount=locked.amount,
            counterparty=locked.counterparty,
            counterparty_is_person=locked.counterparty_is_person,
            summary=_("Reversal of %(number)s: %(summary)s") % {"number": locked.number, "summary": locked.summary},
            method=locked.method,
            reference=locked.reference,
            reverses=locked,
            reason=reason,
            recorded_by=actor,
            county_id=locked.county_id,
            township_id=locked.township_id,
            village_id=locked.village_id,
        )
        try:
            with transaction.atomic():
                reversal.save()
        except IntegrityError:
            raise DomainError(_("This entry has already been reversed.")) from None
        audit.record(actor, "finance.entry.reverse", reversal, after=audit.snapshot(reversal, ENTRY_FIELDS))
    return reversal


def entry_attach(*, actor, entry: LedgerEntry, files) -> list[Voucher]:
    """Add voucher scans to an entry (a voucher is never removed)."""
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().filter(pk=getattr(entry, "pk", entry)).first()
        if locked is None or not scope.in_scope(actor, Action.FINANCE_RECORD, locked):
            raise NotFound()
        files = prepare_documents(files, already=locked.vouchers.count(), field="vouchers")
        if not files:
            raise DomainError({"vouchers": _("Choose a file.")})
        return _store_vouchers(actor, files, entry=locked)
