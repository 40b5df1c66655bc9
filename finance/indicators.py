"""The dashboard indicators of village finance (SPEC §7, §10), declared for ``core.indicators``: the expenses
approved along their chain, and the share of the expenses paid whose month is on the public board (月公示). An
expense is placed in its village: county, township and village only."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from core import indicators as ind
from finance.models import Expense, MonthlyDisclosure

MODULE = _("Village finance")
LEVELS = (ind.COUNTY, ind.TOWNSHIP, ind.VILLAGE)

PAID = Q(state="paid")
# the month of the payment's ledger entry has a monthly disclosure whose notice was published: the disclosure is
# generated from the ledger, and once a month has one no entry is dated in it (finance.services), so the payment is
# in it
DISCLOSED = Exists(
    MonthlyDisclosure.objects.filter(
        village_id=OuterRef("village_id"),
        year=ExtractYear(OuterRef("entry__date")),
        month=ExtractMonth(OuterRef("entry__date")),
        notice__published_at__isnull=False,
    )
)


INDICATORS: list[ind.Indicator] = [
    ind.Indicator(
        key="finance.expenses_approved",
        module=MODULE,
        name=_("Expenses approved"),
        definition=_(
            "The village expenses (支出审批单) whose whole signing chain of their amount band was completed in the "
            "period (by the moment of the last signature), paid since or not. Expenses returned, rejected, "
            "withdrawn or still being signed do not count."
        ),
        numerator=ind.Measure(Expense, date="approved_at", filter=Q(approved_at__isnull=False)),
        numerator_label=_("expenses approved"),
        unit=ind.COUNT,
        levels=LEVELS,
        order=700,
    ),
    ind.Indicator(
        key="finance.expenses_disclosed",
        module=MODULE,
        name=_("Expenses paid and disclosed"),
        definition=_(
            "Of the expenses paid in the period (by the moment the payment was recorded), the share whose month "
            "(the date of the payment's ledger entry) has its monthly financial disclosure (月公示) published on the "
            "village's board. A month is disclosed after it ends, so the payments of the last weeks are not yet "
            "disclosed."
        ),
        numerator=ind.Measure(Expense, date="paid_at", filter=PAID & Q(DISCLOSED)),
        denominator=ind.Measure(Expense, date="paid_at", filter=PAID),
        numerator_label=_("paid and disclosed"),
        denominator_label=_("paid"),
        levels=LEVELS,
        order=710,
    ),
]
