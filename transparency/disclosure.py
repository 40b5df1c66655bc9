"""公开日历: what a village must disclose in a year, what it has published for each period and what is late.

Organic Law Art. 30 and the county's DisclosurePolicy: finances every month (or quarter), village affairs and
party affairs every quarter (or month). A period's disclosure is **due** ``due_days`` days after the period ends
(10 by default: the 10th of the next month) and is **done** by any published (or ended) notice of that stream
whose period covers the whole period (a quarterly financial notice covers its three months). Withdrawn notices
and drafts do not count. It is **late** when nothing covering it was on the board by the due date: either still
missing after the due date, or published after it. Major matters (重大事项) are disclosed at once and are not on
the calendar; they are listed beside it.

Computed from the notices only (one query per set of villages), never typed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from transparency.models import STREAM_ORDER, Cadence, DisclosurePolicy, Notice, Stream
from transparency.policy import policy_for
from transparency.selectors import on_record

DONE, DONE_LATE, LATE, DUE, RUNNING, UPCOMING = "done", "done_late", "late", "due", "running", "upcoming"
STATUS_LABELS = {
    DONE: gettext_lazy("Published on time"),
    DONE_LATE: gettext_lazy("Published late"),
    LATE: gettext_lazy("Late"),
    DUE: gettext_lazy("Due soon"),
    RUNNING: gettext_lazy("Period running"),
    UPCOMING: gettext_lazy("Not yet due"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS[status])


@dataclass
class Slot:
    """One period of one stream: when it is due, what covers it, how it stands."""

    stream: str
    start: date
    end: date
    due: date
    label: str
    status: str = UPCOMING
    published_on: date | None = None
    notices: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def is_late(self) -> bool:
        return self.status in (LATE, DONE_LATE)


@dataclass
class VillageCalendar:
    village: object
    year: int
    policy: DisclosurePolicy
    rows: dict = field(default_factory=dict)  # stream → [Slot]
    major: list = field(default_factory=list)

    @property
    def slots(self) -> list[Slot]:
        return [s for stream in STREAM_ORDER for s in self.rows.get(stream, [])]

    @property
    def late(self) -> list[Slot]:
        return [s for s in self.slots if s.status == LATE]

    @property
    def late_count(self) -> int:
        return sum(1 for s in self.slots if s.status == LATE)

    @property
    def done_late_count(self) -> int:
        return sum(1 for s in self.slots if s.status == DONE_LATE)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.slots if s.status in (DONE, DONE_LATE))


def month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def periods(year: int, cadence: str) -> list[tuple[date, date, str]]:
    """The periods of a year: 12 months or 4 quarters, each (start, end, label)."""
    if cadence == Cadence.MONTH:
        return [
            (date(year, m, 1), month_end(year, m), _("%(year)s-%(month)02d") % {"year": year, "month": m})
            for m in range(1, 13)
        ]
    return [
        (
            date(year, 3 * q - 2, 1),
            month_end(year, 3 * q),
            _("Q%(quarter)s %(year)s") % {"quarter": q, "year": year},
        )
        for q in range(1, 5)
    ]


def _disclosed_on(notice: Notice) -> date | None:
    """The day a notice went on the board: its first posting day, or the day it was published if later."""
    days = [d for d in (notice.posted_from,) if d is not None]
    if notice.published_at is not None:
        days.append(timezone.localtime(notice.published_at).date())
    return max(days) if days else None


def _status(slot: Slot, today: date) -> str:
    if slot.published_on is not None:
        return DONE if slot.published_on <= slot.due else DONE_LATE
    if today > slot.due:
        return LATE
    if today > slot.end:
        return DUE
    if today >= slot.start:
        return RUNNING
    return UPCOMING


def _notices(village_ids, year: int):
    return (
        Notice.objects.filter(
            on_record(),  # a notice superseded by its correction was on the board from its own first day
            village_id__in=list(village_ids),
            period_start__lte=date(year, 12, 31),
            period_end__gte=date(year, 1, 1),
        )
        .only(
            "id",
            "village_id",
            "stream",
            "title",
            "period_start",
            "period_end",
            "posted_from",
            "posted_until",
            "published_at",
            "is_major",
            "state",
            "created_at",
        )
        .order_by("published_at", "pk")
    )


def _build(village, year: int, policy: DisclosurePolicy, notices, today: date) -> VillageCalendar:
    cal = VillageCalendar(village=village, year=year, policy=policy)
    by_stream = defaultdict(list)
    for notice in notices:
        if notice.is_major:
            cal.major.append(notice)
        by_stream[notice.stream].append(notice)
    for stream in STREAM_ORDER:
        slots = []
        for start, end, label in periods(year, policy.cadence(stream)):
            slot = Slot(stream=stream, start=start, end=end, due=end + timedelta(days=policy.due_days), label=label)
            slot.notices = [n for n in by_stream[stream] if n.period_start <= start and n.period_end >= end]
            days = [d for d in (_disclosed_on(n) for n in slot.notices) if d is not None]
            slot.published_on = min(days) if days else None
            slot.status = _status(slot, today)
            slots.append(slot)
        cal.rows[stream] = slots
    return cal


def village_calendar(village, year: int, *, today: date | None = None) -> VillageCalendar:
    """The calendar of one village for one year."""
    today = today or timezone.localdate()
    policy = policy_for(village.county_id)
    return _build(village, year, policy, list(_notices([village.pk], year)), today)


def calendars(villages, year: int, *, today: date | None = None) -> list[VillageCalendar]:
    """The calendars of many villages (a township's, a county's) in two queries, late ones first."""
    today = today or timezone.localdate()
    villages = list(villages)
    by_village = defaultdict(list)
    for notice in _notices([v.pk for v in villages], year):
        by_village[notice.village_id].append(notice)
    policies: dict[int, DisclosurePolicy] = {}
    result = []
    for village in villages:
        policy = policies.get(village.county_id)
        if policy is None:
            policy = policies[village.county_id] = policy_for(village.county_id)
        result.append(_build(village, year, policy, by_village[village.pk], today))
    result.sort(key=lambda c: (-c.late_count, -c.done_late_count, c.village.code))
    return result


def stream_label(stream: str) -> str:
    return str(Stream(stream).label)
