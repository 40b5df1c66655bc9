"""The dashboard indicators of 三务公开 (SPEC §7, §10: disclosures), declared for ``core.indicators``: the notices
published, the villagers' questions answered in time, and the disclosure calendar's 按时公开. A notice and a
question are placed in their village: county, township and village only.

按时公开 counts the calendar's periods (``transparency.disclosure``: each period of each stream, due ``due_days``
after it ends, done by a notice covering it by then). A period that nothing covers has no row, so it is not a count
of one model's rows: ``DueDisclosures`` is its own source (core.indicators.Source), built on the calendars."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import indicators as ind
from core.periods import Period
from regions.models import Region, RegionLevel
from transparency.models import Notice, NoticeQuestion
from transparency.selectors import on_record


class DueDisclosures:
    """The calendar's periods due in a period (by their due date, up to today), of every stream of every village of
    a place: all of them, or (``on_time``) those a notice covered by the due date (core.indicators.Source)."""

    def __init__(self, *, on_time: bool):
        self.on_time = on_time

    def column(self, level: str) -> str:
        return "" if level == ind.GRID else f"{level}_id"

    def _slots(self, level: str, region_id: int, period: Period):
        """(village, slot) of the periods due from the period's first day to its last (or today)."""
        from transparency import disclosure

        last = min(period.end, timezone.localdate())
        if last < period.start:
            return []
        # a village carries itself at its own level (Region.ancestor_ids)
        villages = list(Region.objects.filter(level=RegionLevel.VILLAGE, **{self.column(level): region_id}))
        out = []
        # a year's periods are due up to its December's due date, in the next year
        for year in range(period.start.year - 1, last.year + 1):
            for cal in disclosure.calendars(villages, year, today=last):
                for slot in cal.slots:
                    if period.start <= slot.due <= last and (not self.on_time or slot.status == disclosure.DONE):
                        out.append((cal.village, slot))
        return out

    def total(self, level: str, region_id: int, period: Period) -> int:
        return len(self._slots(level, region_id, period))

    def by(self, level: str, region_id: int, period: Period, child: str) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for village, _slot in self._slots(level, region_id, period):
            counts[village.pk if child == ind.VILLAGE else getattr(village, f"{child}_id")] += 1
        return dict(counts)

    def monthly(self, level: str, region_id: int, period: Period) -> dict[date, int]:
        counts: dict[date, int] = defaultdict(int)
        for _village, slot in self._slots(level, region_id, period):
            counts[slot.due.replace(day=1)] += 1
        return dict(counts)


MODULE = _("Transparency (三务公开)")
LEVELS = (ind.COUNTY, ind.TOWNSHIP, ind.VILLAGE)

ANSWERED = Q(answered_at__isnull=False)
# a question still waiting whose deadline has passed counts as not answered in time
DUE = ANSWERED | Q(state="asked", deadline_at__lt=Now())


INDICATORS: list[ind.Indicator] = [
    ind.Indicator(
        key="transparency.notices_published",
        module=MODULE,
        name=_("Notices published"),
        definition=_(
            "The notices of the three streams (党务, 村务, 财务) published on the village's board in the period, by "
            "the moment they were published, that stay on record: still posted, ended after their window, or "
            "replaced by a published correction. Drafts, discarded drafts and notices withdrawn for another "
            "reason do not count (as on the disclosure calendar)."
        ),
        numerator=ind.Measure(Notice, date="published_at", filter=on_record()),
        numerator_label=_("notices published"),
        unit=ind.COUNT,
        levels=LEVELS,
        public=True,
        order=600,
    ),
    ind.Indicator(
        key="transparency.questions_in_time",
        module=MODULE,
        name=_("Questions answered in time"),
        definition=_(
            "Of the villagers' questions on notices asked in the period (by the moment asked) that are answered or "
            "whose deadline has passed (the county's working days to answer, 5 by default), the share answered by "
            "the deadline. A question still unanswered after its deadline counts as not answered in time; one "
            "still within its deadline is in neither figure."
        ),
        numerator=ind.Measure(NoticeQuestion, date="asked_at", filter=Q(answered_on_time=True)),
        denominator=ind.Measure(NoticeQuestion, date="asked_at", filter=DUE),
        numerator_label=_("answered in time"),
        denominator_label=_("questions answered or past their deadline"),
        levels=LEVELS,
        order=610,
    ),
    ind.Indicator(
        key="transparency.on_time",
        module=MODULE,
        name=_("Disclosures on time"),
        definition=_(
            "Of the disclosure calendar's periods (each stream's months or quarters, by the county's rules) due in "
            "the period — by their due date, up to today —, the share covered by a notice on the board by the due "
            "date. A period published late, or still missing after its due date, counts against it; a period not "
            "yet due is in neither figure. The same calendar as the township's supervision page."
        ),
        numerator=DueDisclosures(on_time=True),
        denominator=DueDisclosures(on_time=False),
        numerator_label=_("published on time"),
        denominator_label=_("periods due"),
        levels=LEVELS,
        min_cases=6,
        public=True,
        order=605,
    ),
]
