"""Working days follow the national schedule kept as data: holidays, make-up working days (调休), weekends,
and the county's own entries; the start day never counts; deadlines end at 18:00 Asia/Shanghai."""

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.models import CalendarSource, WorkingDay
from core import calendar
from core.calendar import CalendarDataMissing, WorkingCalendar, add_working_days, is_working_day
from core.calendar import working_days_between as between
from tests.casework.support import at

pytestmark = pytest.mark.django_db


def test_2026_national_day_is_off_and_the_make_up_saturday_is_a_working_day(calendar_2026):
    assert not any(is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert is_working_day(date(2026, 10, 10))  # Saturday, 调休
    assert is_working_day(date(2026, 9, 20))  # Sunday, 调休
    assert not is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert is_working_day(date(2026, 10, 9))


def test_without_rows_only_the_weekend_rule_applies(db):
    assert not is_working_day(date(2026, 10, 10))  # nothing loaded: a plain Saturday
    assert is_working_day(date(2026, 10, 1))  # nothing loaded: a plain Thursday


def test_five_working_days_across_national_day_count_the_make_up_saturday(calendar_2026):
    # Dispatched on Wednesday 30 September: 1–7 October are off; 8 (Thu), 9 (Fri), 10 (Sat, 调休), 12, 13.
    assert add_working_days(at("2026-09-30 10:00"), 5) == at("2026-10-13 18:00")


def test_same_period_without_the_schedule_would_end_on_the_holiday(db):
    assert add_working_days(at("2026-09-30 10:00"), 5) == at("2026-10-07 18:00")


def test_working_days_across_a_weekend(calendar_2026):
    assert add_working_days(at("2026-03-06 10:00"), 1) == at("2026-03-09 18:00")  # Friday → Monday
    assert add_working_days(at("2026-03-06 10:00"), 5) == at("2026-03-13 18:00")
    assert add_working_days(at("2026-03-07 09:00"), 1) == at("2026-03-09 18:00")  # from a Saturday


def test_a_sunday_make_up_day_counts(calendar_2026):
    # Friday 18 September + 1: Saturday 19 off, Sunday 20 is 调休 → due Sunday 18:00.
    assert add_working_days(at("2026-09-18 16:00"), 1) == at("2026-09-20 18:00")


def test_start_day_never_counts_even_early_in_the_morning(calendar_2026):
    assert add_working_days(at("2026-03-09 00:01"), 1) == at("2026-03-10 18:00")
    assert add_working_days(at("2026-03-09 23:59"), 1) == at("2026-03-10 18:00")


def test_zero_working_days_means_end_of_today_or_of_the_next_working_day(calendar_2026):
    assert add_working_days(at("2026-03-09 10:00"), 0) == at("2026-03-09 18:00")
    assert add_working_days(at("2026-03-09 20:00"), 0) == at("2026-03-09 18:00")  # already late: still today
    assert add_working_days(at("2026-10-03 10:00"), 0) == at("2026-10-08 18:00")  # on the holiday


def test_starting_inside_the_holiday(calendar_2026):
    assert add_working_days(at("2026-10-03 10:00"), 1) == at("2026-10-08 18:00")
    assert add_working_days(at("2026-10-03 10:00"), 3) == at("2026-10-10 18:00")


def test_utc_input_is_read_in_the_platform_time_zone(calendar_2026):
    # 2026-09-30 20:00 UTC is 1 October 04:00 in Shanghai: the start day is already the holiday.
    start = datetime(2026, 9, 30, 20, 0, tzinfo=UTC)
    assert add_working_days(start, 1) == at("2026-10-08 18:00")


def test_naive_input_is_taken_as_platform_time(calendar_2026):
    assert add_working_days(datetime(2026, 3, 6, 10, 0), 1) == at("2026-03-09 18:00")


def test_across_spring_festival_and_the_year_end(calendar_2026):
    # Friday 13 February 2026: 14 (Sat) is 调休, then 15–23 off.
    assert add_working_days(at("2026-02-13 10:00"), 1) == at("2026-02-14 18:00")
    assert add_working_days(at("2026-02-13 10:00"), 2) == at("2026-02-24 18:00")


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, 1001])
def test_working_days_must_be_a_sensible_whole_number(db, bad):
    with pytest.raises(ValueError):
        add_working_days(at("2026-03-09 10:00"), bad)


def test_working_days_between(calendar_2026):
    assert between(at("2026-09-30 10:00"), at("2026-10-13 09:00")) == 5
    assert between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert between(date(2026, 10, 9), date(2026, 10, 12)) == 2  # Sat 10 (调休) and Mon 12
    assert between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert between(date(2026, 3, 13), date(2026, 3, 9)) == -4


def test_next_year_without_official_data_falls_back_to_weekends(calendar_2026):
    cal = WorkingCalendar()
    assert not cal.has_schedule(2027)
    assert cal.is_working_day(date(2027, 1, 1))  # New Year's Day 2027 is a Friday: unknown until entered
    assert add_working_days(at("2026-12-31 10:00"), 1) == at("2027-01-01 18:00")


def test_county_entries_win_over_the_national_schedule(world, calendar_2026):
    county = world.county
    WorkingDay.objects.create(
        date=date(2027, 1, 1), region=county, is_working=False, note="元旦", source=CalendarSource.ADMIN
    )
    WorkingDay.objects.create(
        date=date(2026, 10, 10), region=county, is_working=False, note="本县调整", source=CalendarSource.ADMIN
    )
    assert not is_working_day(date(2027, 1, 1), county=county)
    assert is_working_day(date(2027, 1, 1))  # the national calendar does not know it
    assert not is_working_day(date(2026, 10, 10), county=county)
    assert is_working_day(date(2026, 10, 10), county=None)
    assert add_working_days(at("2026-12-31 10:00"), 1, county=county.pk) == at("2027-01-04 18:00")
    assert WorkingCalendar(county).has_schedule(2027)


def test_a_calendar_reads_each_year_once(calendar_2026, django_assert_num_queries):
    cal = WorkingCalendar()
    with django_assert_num_queries(1):
        for offset in range(200):
            cal.is_working_day(date(2026, 1, 1) + timedelta(days=offset))


def test_load_year_2026_is_idempotent_and_keeps_admin_rows(db):
    first = calendar.load_year(2026)
    assert first.created > 0 and first.holidays > 0 and first.makeup_days == 6
    again = calendar.load_year(2026)
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert again.unchanged == first.created
    row = WorkingDay.objects.get(date=date(2026, 10, 10), region__isnull=True)
    assert row.is_working and row.note == "National Day" and row.source == CalendarSource.OFFICIAL


def test_load_year_corrects_and_removes_what_the_package_no_longer_says(db):
    calendar.load_year(2026)
    WorkingDay.objects.filter(date=date(2026, 10, 10), region__isnull=True).update(is_working=False)
    WorkingDay.objects.create(date=date(2026, 11, 11), is_working=False, note="x", source=CalendarSource.OFFICIAL)
    result = calendar.load_year(2026)
    assert (result.updated, result.removed) == (1, 1)
    assert is_working_day(date(2026, 10, 10)) and is_working_day(date(2026, 11, 11))


def test_load_year_without_official_data_says_so(db):
    with pytest.raises(CalendarDataMissing) as err:
        calendar.load_year(2027)
    assert "2027" in str(err.value)
    assert not WorkingDay.objects.exists()
