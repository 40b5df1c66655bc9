"""入户走访 through the API (/api/visits): the households owing a visit, recording a visit and linking the case
opened from it, a household's visits, the county's frequencies, the board and the overdue list. A household or
visit the caller may not see is 404, as a missing one."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from core.api_types import Id
from core.errors import NotFound, PermissionDenied
from visits import selectors, services
from visits.models import Period

router = Router(tags=["visits"])


class VisitIn(Schema):
    household: Id
    visited_on: date
    found: str = Field(max_length=4000)
    how: str = Field("home", max_length=16, description="home, phone, video or elsewhere")
    person: Id | None = None
    follow_up: str = Field("", max_length=16, description="empty, incident, dispute, service or other")
    client_key: str = Field("", max_length=64, description="the same key again returns the visit already recorded")


class VisitOut(Schema):
    id: int
    household_id: int
    household: str
    village: str
    person: str
    visited_on: date
    how: str
    how_label: str
    found: str
    problem: bool
    follow_up: str
    reference: str
    by: str
    photos: int


class LinkIn(Schema):
    reference: str = Field(max_length=120)


class OwedOut(Schema):
    household_id: int
    household: str
    head_name: str
    village: str
    grid: str
    state: str = Field(description="overdue, due or done")
    by: date | None = Field(description="due: the last day to visit; overdue: the last day of the period missed")
    period: str
    last_visit: date | None
    reasons: list[str]


class FrequencyIn(Schema):
    county: Id
    tag: Id
    period: str = Field(max_length=16, description="week, month, quarter or year")
    since: date | None = None
    active: bool = True
    note: str = Field("", max_length=400)


class FrequencyOut(Schema):
    id: int
    county_id: int
    tag_id: int
    tag: str
    period: str
    period_label: str
    since: date
    active: bool
    note: str


class BoardRow(Schema):
    township: str
    village_id: int
    village: str
    grid_id: int | None
    grid: str
    ruled: int = Field(description="households under a visit rule")
    due: int = Field(description="households owing a visit this period (overdue included)")
    overdue: int = Field(description="households whose owed period passed without a visit")


def _visit(v) -> dict:
    return {
        "id": v.pk,
        "household_id": v.household_id,
        "household": v.household.number,
        "village": v.village.name,
        "person": v.person.name if v.person_id else "",
        "visited_on": v.visited_on,
        "how": v.how,
        "how_label": str(v.get_how_display()),
        "found": v.found,
        "problem": v.problem,
        "follow_up": v.follow_up,
        "reference": v.reference,
        "by": v.by.display_name or v.by.username,
        "photos": v.photos.count(),
    }


def _owed(o) -> dict:
    h = o.household
    return {
        "household_id": h.pk,
        "household": h.number,
        "head_name": h.head_name,
        "village": h.village.name,
        "grid": h.grid.name if h.grid_id else "",
        "state": o.state,
        "by": o.by,
        "period": o.period,
        "last_visit": o.last,
        "reasons": o.reasons,
    }


def _frequency(f) -> dict:
    return {
        "id": f.pk,
        "county_id": f.county_id,
        "tag_id": f.tag_id,
        "tag": f.tag.name,
        "period": f.period,
        "period_label": str(Period(f.period).label),
        "since": f.since,
        "active": f.active,
        "note": f.note,
    }


@router.get("/due", response=list[OwedOut], summary=gettext_lazy("Households owing a visit"))
def due(request, state: Literal["due", "overdue"] = "due"):
    actor = request.auth
    if not selectors.lists(actor):
        raise PermissionDenied()
    today = timezone.localdate()
    qs = selectors.my_due(actor, today, which=state).order_by("number")[:500]
    return [_owed(o) for o in selectors.describe(actor, qs, today)]


@router.get("/overdue", response=list[OwedOut], summary=gettext_lazy("Households overdue for a visit (the board's)"))
def overdue(request):
    actor = request.auth
    if not selectors.reads_board(actor):
        raise PermissionDenied()
    today = timezone.localdate()
    qs = selectors.owing(selectors.board_place(actor), today, which="overdue").select_related("village", "grid")
    return [_owed(o) for o in selectors.describe(actor, qs.order_by("village_id", "number")[:5000], today)]


@router.post("/visits", response={201: VisitOut}, summary=gettext_lazy("Record a household visit"))
def visit_record(request, payload: VisitIn):
    visit = services.visit_record(actor=request.auth, **payload.dict())
    return 201, _visit(selectors.visit_for(request.auth, visit.pk))


@router.post(
    "/visits/upload",
    response={201: VisitOut},
    summary=gettext_lazy("Record a household visit with photos (multipart form)"),
)
def visit_record_upload(
    request,
    household: Form[str],
    visited_on: Form[str],
    found: Form[str],
    how: Form[str] = "home",
    person: Form[str] = "",
    follow_up: Form[str] = "",
    client_key: Form[str] = "",
    photos: File[list[UploadedFile]] = None,
):
    visit = services.visit_record(
        actor=request.auth,
        household=household,
        visited_on=visited_on,
        found=found,
        how=how,
        person=person or None,
        follow_up=follow_up,
        photos=photos or [],
        client_key=client_key,
    )
    return 201, _visit(selectors.visit_for(request.auth, visit.pk))


@router.get("/visits/{visit_id}", response=VisitOut, summary=gettext_lazy("A household visit"))
def visit_get(request, visit_id: Id):
    return _visit(selectors.visit_for(request.auth, visit_id))


@router.post(
    "/visits/{visit_id}/follow-up", response=VisitOut, summary=gettext_lazy("Note the case opened from a visit")
)
def visit_link(request, visit_id: Id, payload: LinkIn):
    found = selectors.visit_for(request.auth, visit_id)
    services.visit_link(actor=request.auth, visit=found, reference=payload.reference)
    return _visit(selectors.visit_for(request.auth, visit_id))


@router.get("/households/{household_id}/visits", response=list[VisitOut], summary=gettext_lazy("A household's visits"))
def household_visits(request, household_id: Id):
    rows = list(selectors.of_household(request.auth, household_id)[:200])
    if not rows and not selectors.recording_households(request.auth).filter(pk=household_id).exists():
        raise NotFound()
    return [_visit(v) for v in rows]


@router.get("/frequencies", response=list[FrequencyOut], summary=gettext_lazy("The counties' visit frequencies"))
def frequency_list(request):
    counties = selectors.reading_counties(request.auth)
    if not counties:
        raise PermissionDenied()
    return [_frequency(f) for f in selectors.frequencies(counties).order_by("county_id", "tag__code")]


@router.post("/frequencies", response={201: FrequencyOut}, summary=gettext_lazy("Set the visit frequency of a tag"))
def frequency_set(request, payload: FrequencyIn):
    from regions.models import Region

    county = Region.objects.filter(pk=payload.county).first()
    if county is None:
        raise NotFound()
    data = payload.dict(exclude={"county"})
    return 201, _frequency(services.frequency_set(actor=request.auth, county=county, **data))


@router.get("/board", response=list[BoardRow], summary=gettext_lazy("Households to visit by village and grid"))
def board(request):
    actor = request.auth
    if not selectors.reads_board(actor):
        raise PermissionDenied()
    return [
        {
            "township": r["township__name"],
            "village_id": r["village_id"],
            "village": r["village__name"],
            "grid_id": r["grid_id"],
            "grid": r["grid__name"] or "",
            "ruled": r["ruled"] or 0,
            "due": r["due"] or 0,
            "overdue": r["overdue"] or 0,
        }
        for r in selectors.board(actor, timezone.localdate())
    ]
