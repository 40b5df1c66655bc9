"""The dashboard indicators of dispute mediation (SPEC §5, §10: 化解率 96–98 % in the seeds), declared for
``core.indicators``. Aggregates only: a dispute is confidential, a count of disputes is not.

The figures are mediation's own statistics (``mediation.statistics``: the same cohort, the disputes **received** in
the period by the date received, and the same filters), so the dashboard and the statistics page agree. A dispute
is placed in its village (no grid column): county, township and village only."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import indicators as ind
from mediation.models import Dispute
from mediation.statistics import FILTERS

MODULE = _("Mediation")
LEVELS = (ind.COUNTY, ind.TOWNSHIP, ind.VILLAGE)


def _received(figure: str) -> ind.Measure:
    """The disputes received in the period that count for ``figure`` of mediation's statistics."""
    return ind.Measure(Dispute, date="received_on", filter=FILTERS[figure] or Q())


INDICATORS: list[ind.Indicator] = [
    ind.Indicator(
        key="mediation.received",
        module=MODULE,
        name=_("Disputes received"),
        definition=_(
            "The disputes recorded for mediation whose date received falls in the period, whatever has become of "
            "them since (those the body declined to receive included), at every mediation body serving the place "
            "(village committee, township centre, county committee), counted in the village the dispute is of."
        ),
        numerator=_received("received"),
        numerator_label=_("disputes received"),
        unit=ind.COUNT,
        levels=LEVELS,
        order=300,
    ),
    ind.Indicator(
        key="mediation.resolution",
        module=MODULE,
        name=_("Resolution rate (化解率)"),
        definition=_(
            "Of the disputes received in the period (by the date received) whose mediation has concluded — ended "
            "with an agreement in effect, ended without agreement (调解不成), or stopped because a party refused "
            "(人民调解法 Art. 17) — the share that ended with an agreement (written or oral). Disputes still being "
            "mediated and those not received (不予受理) are in neither figure. The same definition as the mediation "
            "statistics page."
        ),
        numerator=_received("agreements"),
        denominator=_received("concluded"),
        numerator_label=_("ended with an agreement"),
        denominator_label=_("concluded"),
        levels=LEVELS,
        public=True,
        order=310,
    ),
    ind.Indicator(
        key="mediation.performance",
        module=MODULE,
        name=_("Performance rate (履行率)"),
        definition=_(
            "Of the disputes received in the period (by the date received) whose agreement has had its follow-up "
            "visit (回访), the share whose agreement was found performed in full (not in part, not at all). The same "
            "definition as the mediation statistics page."
        ),
        numerator=_received("performed"),
        denominator=_received("followed"),
        numerator_label=_("agreements performed in full"),
        denominator_label=_("agreements followed up"),
        levels=LEVELS,
        order=320,
    ),
]
