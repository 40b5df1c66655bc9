"""Working-day calendar API: read a county's calendar and compute a deadline (anyone working in the county),
enter days (its administrator). Same selectors and services as the calendar page."""

import json
from datetime import date, datetime
from typing import Annotated, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from casework import selectors, services, steps
from core import scope, workflow
from core.api_types import MAX_YEAR, MIN_YEAR, Id, Version, Year
from core.calendar import WorkingCalendar
from core.errors import DomainError, NotFound, PermissionDenied
from core.fields import FILES

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
    county_id: Id
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
    summary=gettext_lazy(
        "A county's holidays and make-up working days of one year (days not listed follow the weekend rule)"
    ),
)
def calendar_year(request, year: Year, county_id: Id | None = None):
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


@router.post(
    "/calendar/days", response=list[DayOut], summary=gettext_lazy("Enter days off or working days for a county (admin)")
)
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


@router.delete(
    "/calendar/days/{day}",
    response=DayOut,
    summary=gettext_lazy(
        "Remove a county's own entry for a day: the national schedule or the weekend rule applies again (admin)"
    ),
)
def calendar_day_reset(request, day: date, county_id: Id | None = None):
    county = _county(request.auth, county_id)
    if not scope.region_in_scope(request.auth, services.MANAGE, county):
        raise PermissionDenied()
    services.calendar_day_reset(actor=request.auth, county=county, day=day)
    return _day(selectors.day_of(WorkingCalendar(county), day))


@router.get(
    "/calendar/deadline", response=DeadlineOut, summary=gettext_lazy("The deadline N working days after a moment")
)
def calendar_deadline(
    request,
    working_days: Annotated[int, Field(ge=0, le=100)],
    start: datetime | None = None,
    county_id: Id | None = None,
):
    county = _county(request.auth, county_id)
    if not 0 <= working_days <= 100:
        raise DomainError({"working_days": _("Give a whole number of working days from 0 to %(max)s.") % {"max": 100}})
    if start is not None and not MIN_YEAR <= start.year <= MAX_YEAR:  # the calendar's years (a year 987 had LMT)
        raise DomainError({"start": _("Give a date from %(low)s to %(high)s.") % {"low": MIN_YEAR, "high": MAX_YEAR}})
    start = start or timezone.now()
    return {
        "start": start,
        "working_days": working_days,
        "due": WorkingCalendar(county).add_working_days(start, working_days),
    }


# -- declared steps: one read and one write for every flow -------------------------------------------------


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    help: str
    choices: list[dict] = []
    min: Any = None
    max: Any = None
    max_length: int | None = None
    max_count: int | None = None


class StepOut(Schema):
    name: str
    label: str
    confirm: str = Field("", description="Non-empty: the step cannot be undone; send confirm: true to take it.")
    waiting: str = Field("", description="Non-empty: why the step cannot be taken yet.")
    fields: list[FieldOut]


class EventOut(Schema):
    id: int
    step: str
    label: str
    from_state: str
    to_state: str
    actor: str
    at: datetime
    note: str
    data: dict
    deadline_at: datetime | None
    attachments: list[dict]


class CaseOut(Schema):
    id: int
    flow: str
    flow_label: str
    title: str
    state: str
    state_label: str
    version: int
    deadline_at: datetime | None
    overdue: bool
    opened_at: datetime | None
    closed_at: datetime | None
    url: str
    steps: list[StepOut]
    timeline: list[EventOut]


class StepIn(Schema):
    """A step's fields: at the top level or under ``data``; ``note``, the ``version`` you saw, ``confirm``."""

    note: str = ""
    version: Version | None = None
    confirm: bool = False
    data: dict = {}

    model_config = {"extra": "allow"}


