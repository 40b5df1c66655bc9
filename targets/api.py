"""The target lists through the API (/api/targets): the lists and their figures, issuing a list, adding a task, the
year-end report; a task's steps (progress, done) go through the generic case API (/api/casework/cases/targets/…)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from core import scope
from core.api_types import Id, Year
from core.errors import NotFound, PermissionDenied
from core.roles import Action
from regions.models import Region, RegionLevel
from targets import report as report_module
from targets import selectors, services

router = Router(tags=["targets"])


class TargetTaskIn(Schema):
    text: str = Field(max_length=600)
    due_date: date
    owner: str = Field("", max_length=120)
    measure: str = Field("", max_length=600)


class TargetListIn(Schema):
    year: Year
    unit_kind: str = Field(max_length=12, description="department, township or village")
    unit: Id = Field(description="The department's or the region's id.")
    title: str = Field("", max_length=240)
    items: list[TargetTaskIn] = Field(max_length=services.MAX_ITEMS)


class TargetTaskOut(Schema):
    id: int
    order: int
    text: str
    owner: str
    measure: str
    due_date: date
    state: str
    overdue: bool
    percent: int
    last_report: str
    done_on: date | None
    on_time: bool | None


class TargetListOut(Schema):
    id: int
    year: int
    unit_kind: str
    unit: str
    title: str
    total: int
    done: int
    on_time: int
    overdue: int


class TargetListDetail(TargetListOut):
    items: list[TargetTaskOut]


class TargetsReportOut(Schema):
    year: int
    total: int
    done: int
    on_time: int
    overdue: int
    rate: float | None
    units: list[TargetListOut]


def _task(t) -> dict:
    from django.utils import timezone

    return {
        "id": t.pk,
        "order": t.order,
        "text": t.text,
        "owner": t.owner,
        "measure": t.measure,
        "due_date": t.due_date,
        "state": t.state,
        "overdue": t.state == "open" and t.due_date < timezone.localdate(),
        "percent": t.percent,
        "last_report": t.last_report,
        "done_on": t.done_on,
        "on_time": t.on_time,
    }


def _list(r) -> dict:
    return {
        "id": r.pk,
        "year": r.year,
        "unit_kind": r.unit_kind,
        "unit": r.unit_name,
        "title": r.title,
        "total": r.total,
        "done": r.done,
        "on_time": r.on_time,
        "overdue": r.overdue,
    }


@router.get("/lists", response=list[TargetListOut], summary=gettext_lazy("The year's target lists the caller may see"))
def list_list(request, year: Year):
    return [_list(r) for r in selectors.with_counts(selectors.lists(request.auth, year)).order_by("unit_kind", "pk")]


@router.get("/lists/{int:list_id}", response=TargetListDetail, summary=gettext_lazy("A target list with its tasks"))
def list_detail(request, list_id: Id):
    found = selectors.list_for(request.auth, list_id)
    counted = selectors.with_counts(selectors.lists(request.auth).filter(pk=found.pk)).get()
    return {**_list(counted), "items": [_task(t) for t in found.items.order_by("order", "pk")]}


@router.post("/lists", response={201: TargetListOut}, summary=gettext_lazy("Issue a unit's target list for a year"))
def list_issue(request, payload: TargetListIn):
    county = Region.objects.filter(
        pk__in=scope.county_ids(request.auth, Action.TARGETS_ISSUE), level=RegionLevel.COUNTY
    ).first()
    if county is None:
        raise NotFound()
    made = services.list_issue(
        actor=request.auth,
        county=county,
        year=payload.year,
        unit_kind=payload.unit_kind,
        unit=payload.unit,
        title=payload.title,
        items=[i.dict() for i in payload.items],
    )
    return 201, _list(selectors.with_counts(selectors.lists(request.auth).filter(pk=made.pk)).get())


@router.post("/lists/{int:list_id}/items", response={201: TargetTaskOut}, summary=gettext_lazy("Add a task to a list"))
def item_add(request, list_id: Id, payload: TargetTaskIn):
    found = selectors.list_for(request.auth, list_id)
    return 201, _task(services.item_add(actor=request.auth, target_list=found, **payload.dict()))


@router.get("/report", response=TargetsReportOut, summary=gettext_lazy("The year-end completion report"))
def year_report(request, year: Year):
    if not (scope.can(request.auth, Action.TARGETS_VIEW) or scope.can(request.auth, Action.TARGETS_ISSUE)):
        raise PermissionDenied()
    data = report_module.report(request.auth, year)
    return {
        **{k: data[k] for k in ("year", "total", "done", "on_time", "overdue", "rate")},
        "units": [_list(r) for r in data["rows"]],
    }
