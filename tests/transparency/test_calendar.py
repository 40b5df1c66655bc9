"""公开日历: periods due by the county's rules, what covers them, what is late — at the edges of the due date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from transparency import disclosure, services
from transparency.disclosure import DONE, DONE_LATE, DUE, LATE, RUNNING, UPCOMING
from transparency.models import Stream

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 20)


def publish_on(tw, day: date, *, village=None, by="cadre_a1", stream=Stream.VILLAGE, start, end, **over):
    notice = tw.draft(village=village, by=by, stream=stream, period_start=start, period_end=end, **over)
    at = datetime.combine(day, datetime.min.time(), tzinfo=SH).replace(hour=9)
    if stream == Stream.FINANCE:
        services.notice_step(actor=tw.users[by], notice=notice, step="submit", now=at)
        services.notice_step(actor=tw.users["reviewer_a1"], notice=notice, step="check", now=at)
    services.notice_step(
        actor=tw.users[by],
        notice=notice,
        step="publish",
        data={"posted_from": day, "posted_until": day + timedelta(days=7)},
        now=at,
    )
    return notice


def statuses(cal, stream):
    return [s.status for s in cal.rows[stream]]


def test_monthly_finances_and_quarterly_affairs(tw):
    publish_on(tw, date(2026, 6, 5), stream=Stream.FINANCE, start=date(2026, 5, 1), end=date(2026, 5, 31))
    publish_on(tw, date(2026, 4, 20), stream=Stream.FINANCE, start=date(2026, 1, 1), end=date(2026, 3, 31))
    publish_on(tw, date(2026, 4, 8), stream=Stream.VILLAGE, start=date(2026, 1, 1), end=date(2026, 3, 31))
    cal = disclosure.village_calendar(tw.w.village_a1, 2026, today=TODAY)
    finance = statuses(cal, Stream.FINANCE)
    # Jan–Mar covered by the quarterly notice, published after each month's due date; April missing; May on time
    assert finance[:6] == [DONE_LATE, DONE_LATE, DONE_LATE, LATE, DONE, RUNNING]
    assert finance[6:] == [UPCOMING] * 6
    assert statuses(cal, Stream.VILLAGE) == [DONE, RUNNING, UPCOMING, UPCOMING]
    assert statuses(cal, Stream.PARTY) == [LATE, RUNNING, UPCOMING, UPCOMING]
    assert cal.late_count == 2 and cal.done_late_count == 3
    assert [s.label for s in cal.late] == [cal.rows[Stream.FINANCE][3].label, cal.rows[Stream.PARTY][0].label]


def test_the_due_date_edge(tw):
    """Due 10 days after the period: published on the 10th is on time, on the 11th late."""
    publish_on(tw, date(2026, 2, 10), stream=Stream.FINANCE, start=date(2026, 1, 1), end=date(2026, 1, 31))
    publish_on(tw, date(2026, 3, 11), stream=Stream.FINANCE, start=date(2026, 2, 1), end=date(2026, 2, 28))
    cal = disclosure.village_calendar(tw.w.village_a1, 2026, today=TODAY)
    assert statuses(cal, Stream.FINANCE)[:2] == [DONE, DONE_LATE]
    # March is due on 10 April: due that day, late the day after
    cal = disclosure.village_calendar(tw.w.village_a1, 2026, today=date(2026, 4, 10))
    assert statuses(cal, Stream.FINANCE)[2] == DUE
    cal = disclosure.village_calendar(tw.w.village_a1, 2026, today=date(2026, 4, 11))
    assert statuses(cal, Stream.FINANCE)[2] == LATE


def test_withdrawn_notices_and_drafts_do_not_count(tw):
    notice = publish_on(tw, date(2026, 4, 2), start=date(2026, 1, 1), end=date(2026, 3, 31))
    services.notice_step(actor=tw.users["cadre_a1"], notice=notice, step="withdraw", data={"reason": "有误"})
    tw.draft(period_start=date(2026, 1, 1), period_end=date(2026, 3, 31))
    cal = disclosure.village_calendar(tw.w.village_a1, 2026, today=TODAY)
    assert statuses(cal, Stream.VILLAGE)[0] == LATE


def test_the_county_sets_the_cadence_and_the_due_days(tw):
    services.policy_save(
        actor=tw.users["county_admin"],
        county=tw.w.county,
        min_posting_days=5,
        answer_days=5,
        finance_cadence="quarter",
        village_cadence="month",
        party_cadence="quarter",
        due_days=20,
    )
    cal = disclosure.village_calendar(tw.w.village_a1, 2026, today=TODAY)
    assert len(cal.rows[Stream.FINANCE]) == 4 and len(cal.rows[Stream.VILLAGE]) == 12
    assert cal.rows[Stream.FINANCE][0].due == date(2026, 4, 20)


def test_major_matters_are_listed_beside_the_calendar(tw):
    publish_on(
        tw, date(2026, 5, 3), start=date(2026, 5, 1), end=date(2026, 5, 3), is_major=True, title="土地征收补偿方案"
    )
    cal = disclosure.village_calendar(tw.w.village_a1, 2026, today=TODAY)
    assert [n.title for n in cal.major] == ["土地征收补偿方案"]


def test_a_township_sees_its_villages_late_ones_first(tw):
    publish_on(
        tw, date(2026, 4, 2), village=tw.w.village_a2, by="cadre_a2", start=date(2026, 1, 1), end=date(2026, 3, 31)
    )
    villages = [tw.w.village_a2, tw.w.village_a1]
    result = disclosure.calendars(villages, 2026, today=TODAY)
    assert [c.village for c in result] == [tw.w.village_a1, tw.w.village_a2]  # a1 has more late periods
    assert result[0].late_count > result[1].late_count