def _case_out(request, case, flow) -> dict:
    actor = request.auth
    events = []
    for e in workflow.history(case):
        events.append(
            {
                "id": e.pk,
                "step": e.transition,
                "label": flow.step_label(e.transition),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor_label or (str(e.actor) if e.actor_id else _("System")),
                "at": e.at,
                "note": e.note,
                "data": e.data or {},
                "deadline_at": e.deadline_at,
                "attachments": [
                    {
                        "id": a.pk,
                        "name": a.name,
                        "size": a.size,
                        "content_type": a.content_type,
                        "url": request.build_absolute_uri(reverse("casework:attachment", args=[a.pk])),
                    }
                    for a in e.attachments.all()
                ],
            }
        )
    out = {
        "id": case.pk,
        "flow": flow.name,
        "flow_label": str(flow.label),
        "title": str(case),
        "state": case.state,
        "state_label": flow.state_label(case.state),
        "version": case.version,
        "deadline_at": case.deadline_at,
        "overdue": case.overdue,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "url": request.build_absolute_uri(workflow.case_url(case)),
        "steps": steps.describe(actor, case, flow),
        "timeline": events,
    }
    if flow.detail is None:
        return out
    # the module's own keys (Flow.detail) beside the generic ones, which the schema checks first
    detail = import_string(flow.detail) if isinstance(flow.detail, str) else flow.detail
    body = {**CaseOut.model_validate(out).model_dump(mode="json"), **detail(request, case)}
    return JsonResponse(body, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def _flow(name: str):
    try:
        return workflow.get_flow(name)
    except KeyError:
        raise NotFound() from None


@router.get(
    "/cases/{flow}/{int:case_id}",
    response=CaseOut,
    summary=gettext_lazy("A case of any procedure: its state, your steps, timeline"),
)
def case_detail(request, flow: str, case_id: Id):
    flow = _flow(flow)
    return _case_out(request, steps.find(request.auth, flow, case_id), flow)


@router.get(
    "/cases/{flow}/{int:case_id}/steps",
    response=list[StepOut],
    summary=gettext_lazy("The steps you may take on the case now, with the fields each takes"),
)
def case_steps(request, flow: str, case_id: Id):
    flow = _flow(flow)
    return steps.describe(request.auth, steps.find(request.auth, flow, case_id), flow)


def _body(request) -> tuple[dict, list]:
    """The step's fields from a JSON body, or a form (multipart with files under ``attachments``; ``files``
    and ``photos``, the names the incident app's clients send, are read too)."""
    if (request.content_type or "").lower() == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise DomainError(_("The body is not valid JSON.")) from None
        if not isinstance(body, dict):
            raise DomainError(_("The body is not valid JSON."))
        return body, []
    files = request.FILES.getlist(FILES) or request.FILES.getlist("files") or request.FILES.getlist("photos")
    return {k: v for k, v in request.POST.items()}, files


def _flag(value) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


@router.post(
    "/cases/{flow}/{int:case_id}/steps/{step}",
    response=CaseOut,
    summary=gettext_lazy(
        "Take a step: JSON, or multipart/form-data with files under attachments. Send the version you saw "
        "(refused when someone changed the case meanwhile) and confirm: true for a step that cannot be undone."
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": StepIn.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        **StepIn.model_json_schema(),
                        "properties": {
                            **StepIn.model_json_schema()["properties"],
                            FILES: {"type": "array", "items": {"type": "string", "format": "binary"}},
                        },
                    }
                },
            }
        }
    },
)
def case_step(request, flow: str, case_id: Id, step: str):
    actor = request.auth
    flow = _flow(flow)
    case = steps.find(actor, flow, case_id)
    body, files = _body(request)
    note = body.pop("note", "") or ""
    if not isinstance(note, str):
        raise DomainError({"note": _("Enter text.")})
    version = body.pop("version", None)
    if version not in (None, ""):
        try:
            version = int(str(version))
        except ValueError:
            raise DomainError({"version": _("Give a whole number.")}) from None
    else:
        version = None
    confirmed = _flag(body.pop("confirm", False))
    nested = body.pop("data", None) or {}
    if not isinstance(nested, dict):
        raise DomainError({"data": _("Send the fields as an object.")})
    data = {**body, **nested}
    data.pop("csrfmiddlewaretoken", None)
    steps.take(
        actor=actor,
        case=case,
        flow=flow,
        step=step,
        data=data,
        note=note,
        attachments=files,
        version=version,
        confirmed=confirmed,
    )
    try:
        case = steps.find(actor, flow, case.pk)
    except NotFound:  # a step that hands the case to others: show the outcome once
        pass
    return _case_out(request, case, flow)
