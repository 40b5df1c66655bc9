"""The points system's indicators on the dashboards (core.indicators): how many households take part, from the
ledger (an entry is in the period by the day of the deed, ``occurred_on``; a corrected entry no longer counts),
read from the households' months (points.rollups) when the period is whole months."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import indicators as ind
from points.models import EntryKind, HouseholdMonth, LedgerEntry
from registry.models import Household

MODULE = _("Points")


def _households(which: str) -> ind.MonthlyRollup:
    """The households with an award entry adding points (``added``) or taking points off (``deducted``)."""
    sign = Q(score_delta__gt=0) if which == "added" else Q(score_delta__lt=0)
    return ind.MonthlyRollup(
        rollup=ind.Measure(
            HouseholdMonth,
            date="month",
            filter=Q(**{f"{which}__gt": 0}),
            distinct="household_id",
            once_a_month=True,
            grid="grid_id",
        ),
        rows=ind.Measure(
            LedgerEntry,
            date="occurred_on",
            filter=sign & Q(kind=EntryKind.AWARD, household__isnull=False, reversed_by__isnull=True),
            distinct="household_id",
            grid="grid_id",
        ),
    )


INDICATORS = [
    ind.Indicator(
        key="points.participation",
        module=MODULE,
        name=_("Households earning points"),
        definition=_(
            "The households with at least one approved entry adding points in the period (by the day of the deed; "
            "an entry corrected since does not count), as a share of the households registered now."
        ),
        numerator=_households("added"),
        denominator=ind.Measure(Household, grid="grid_id"),
        numerator_label=_("households earning points"),
        denominator_label=_("households registered"),
        order=100,
        public=True,
    ),
    ind.Indicator(
        key="points.deducted",
        module=MODULE,
        name=_("Households with points deducted"),
        definition=_(
            "The households with at least one approved entry taking points off in the period (by the day of the "
            "deed; an entry corrected since does not count), as a share of the households registered now."
        ),
        numerator=_households("deducted"),
        denominator=ind.Measure(Household, grid="grid_id"),
        numerator_label=_("households with points deducted"),
        denominator_label=_("households registered"),
        higher_is_better=False,
        order=110,
    ),
]
