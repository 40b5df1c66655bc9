"""Mediation API (/api/mediation): recording a dispute, the caller's disputes (queue, board, own), the bodies with
their mediator pools and expert banks. A dispute is read and its steps taken through the generic case API
(``GET /api/casework/cases/mediation/<id>``, ``POST …/steps/<step>``, casework.api), to which ``dispute_detail``
adds the parties, the mediators and the agreement. A dispute the caller may not see is 404, as a missing one."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from core import scope
from core.api_types import Id
from core.errors import PermissionDenied
from mediation import selectors, services
from mediation.flows import MEDIATION
from mediation.models import Dispute, Mediator
from regions.models import Region, RegionLevel

router = Router(tags=["mediation"])


class PartyIn(Schema):
    role: str
    name: str = ""
    phone: str = ""
    address: str = ""
    person: Id | None = None


class DisputeIn(Schema):
    village: Id
    title: str
    kind: str
    facts: str
    claims: str = ""
    amount: str | None = Field(None, max_length=20)
    source: str = "walk_in"
    referral_body: str = ""
    referral_number: str = ""
    received_on: date | None = None
    body: Id | None = None
    preferred: Id | None = None
    incident: Id | None = None
    parties: list[PartyIn]


class DisputeRow(Schema):
    id: int
    number: str
    title: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    body: str
    risk: str
    received_on: date
    deadline_at: str | None
    overdue: bool


class DisputeLists(Schema):
    queue: list[DisputeRow]
    risk_board: list[DisputeRow]
    mine: list[DisputeRow]


class BodyIn(Schema):
    region: Id | None = None
    kind: str = ""
    name: str
    field: str = ""
    address: str = ""
    phone: str = ""
    active: bool = True


class BodyOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    field: str
    region: str
    address: str
    phone: str
    active: bool


class MediatorIn(Schema):
    name: str
    title: str
    phone: str = ""
    username: str = ""
    expertise: str = ""
    profile: str = ""
    available: bool = True
    active: bool = True


class MediatorOut(Schema):
    id: int
    body: int
    name: str
    title: str
    title_label: str
    expertise: str
    profile: str
    available: bool
    active: bool
    has_account: bool


class StatRow(Schema):
    label: str
    counts: dict[str, int]
    rates: dict[str, float | None]
    amount_agreed: str


class StatsOut(Schema):
    by: str
    start: date
    end: date
    rows: list[StatRow]
    total: StatRow
    definitions: dict[str, str]


def _stat(row) -> dict:
    rates = {k: (round(v, 1) if v is not None else None) for k, v in row.rates.items()}
    return {"label": row.label, "counts": row.counts, "rates": rates, "amount_agreed": f"{row.amount:.2f}"}


def _row(d: Dispute) -> dict:
    return {
        "id": d.pk,
        "number": d.number,
        "title": d.title,
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "state": d.state,
        "state_label": MEDIATION.state_label(d.state),
        "body": d.body.name,
        "risk": d.risk,
        "received_on": d.received_on,
        "deadline_at": d.deadline_at.isoformat() if d.deadline_at else None,
        "overdue": d.overdue,
    }


def _body(b) -> dict:
    return {
        "id": b.pk,
        "name": b.name,
        "kind": b.kind,
        "kind_label": b.get_kind_display(),
        "field": b.field,
        "region": str(b.level_region),
        "address": b.address,
        "phone": b.phone,
        "active": b.active,
    }


def _mediator(m: Mediator) -> dict:
    return {
        "id": m.pk,
        "body": m.body_id,
        "name": m.name,
        "title": m.title,
        "title_label": m.get_title_display(),
        "expertise": m.expertise,
        "profile": m.profile,
        "available": m.available,
        "active": m.active,
        "has_account": m.user_id is not None,
    }


def dispute_detail(request, case) -> dict:
    """What the generic case API adds for a dispute (Flow.detail)."""
    return {
        "number": case.number,
        "title": case.title,
        "kind": case.kind,
        "source": case.source,
        "referral_body": case.referral_body,
        "referral_number": case.referral_number,
        "facts": case.facts,
        "claims": case.claims,
        "amount": str(case.amount) if case.amount is not None else None,
        "received_on": case.received_on.isoformat(),
        "body": _body(case.body),
        "risk": case.risk,
        "hearing": case.hearing,
        "parties": [
            {"id": p.pk, "role": p.role, "name": p.name, "signed_on": p.signed_on.isoformat() if p.signed_on else None}
            for p in case.parties.all()
        ],
        "mediators": [_mediator(m) for m in case.mediators.all()],
        "agreement": {
            "form": case.agreement_form,
            "facts": case.agreed_facts,
            "terms": case.terms,
            "perform_how": case.perform_how,
            "perform_by": case.perform_by.isoformat() if case.perform_by else None,
            "effective_on": case.effective_on.isoformat() if case.effective_on else None,
            "confirmation_due": case.confirmation_due.isoformat() if case.confirmation_due else None,
            "confirmation": case.confirmation,
            "performance": case.performance,
        },
        "outcome": case.outcome,
    }


@router.post("/disputes", response={201: DisputeRow}, summary=gettext_lazy("Record a dispute, or apply for mediation"))
def dispute_record(request, payload: DisputeIn):
    village = Region.objects.filter(pk=payload.village, level=RegionLevel.VILLAGE).first()
    data = payload.dict()
    data.pop("village")
    dispute = services.dispute_record(actor=request.auth, village=village, **data)
    return 201, _row(dispute)


@router.get(
    "/disputes",
    response=DisputeLists,
    summary=gettext_lazy("The caller's disputes: to mediate, to supervise, their own"),
)
def dispute_lists(request):
    actor = request.auth
    return {
        "queue": [_row(d) for d in selectors.working_queue(actor)[:200]],
        "risk_board": [_row(d) for d in selectors.risk_board(actor)[:200]],
        "mine": [_row(d) for d in selectors.my_disputes(actor)[:200]],
    }


@router.get("/bodies", response=list[BodyOut], summary=gettext_lazy("The mediation bodies of the caller's county"))
def body_list(request):
    return [_body(b) for b in selectors.bodies(request.auth)]


@router.post("/bodies", response={201: BodyOut}, summary=gettext_lazy("Add a mediation body"))
def body_create(request, payload: BodyIn):
    region = Region.objects.filter(pk=payload.region).first() if payload.region else None
    data = payload.dict(exclude={"region", "active"})
    return 201, _body(services.body_create(actor=request.auth, region=region, **data))


@router.put("/bodies/{int:body_id}", response=BodyOut, summary=gettext_lazy("Change a mediation body"))
def body_update(request, body_id: Id, payload: BodyIn):
    found = selectors.body(request.auth, body_id)
    data = payload.dict(exclude={"region", "kind"})
    return _body(services.body_update(actor=request.auth, body=found, **data))


@router.get(
    "/bodies/{int:body_id}/mediators",
    response=list[MediatorOut],
    summary=gettext_lazy("A body's mediators and experts"),
)
def mediator_list(request, body_id: Id):
    found = selectors.body(request.auth, body_id)
    return [_mediator(m) for m in selectors.pool(request.auth, body_id=found.pk)]


@router.post(
    "/bodies/{int:body_id}/mediators", response={201: MediatorOut}, summary=gettext_lazy("Add a mediator or an expert")
)
def mediator_add(request, body_id: Id, payload: MediatorIn):
    found = selectors.body(request.auth, body_id)
    return 201, _mediator(services.mediator_add(actor=request.auth, body=found, **payload.dict()))


@router.put(
    "/mediators/{int:mediator_id}", response=MediatorOut, summary=gettext_lazy("Change a mediator or an expert")
)
def mediator_update(request, mediator_id: Id, payload: MediatorIn):
    found = selectors.mediator(request.auth, mediator_id)
    return _mediator(services.mediator_update(actor=request.auth, mediator=found, **payload.dict()))


@router.get(
    "/statistics",
    response=StatsOut,
    summary=gettext_lazy("Mediation statistics for a period (aggregates only): by type, level, source or mediator"),
)
def stats(request, start: date | None = None, end: date | None = None, by: str = "kind"):
    from mediation import statistics

    if not selectors.may_count(request.auth):
        raise PermissionDenied()
    start, end, by = statistics.period(
        {"start": start.isoformat() if start else "", "end": end.isoformat() if end else "", "by": by}
    )
    result = statistics.table(selectors.statistics_scope(request.auth), start=start, end=end, by=by)
    return {
        "by": by,
        "start": start,
        "end": end,
        "rows": [_stat(r) for r in result.rows],
        "total": _stat(result.total),
        "definitions": {str(term): str(text) for term, text in statistics.DEFINITIONS},
    }


class SubsidyRateIn(Schema):
    county: Id | None = None
    kind: str = ""
    difficulty: str
    amount: str | None = Field(None, max_length=20)


class SubsidyRateOut(Schema):
    kind: str
    difficulty: str
    amount: str | None


class SubsidyLine(Schema):
    mediator: str
    body: str
    cases: list[dict]
    total: str


class SubsidiesOut(Schema):
    month: str
    lines: list[SubsidyLine]
    unrated: list[str]
    total: str


@router.put(
    "/subsidy-rates",
    response=SubsidyRateOut,
    summary=gettext_lazy("Set a per-case subsidy rate (blank amount: remove)"),
)
def subsidy_rate_set(request, payload: SubsidyRateIn):
    counties = selectors.subsidy_counties(request.auth)
    county = next((c for c in counties if payload.county in (None, c.pk)), None)
    data = payload.dict(exclude={"county"})
    rate = services.subsidy_rate_set(actor=request.auth, county=county, **data)
    return {"kind": data["kind"], "difficulty": data["difficulty"], "amount": f"{rate.amount:.2f}" if rate else None}


@router.get("/subsidies", response=SubsidiesOut, summary=gettext_lazy("The month's per-case subsidies by mediator"))
def subsidy_month(request, month: str = ""):
    from mediation import subsidies

    if not selectors.may_list_subsidies(request.auth):
        raise PermissionDenied()
    result = subsidies.month_list(selectors.subsidy_scope(request.auth), subsidies.month_param(month))
    return {
        "month": result.month.strftime("%Y-%m"),
        "lines": [
            {
                "mediator": line.mediator,
                "body": line.body,
                "cases": [
                    {"number": n, "kind": k, "difficulty": dff, "amount": f"{p:.2f}"} for n, k, dff, p in line.cases
                ],
                "total": f"{line.total:.2f}",
            }
            for line in result.lines
        ],
        "unrated": [d.number for d in result.unrated],
        "total": f"{result.total:.2f}",
    }


class LocalKindIn(Schema):
    county: Id | None = None
    code: str = Field(max_length=16)
    name: str = Field(max_length=40)
    active: bool = True


class LocalKindOut(Schema):
    code: str
    name: str
    active: bool


@router.get(
    "/dispute-types", response=list[LocalKindOut], summary=gettext_lazy("The types of dispute offered in your county")
)
def dispute_types(request):
    from mediation.models import LocalKind, kind_choices

    counties = scope.county_ids(request.auth)
    added = {k.code: k.active for k in LocalKind.objects.filter(county_id__in=counties)}
    rows = {code: label for county in counties for code, label in kind_choices(county, active_only=False)}
    return [{"code": c, "name": str(n), "active": added.get(c, True)} for c, n in rows.items()]


@router.put(
    "/dispute-types", response=LocalKindOut, summary=gettext_lazy("Add a type of dispute to the county, or change one")
)
def dispute_type_set(request, payload: LocalKindIn):
    counties = selectors.subsidy_counties(request.auth)
    county = next((c for c in counties if payload.county in (None, c.pk)), None)
    found = services.local_kind_set(actor=request.auth, county=county, **payload.dict(exclude={"county"}))
    return {"code": found.code, "name": found.name, "active": found.active}
