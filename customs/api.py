"""The 红白理事会 through the API (/api/customs): declarations, the lists of the council, the village's limits and the
year's figures; an event's steps are taken through the generic case API (/api/casework/cases/customs/{id}/…). An
event or village the caller may not see is 404, as a missing one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from core import scope
from core.api_types import Days, Id, Year
from core.errors import NotFound, PermissionDenied
from core.roles import Action
from customs import figures as figures_module
from customs import limits, selectors, services
from customs.flows import CUSTOMS
from regions.selectors import villages

router = Router(tags=["customs"])

Amount = Annotated[Decimal, Field(ge=0, le=limits.MAX_VALUE)]
Figure = Amount | None


class PlanIn(Schema):
    tables: Figure = None
    table_cost: Figure = None
    gift: Figure = None
    days: Figure = None
    performers: Figure = None
    cars: Figure = None
    bride_price: Figure = None
    bearers: Figure = None
    bearer_pay: Figure = None


class DeclareIn(Schema):
    household: Id
    kind: str = Field(max_length=16, description="wedding, funeral or feast")
    host: str = Field(max_length=100)
    event_date: date
    phone: str = Field("", max_length=40)
    place: str = Field("", max_length=240)
    plan: PlanIn = PlanIn()
    budget: Amount | None = None
    note: str = Field("", max_length=2000)


class EventRow(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    host: str
    event_date: date
    village: str
    state: str
    state_label: str
    overdue: bool
    declared_late: bool
    result: str


class LimitsIn(Schema):
    village: Id
    values: dict[str, PlanIn] = Field(description="Per kind (wedding, funeral, feast): the limit of each measure.")
    notice_days: dict[str, Days | None] = Field(default_factory=dict)
    effective_from: date | None = None
    basis: str = Field("", max_length=400)


class LimitsOut(Schema):
    id: int
    village_id: int
    version: int
    effective_from: date
    values: dict
    notice_days: dict
    basis: str


class CustomsFigureRow(Schema):
    label: str
    village_id: int | None
    counts: dict[str, int]
    within_rate: float | None
    saved: Decimal


class CustomsFiguresOut(Schema):
    year: int
    rows: list[CustomsFigureRow]
    total: CustomsFigureRow


def _row(e) -> dict:
    return {
        "id": e.pk,
        "number": e.number,
        "kind": e.kind,
        "kind_label": str(e.get_kind_display()),
        "host": e.host,
        "event_date": e.event_date,
        "village": e.village.name,
        "state": e.state,
        "state_label": str(CUSTOMS.state_label(e.state)),
        "overdue": e.overdue,
        "declared_late": e.declared_late,
        "result": e.result,
    }


def _limits(row) -> dict:
    return {
        "id": row.pk,
        "village_id": row.village_id,
        "version": row.version,
        "effective_from": row.effective_from,
        "values": row.values,
        "notice_days": row.notice_days,
        "basis": row.basis,
    }


def event_detail(request, case) -> dict:
    """What the generic case API adds for an event (Flow.detail)."""
    return {
        "number": case.number,
        "kind": case.kind,
        "host": case.host,
        "household": case.household.number,
        "event_date": case.event_date.isoformat(),
        "place": case.place,
        "plan": case.plan,
        "budget": str(case.budget) if case.budget is not None else None,
        "limits": _limits(case.limits) if case.limits_id else None,
        "declared_late": case.declared_late,
        "on_behalf": case.on_behalf,
        "advice": case.advice,
        "observed": case.observed,
        "actual": case.actual,
        "actual_cost": str(case.actual_cost) if case.actual_cost is not None else None,
        "result": case.result,
        "breaches": case.breaches,
        "saved": str(case.saved) if case.saved is not None else None,
        "referred_to_points": case.claim_id is not None,
    }


@router.post("/events", response={201: EventRow}, summary=gettext_lazy("Declare a wedding, funeral or feast"))
def event_declare(request, payload: DeclareIn):
    data = payload.dict()
    data["plan"] = payload.plan.dict()
    event = services.event_declare(actor=request.auth, **data)
    return 201, _row(event)


@router.get("/events", response=list[EventRow], summary=gettext_lazy("Weddings and funerals the caller may see"))
def event_list(request, which: str = "all", year: Year | None = None, village: Id | None = None):
    # which: all (every event the caller may see), mine, to_answer, coming or to_assess
    actor, today = request.auth, timezone.localdate()
    chosen = {
        "mine": lambda: selectors.mine(actor),
        "to_answer": lambda: selectors.to_answer(actor).order_by("opened_at"),
        "coming": lambda: selectors.coming(actor, today),
        "to_assess": lambda: selectors.to_assess(actor, today),
    }.get(which, lambda: selectors.visible(actor).order_by("-event_date", "-pk"))()
    if year:
        chosen = chosen.filter(event_date__year=year)
    if village:
        chosen = chosen.filter(village_id=village)
    return [_row(e) for e in chosen.select_related("village")[:500]]


@router.get("/limits", response=LimitsOut | None, summary=gettext_lazy("The village's limits in force"))
def limits_get(request, village: Id, on: date | None = None):
    readable = villages(request.auth, Action.CUSTOMS_RULES) | figures_module.villages_in_reach(request.auth)
    readable = readable | villages(request.auth, Action.CUSTOMS_DECLARE)
    if not readable.filter(pk=village).exists():
        raise NotFound()
    row = services.limits_in_force(village, on or timezone.localdate())
    return _limits(row) if row else None


@router.post("/limits", response={201: LimitsOut}, summary=gettext_lazy("Set new limits for the village"))
def limits_set(request, payload: LimitsIn):
    found = villages(request.auth, Action.CUSTOMS_RULES).filter(pk=payload.village).first()
    if found is None:
        raise NotFound()
    row = services.limits_set(
        actor=request.auth,
        village=found,
        values={kind: plan.dict() for kind, plan in payload.values.items()},
        notice_days=payload.notice_days,
        effective_from=payload.effective_from,
        basis=payload.basis,
    )
    return 201, _limits(row)


@router.get("/figures", response=CustomsFiguresOut, summary=gettext_lazy("The year's figures of weddings and funerals"))
def figures(request, year: Year):
    actor = request.auth
    if not (scope.can(actor, Action.CUSTOMS_FIGURES) or scope.can(actor, Action.CUSTOMS_HANDLE)):
        raise PermissionDenied()
    result = figures_module.figures(actor, year)

    def out(r):
        return {
            "label": r.label,
            "village_id": r.region_id,
            "counts": r.counts,
            "within_rate": r.within_rate,
            "saved": r.saved,
        }

    return {"year": year, "rows": [out(r) for r in result.rows], "total": out(result.total)}
