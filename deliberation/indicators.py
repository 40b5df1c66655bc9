"""The dashboard indicators of deliberation (SPEC §6, §10: matters settled, 四议两公开), declared for
``core.indicators``: the decisions (决议) recorded by the deciding steps of topics (协商议事 of 六步议事, the
村民会议/代表会议 resolution of 四议两公开) and by the adoption of the village rules, and their two disclosures
(决议公开, 实施结果公开). The meetings held are the meetings app's indicators. A decision is placed in its village:
county, township and village only."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import indicators as ind
from deliberation.models import Decision

MODULE = _("Deliberation (议事协商)")
LEVELS = (ind.COUNTY, ind.TOWNSHIP, ind.VILLAGE)
OF_TOPICS = Q(topic__isnull=False)


def _decided(q: Q | None = None) -> ind.Measure:
    """The decisions taken in the period (``decided_at``: when the deciding motion was decided, or the step taken)."""
    return ind.Measure(Decision, date="decided_at", filter=q or Q())


INDICATORS: list[ind.Indicator] = [
    ind.Indicator(
        key="deliberation.decisions",
        module=MODULE,
        name=_("Matters decided"),
        definition=_(
            "The decisions (决议) taken in the period on the village's matters: topics decided by 协商议事 "
            "(六步议事) or resolved by the villagers' assembly or representatives' meeting (四议两公开), and "
            "versions of the village rules adopted by the villagers' assembly. A decision counts in the period of "
            "the day it was taken (the day the meeting's motion was decided, or the day of the deliberation step)."
        ),
        numerator=_decided(),
        numerator_label=_("decisions"),
        unit=ind.COUNT,
        levels=LEVELS,
        public=True,
        order=500,
    ),
    ind.Indicator(
        key="deliberation.decisions_published",
        module=MODULE,
        name=_("Decisions made public (决议公开)"),
        definition=_(
            "Of the decisions taken in the period (by the day decided), the share that has been made public so far: "
            "the 公开公示 / 决议公开 step taken for a topic, the promulgation for village rules (the decision on the "
            "village's public page and its 村务 board). A decision of the last days may not be public yet."
        ),
        numerator=_decided(Q(published_at__isnull=False)),
        denominator=_decided(),
        numerator_label=_("decisions made public"),
        denominator_label=_("decisions"),
        levels=LEVELS,
        order=510,
    ),
    ind.Indicator(
        key="deliberation.results_published",
        module=MODULE,
        name=_("Results made public (实施结果公开)"),
        definition=_(
            "Of the decisions on topics taken in the period (by the day decided), the share whose result of the "
            "implementation has been made public so far (研究落实 / 实施结果公开, possible once every task of the "
            "decision is done or cancelled). Village rules have no result step and are left out. Results take "
            "time: a recent period shows a lower share that grows as the work is done."
        ),
        numerator=_decided(OF_TOPICS & Q(result_published_at__isnull=False)),
        denominator=_decided(OF_TOPICS),
        numerator_label=_("results made public"),
        denominator_label=_("decisions on topics"),
        levels=LEVELS,
        order=520,
    ),
]
