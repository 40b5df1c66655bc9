"""Mutual-aid API (/api/mutualaid): the village's fund (balance, ledger, contributions, reversals), the amount
bands, applications (the caller's, those waiting for them, a new one), the publication of payouts and the figures.
An application is read and its steps taken through the generic case API (``GET /api/casework/cases/mutualaid/<id>``,
``POST …/steps/<step>``, casework.api), to which ``application_detail`` adds its own facts. Amounts are texts of
a decimal in yuan ("1200.00"), so no float rounds them."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from core.api_types import Id, Year
from mutualaid import figures as calc
from mutualaid import fund, selectors, services
from mutualaid.flows import MUTUAL_AID, OPEN

router = Router(tags=["mutualaid"])

Amount = str


class AidEntryOut(Schema):
    id: int
    kind: str
    kind_label: str
    source: str
    amount: str
    on: date
    donor: str
    note: str
    application: int | None
    reverses: int | None
    reversed: bool


class AidFundOut(Schema):
    village: int
    village_name: str
    balance: str
    money_in: str
    money_out: str
    by_source: dict[str, str]
    may_keep: bool
    unpublished: int
    entries: list[AidEntryOut]


class AidContributionIn(Schema):
    village: Id
    source: str
    amount: Amount = Field(..., max_length=20)
    on: date
    donor: str = ""
    note: str = ""


class AidReverseIn(Schema):
    reason: str
    on: date | None = None


class AidBandIn(Schema):
    village: Id
    name: str
    up_to: Amount = Field(..., max_length=20)
    note: str = ""


class AidBandOut(Schema):
    id: int
    village: int
    name: str
    up_to: str
    note: str


class AidApplicationIn(Schema):
    person: Id
    village: Id | None = None
    reason: str
    amount_asked: Amount = Field(..., max_length=20)
    situation: str


class AidApplicationRow(Schema):
    id: int
    number: str
    village: str
    person: str
    reason: str
    reason_label: str
    amount_asked: str
    approved_amount: str | None
    state: str
    state_label: str
    deadline_at: str | None
    overdue: bool


class AidApplicationLists(Schema):
    waiting: list[AidApplicationRow]
    visible: list[AidApplicationRow]


class AidPublishIn(Schema):
    village: Id


class AidPublishOut(Schema):
    notice: int


def _entry(e) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "source": e.source,
        "amount": str(e.amount),
        "on": e.on,
        "donor": e.donor,
        "note": e.note,
        "application": e.application_id,
        "reverses": e.reverses_id,
        "reversed": hasattr(e, "reversed_by"),
    }


def _band(b) -> dict:
    return {"id": b.pk, "village": b.village_id, "name": b.name, "up_to": str(b.up_to), "note": b.note}


def _row(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "village": c.village.name,
        "person": c.person.name,
        "reason": c.reason,
        "reason_label": c.get_reason_display(),
        "amount_asked": str(c.amount_asked),
        "approved_amount": None if c.approved_amount is None else str(c.approved_amount),
        "state": c.state,
        "state_label": MUTUAL_AID.state_label(c.state),
        "deadline_at": c.deadline_at.isoformat() if c.deadline_at and not c.closed_at else None,
        "overdue": c.overdue,
    }


def application_detail(request, case) -> dict:
    """What the generic case API adds for an application (Flow.detail)."""
    return {
        **_row(case),
        "household": case.household.number,
        "group": case.group.name if case.group_id else None,
        "situation": case.situation,
        "band": case.band_name,
        "decline_reason": case.decline_reason,
        "paid_on": case.paid_on.isoformat() if case.paid_on else None,
        "notice": case.notice_id,
        "on_behalf": case.on_behalf,
    }


def fund_data(actor, village) -> dict:
    money = fund.totals(selectors.ledger(village.pk))
    return {
        "village": village.pk,
        "village_name": village.name,
        "balance": str(fund.balance(village.pk)),
        "money_in": str(money["in"]),
        "money_out": str(money["out"]),
        "by_source": {k: str(v) for k, v in money["by_source"].items()},
        "may_keep": services.may_keep(actor, village.pk),
        "unpublished": services.unpublished(village.pk).count(),
        "entries": [],
    }


@router.get(
    "/fund",
    response=AidFundOut,
    summary=gettext_lazy("A village's mutual-aid fund: balance and ledger (format=xlsx: the ledger as a workbook)"),
)
def fund_read(request, village: Id | None = None, format: str = ""):
    found = selectors.fund_village(request.auth, village)
    if format == "xlsx":
        return calc.ledger_download(found, selectors.ledger(found.pk))
    data = fund_data(request.auth, found)
    data["entries"] = [_entry(e) for e in selectors.ledger(found.pk)[:500]]
    return data


@router.post("/fund/contributions", response={201: AidEntryOut}, summary=gettext_lazy("Record a contribution"))
def contribution_record(request, payload: AidContributionIn):
    entry = services.contribution_record(actor=request.auth, **payload.dict())
    return 201, _entry(entry)


@router.post(
    "/fund/entries/{int:entry_id}/reverse",
    response={201: AidEntryOut},
    summary=gettext_lazy("Reverse an entry of the fund (correction)"),
)
def entry_reverse(request, entry_id: Id, payload: AidReverseIn):
    entry = selectors.entry_for(request.auth, entry_id)
    return 201, _entry(services.entry_reverse(actor=request.auth, entry=entry, reason=payload.reason, on=payload.on))


@router.get("/bands", response=list[AidBandOut], summary=gettext_lazy("A village's amount bands"))
def band_list(request, village: Id | None = None):
    found = selectors.fund_village(request.auth, village)
    return [_band(b) for b in selectors.bands(found.pk)]


@router.post("/bands", response={201: AidBandOut}, summary=gettext_lazy("Add an amount band"))
def band_add(request, payload: AidBandIn):
    return 201, _band(services.band_add(actor=request.auth, **payload.dict()))


@router.post("/bands/{int:band_id}/remove", response={204: None}, summary=gettext_lazy("Remove an amount band"))
def band_remove(request, band_id: Id):
    services.band_remove(actor=request.auth, band=selectors.band_for(request.auth, band_id))
    return 204, None


@router.get(
    "/applications",
    response=AidApplicationLists,
    summary=gettext_lazy("The caller's applications: waiting for them, and all they may see"),
)
def application_lists(request, state: str = "", open_only: bool = False):
    actor = request.auth
    rows = selectors.visible(actor).order_by("-opened_at", "-pk")
    if state:
        rows = rows.filter(state=state)
    if open_only:
        rows = rows.filter(state__in=OPEN)
    return {
        "waiting": [_row(c) for c in selectors.waiting_for(actor)],
        "visible": [_row(c) for c in rows[:200]],
    }


@router.post("/applications", response={201: AidApplicationRow}, summary=gettext_lazy("Apply for mutual aid"))
def application_make(request, payload: AidApplicationIn):
    case = services.application_make(actor=request.auth, **payload.dict())
    return 201, _row(case)


@router.post(
    "/publish",
    response={201: AidPublishOut},
    summary=gettext_lazy("Publish the payouts not yet on the village's notice board"),
)
def payouts_publish(request, payload: AidPublishIn):
    notice = services.payouts_publish(actor=request.auth, village=payload.village)
    return 201, {"notice": notice.pk}


@router.get(
    "/figures",
    summary=gettext_lazy("The figures of mutual aid for a place and a year (format=xlsx: the workbook)"),
)
def figures(request, region: Id | None = None, year: Year | None = None, format: str = ""):
    from django.utils import timezone

    place = calc.place(request.auth, region)
    year = year or timezone.localdate().year
    result = calc.figures(place, year)
    if format == "xlsx":
        return calc.download(result)
    return calc.as_dict(result)
