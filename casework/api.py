"""Working-day calendar API: read a county's calendar and compute a deadline (anyone working in the county),
enter days (its administrator). Same selectors and services as the calendar page."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from casework import selectors, services
from core import scope
from core.calendar import WorkingCalendar
from core.errors import DomainError, NotFound, PermissionDenied

router = Router(tags=["casework"])


class DayOut(Schema):
    date: date
    is_working: bool
    kind: str
    note: str
    label: str
    source: str


class CalendarOut(Schema):
    county_id: int
    year: int
    has_schedule: bool
    days: list[DayOut]


class DaysIn(Schema):
    county_id: int
    first: date
    last: date | None = None
    is_working: bool
    note: str = ""


class DeadlineOut(Schema):
    start: datetime
    working_days: int
    due: datetime


def _county(user, county_id: int | None):
    counties = selectors.counties(user)
    if not counties:
        raise PermissionDenied()
    if county_id is None:
        return counties[0]
    for county in counties:
        if county.pk == county_id:
            return county
    raise NotFound()


def _day(d) -> dict:
    return {
        "date": d.date,
        "is_working": d.is_working,
        "kind": d.kind,
        "note": d.note,
        "label": d.label,
        "source": d.source or "weekend_rule",
    }


@router.get(
    "/calendar/{int:year}",
    response=CalendarOut,
    summary="A county's holidays and make-up working days of one year (days not listed follow the weekend rule)",
)
def calendar_year(request, year: int, county_id: int | None = None):
    county = _county(request.auth, county_id)
    if not 2000 <= year <= 2100:
        raise DomainError({"year": _("Give a year from 2000 to 2100.")})
    cal = WorkingCalendar(county)
    return {
        "county_id": county.pk,
        "year": year,
        "has_schedule": cal.has_schedule(year),
        "days": [_day(d) for d in selectors.exceptions(county, year)],
    }


@router.post("/calendar/days", response=list[DayOut], summary="Enter days off or working days for a county (admin)")
def calendar_days(request, payload: DaysIn):
    county = _county(request.auth, payload.county_id)
    if not scope.region_in_scope(request.auth, services.MANAGE, county):
        raise PermissionDenied()
    services.calendar_days_set(
        actor=request.auth,
        county=county,
        first=payload.first,
        last=payload.last,
        is_working=payload.is_working,
        note=payload.note,
    )
    cal = WorkingCalendar(county)
    last = payload.last or payload.first
    days = []
    for ordinal in range(payload.first.toordinal(), last.toordinal() + 1):
        days.append(_day(selectors.day_of(cal, date.fromordinal(ordinal))))
    return days


@router.get("/calendar/deadline", response=DeadlineOut, summary="The deadline N working days after a moment")
def calendar_deadline(request, working_days: int, start: datetime | None = None, county_id: int | None = None):
    county = _county(request.auth, county_id)
    if not 0 <= working_days <= 100:
        raise DomainError({"working_days": _("Give a whole number of working days from 0 to %(max)s.") % {"max": 100}})
    start = start or timezone.now()
    return {
        "start": start,
        "working_days": working_days,
        "due": WorkingCalendar(county).add_working_days(start, working_days),
    }
