"""The dashboard indicators of meetings (SPEC §6, §10: deliberations held), declared for ``core.indicators``:
the meetings held (closed) of every kind, the binding motions they adopted, and whether their minutes were
written. A meeting is placed in its village; a motion through its meeting: county, township and village only."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import indicators as ind
from meetings.models import Meeting, Motion, Outcome

MODULE = _("Meetings")
LEVELS = (ind.COUNTY, ind.TOWNSHIP, ind.VILLAGE)
HELD = Q(state="closed")
THROUGH_MEETING = {
    ind.COUNTY: "meeting__county_id",
    ind.TOWNSHIP: "meeting__township_id",
    ind.VILLAGE: "meeting__village_id",
}


def _held(q: Q | None = None) -> ind.Measure:
    """The meetings closed in the period (``ended_at``: the moment the meeting was closed)."""
    return ind.Measure(Meeting, date="ended_at", filter=HELD & (q or Q()))


INDICATORS: list[ind.Indicator] = [
    ind.Indicator(
        key="meetings.held",
        module=MODULE,
        name=_("Meetings held"),
        definition=_(
            "The meetings of every kind (村民会议, 村民代表会议, 村民小组会议, 党员大会, 两委会议, 党群议事会, "
            "院坝说事会, 集体经济组织成员大会 and its representatives) held on the platform — noticed, opened and "
            "closed — counted in the period of the day they were closed. Cancelled meetings and meetings not yet "
            "closed do not count."
        ),
        numerator=_held(),
        numerator_label=_("meetings held"),
        unit=ind.COUNT,
        levels=LEVELS,
        order=550,
    ),
    ind.Indicator(
        key="meetings.motions_adopted",
        module=MODULE,
        name=_("Motions adopted"),
        definition=_(
            "The motions (议案) of binding meetings whose vote, counted when voting closed, adopted them, in the "
            "period of the moment they were decided. Motions rejected or without a quorum, and the opinions of the "
            "consultative bodies (党群议事会, 院坝说事会), do not count."
        ),
        numerator=ind.Measure(
            Motion,
            date="decided_at",
            filter=Q(outcome=Outcome.ADOPTED, binding=True),
            place=THROUGH_MEETING,
        ),
        numerator_label=_("motions adopted"),
        unit=ind.COUNT,
        levels=LEVELS,
        order=560,
    ),
    ind.Indicator(
        key="meetings.minutes_written",
        module=MODULE,
        name=_("Meetings with minutes"),
        definition=_(
            "Of the meetings held in the period (closed, by the day closed), the share whose minutes (纪要) have been "
            "written on the platform (the archive keeps the minutes, Organic Law Art. 34)."
        ),
        numerator=_held(Q(minutes_at__isnull=False)),
        denominator=_held(),
        numerator_label=_("meetings with minutes"),
        denominator_label=_("meetings held"),
        levels=LEVELS,
        order=570,
    ),
]
