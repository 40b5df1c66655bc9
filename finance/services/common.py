"""The small checks every write of the village ledger shares: text, dates, the village in scope, a category, the
payment method, a month already disclosed, stored vouchers.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _

from core import scope
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from finance.models import (
    ALLOWED_METHODS,
    Category,
    Direction,
    MonthlyDisclosure,
    PaymentMethod,
    Voucher,
)
from finance.selectors import counting_disclosures
from regions.models import Region, RegionLevel
from transparency.files import store_documents

ENTRY_FIELDS = [
    "date",
    "direction",
    "category",
    "amount",
    "counterparty",
    "counterparty_is_person",
    "summary",
    "method",
    "reference",
    "expense",
    "reverses",
    "reason",
]
EXPENSE_FIELDS = ["title", "category", "payee", "payee_is_person", "amount", "deliberation_ref", "band_label", "chain"]
MAX_LINES = 30


# -- small checks ---------------------------------------------------------------------------------------------


def _day(value, field: str = "date", *, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if value in (None, ""):
        return today
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError({field: _("Give a date, e.g. 2026-06-01.")}) from None
    if value > today:
        raise DomainError({field: _("An entry cannot be dated in the future.")})
    if value.year < 2000:
        raise DomainError({field: _("Give a date, e.g. 2026-06-01.")})
    return value


def _village(actor, village, action: str) -> Region:
    if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
        raise NotFound()
    if not scope.region_in_scope(actor, action, village):
        raise NotFound()
    return village


def _category(county_id: int, value, direction: str, field: str = "category") -> Category:
    pk = getattr(value, "pk", value)
    found = Category.objects.filter(pk=pk, county_id=county_id).select_related("parent").first() if pk else None
    if found is None:
        raise DomainError({field: _("Choose a category.")})
    if found.direction != direction:
        raise DomainError(
            {
                field: _("“%(name)s” is not an income category.") % {"name": found.full_name}
                if direction == Direction.INCOME
                else _("“%(name)s” is not an expense category.") % {"name": found.full_name}
            }
        )
    if not found.is_active:
        raise DomainError({field: _("The category “%(name)s” is no longer in use.") % {"name": found.full_name}})
    return found


def _method(direction: str, method, reference: str) -> tuple[str, str]:
    if method not in PaymentMethod.values:
        raise DomainError({"method": _("Choose the payment method.")})
    if method not in ALLOWED_METHODS[direction]:
        raise DomainError(
            {
                "method": _(
                    "Village expenses are paid by bank transfer only (no cash payments); record the bank transfer."
                )
            }
        )
    reference = _text(reference, "reference", max_length=60, required=False)
    if method == PaymentMethod.BANK_TRANSFER and direction == Direction.EXPENSE and not reference:
        raise DomainError({"reference": _("Give the bank transfer's reference number (银行流水号).")})
    return method, reference


def _month_disclosure(village_id: int, year: int, month: int) -> MonthlyDisclosure | None:
    """The month's disclosure as it stands (the latest that counts: a correction once generated), or None."""
    return (
        counting_disclosures(village_id)
        .filter(year=year, month=month)
        .select_related("notice")
        .order_by("-sequence")
        .first()
    )


def _last_disclosed(village_id: int) -> tuple[int, int] | None:
    """(year, month) of the village's latest month with a disclosure (generated, being checked or published)."""
    return counting_disclosures(village_id).order_by("-year", "-month").values_list("year", "month").first()


def _open_month(village_id: int, day: date, field: str = "date") -> None:
    """No entry is dated on or before the last disclosed month: it would change figures already shown (an earlier
    month's entry moves the disclosed month's opening and closing balances). A correction is a reversal dated in
    an open month."""
    last = _last_disclosed(village_id)
    if last is not None and (day.year, day.month) <= last:
        year, month = last
        following = date(year + month // 12, month % 12 + 1, 1)
        raise DomainError(
            {
                field: _(
                    "The disclosure of %(year)s-%(month)02d has been generated from the ledger, so entries dated in "
                    "that month or before can no longer be added: they would change the balances it shows. Date it "
                    "%(first)s or later; a mistake in an earlier month is corrected by a reversing entry dated in an "
                    "open month."
                )
                % {"year": year, "month": month, "first": following.isoformat()}
            }
        )


def _store_vouchers(actor, files, *, entry=None, expense=None) -> list[Voucher]:
    owner = entry or expense
    return store_documents(
        actor,
        files,
        Voucher,
        owner=owner,
        action="finance.voucher.attach",
        entry=entry,
        expense=expense,
        county_id=owner.county_id,
        township_id=owner.township_id,
        village_id=owner.village_id,
    )


def county_scope(county: Region) -> SimpleNamespace:
    """The audit scope of a county, also while its row is being inserted (its own county_id is set after it)."""
    return SimpleNamespace(county_id=county.pk, township_id=None, village_id=None)
