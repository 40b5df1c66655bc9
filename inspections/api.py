"""The seven goods in the API (/api/inspections): the county's sheet versions and board shares, a village's rounds,
the households' inspections (multipart, a photo per deduction as ``p_<detail id>``), publication, the board and the
reinspection. The same selectors and services as the pages: outside the actor's scope 404, bad input 422 with the
service's Chinese message, nothing written."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Form, Router, Schema

from core import scope
from core.api_types import MAX_INT, Id, Quarter, Year
from core.errors import DomainError, NotFound, PermissionDenied
from core.roles import Action
from inspections import selectors, services
from inspections.models import Inspection, Round, Sheet
from regions.models import Region, RegionLevel

router = Router(tags=["inspections"])

Points = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]


def _require(actor, action):
    if not scope.can(actor, action):
        raise PermissionDenied()


# -- schemas -----------------------------------------------------------------------------------------------------


class SevenDetailIO(Schema):
    id: Id | None = None
    text: str = Field(max_length=300)
    points: Points


class SevenHeadingIO(Schema):
    name: str = Field(max_length=100)
    points: Points
    details: list[SevenDetailIO] = Field(max_length=50)


class SevenSheetOut(Schema):
    id: int
    county: int
    number: int
    title: str
    total: int
    effective_from: date
    retired_on: date | None
    in_force: bool
    headings: list[SevenHeadingIO] | None = None


class SevenSheetIn(Schema):
    county: Id
    title: str = Field(max_length=200)
    total: Points
    headings: list[SevenHeadingIO] = Field(max_length=20)
    effective_from: date | None = None
    note: str = Field("", max_length=600)


class SevenRetireIn(Schema):
    retired_on: date | None = None


class SevenPolicyIO(Schema):
    praise_percent: str = Field(max_length=10)
    exposure_percent: str = Field(max_length=10)
    group_percent: str = Field(max_length=10)


class SevenRoundIn(Schema):
    village: Id
    year: Year
    quarter: Quarter


class SevenGroupProgressOut(Schema):
    group: int | None
    name: str
    households: int
    inspected: int


class SevenRoundOut(Schema):
    id: int
    village: int
    village_name: str
    year: int
    quarter: int
    sheet: int
    sheet_version: int
    state: str
    published_at: str | None
    progress: list[SevenGroupProgressOut] | None = None


class SevenDeductionOut(Schema):
    detail: int
    points: int
    photo_url: str


class SevenInspectionOut(Schema):
    id: int
    household: int
    household_number: str
    head_name: str
    group: int | None
    kind: str
    score: int
    note: str
    inspected_at: str
    rank: int | None
    board: str
    rectified: bool | None
    deductions: list[SevenDeductionOut]


class SevenBoardRowOut(Schema):
    inspection: int
    household: int
    household_number: str
    head_name: str
    group: str
    score: int
    rank: int
    board: str
    recheck_score: int | None
    rectified: bool | None


class SevenGroupRowOut(Schema):
    group: int
    name: str
    inspected: int
    mean: float
    rank: int
    board: str


class SevenBoardOut(Schema):
    round: int
    published: bool
    praise_percent: str
    exposure_percent: str
    group_percent: str
    praise_size: int
    exposure_size: int
    praise: list[SevenBoardRowOut]
    exposure: list[SevenBoardRowOut]
    ranked: list[SevenBoardRowOut]
    not_inspected: list[int]
    groups: list[SevenGroupRowOut]


class SevenSummaryOut(Schema):
    village: int
    village_name: str
    households: int
    round: int | None
    state: str | None
    inspected: int
    mean: float | None
    praise: int
    exposure: int
    rechecked: int
    rectified: int


# -- shapes ------------------------------------------------------------------------------------------------------


def _sheet(sheet: Sheet, *, full: bool = False) -> dict:
    out = {
        "id": sheet.pk,
        "county": sheet.county_id,
        "number": sheet.number,
        "title": sheet.title,
        "total": sheet.total,
        "effective_from": sheet.effective_from,
        "retired_on": sheet.retired_on,
        "in_force": sheet.in_force(timezone.localdate()),
    }
    if full:
        out["headings"] = [
            {
                "name": h.name,
                "points": h.points,
                "details": [{"id": d.pk, "text": d.text, "points": d.points} for d in h.details.all()],
            }
            for h in selectors.sheet_headings(sheet)
        ]
    return out


def _round(rnd: Round, progress=None) -> dict:
    out = {
        "id": rnd.pk,
        "village": rnd.village_id,
        "village_name": rnd.village.name,
        "year": rnd.year,
        "quarter": rnd.quarter,
        "sheet": rnd.sheet_id,
        "sheet_version": rnd.sheet.number,
        "state": rnd.state,
        "published_at": rnd.published_at.isoformat() if rnd.published_at else None,
    }
    if progress is not None:
        out["progress"] = [
            {"group": g.group_id, "name": g.name, "households": g.households, "inspected": g.inspected}
            for g in progress
        ]
    return out


def _inspection(i: Inspection) -> dict:
    from django.urls import reverse

    return {
        "id": i.pk,
        "household": i.household_id,
        "household_number": i.household.number,
        "head_name": i.household.head_name,
        "group": i.group_id,
        "kind": i.kind,
        "score": i.score,
        "note": i.note,
        "inspected_at": i.inspected_at.isoformat(),
        "rank": i.rank,
        "board": i.board,
        "rectified": i.rectified,
        "deductions": [
            {"detail": d.detail_id, "points": d.points, "photo_url": reverse("inspections:photo", args=[d.pk])}
            for d in i.deductions.all()
        ],
    }


def _board_row(row) -> dict:
    i = row.inspection
    return {
        "inspection": i.pk,
        "household": i.household_id,
        "household_number": i.household.number,
        "head_name": i.household.head_name,
        "group": i.group.name if i.group_id else "",
        "score": i.score,
        "rank": row.rank,
        "board": row.board,
        "recheck_score": row.recheck.score if row.recheck else None,
        "rectified": row.recheck.rectified if row.recheck else None,
    }


def _county(actor, pk) -> Region:
    county = Region.objects.filter(pk=pk, level=RegionLevel.COUNTY).first()
    if county is None or county.pk not in selectors.reading_county_ids(actor):
        raise NotFound()
    return county


def _deductions_json(text: str) -> dict:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise DomainError({"deductions": _msg_deductions()})
    return value


def _msg_deductions():
    from django.utils.translation import gettext as _

    return _('Give the deductions as a JSON object of detail id to points, e.g. {"12": 2}.')


def _photos(request) -> dict:
    out = {}
    for key, upload in request.FILES.items():
        if key.startswith("p_"):
            try:
                out[int(key[2:])] = upload
            except ValueError:
                continue
    return out


# -- the sheet ---------------------------------------------------------------------------------------------------


@router.get(
    "/sheets", response=list[SevenSheetOut], summary=gettext_lazy("The scoring sheet versions of the actor's counties")
)
def sheet_list(request, county: Id | None = None):
    qs = selectors.sheets(request.auth)
    if county:
        qs = qs.filter(county_id=county)
    return [_sheet(s) for s in qs.order_by("county_id", "-number")[:200]]


@router.get(
    "/sheets/{sheet_id}", response=SevenSheetOut, summary=gettext_lazy("A version with its headings and details")
)
def sheet_get(request, sheet_id: Id):
    return _sheet(selectors.sheet(request.auth, sheet_id), full=True)


@router.post(
    "/sheets", response={201: SevenSheetOut}, summary=gettext_lazy("Write a new version of the county's sheet")
)
def sheet_create(request, payload: SevenSheetIn):
    actor = request.auth
    county = _county(actor, payload.county)
    sheet = services.sheet_create(
        actor=actor,
        county=county,
        title=payload.title,
        total=payload.total,
        headings=[h.dict() for h in payload.headings],
        effective_from=payload.effective_from,
        note=payload.note,
    )
    return 201, _sheet(sheet, full=True)


@router.post("/sheets/{sheet_id}/retire", response=SevenSheetOut, summary=gettext_lazy("Retire a version"))
def sheet_retire(request, sheet_id: Id, payload: SevenRetireIn):
    sheet = selectors.sheet(request.auth, sheet_id)
    return _sheet(services.sheet_retire(actor=request.auth, sheet=sheet, retired_on=payload.retired_on))


@router.get("/policies/{county_id}", response=SevenPolicyIO, summary=gettext_lazy("The county's board shares"))
def policy_get(request, county_id: Id):
    p = selectors.policy(_county(request.auth, county_id).pk)
    return {k: str(getattr(p, k).normalize()) for k in ("praise_percent", "exposure_percent", "group_percent")}


@router.put("/policies/{county_id}", response=SevenPolicyIO, summary=gettext_lazy("Set the county's board shares"))
def policy_set(request, county_id: Id, payload: SevenPolicyIO):
    county = _county(request.auth, county_id)
    p = services.policy_set(actor=request.auth, county=county, **payload.dict())
    return {k: str(getattr(p, k).normalize()) for k in ("praise_percent", "exposure_percent", "group_percent")}


# -- rounds ------------------------------------------------------------------------------------------------------


@router.get("/rounds", response=list[SevenRoundOut], summary=gettext_lazy("The rounds of the actor's villages"))
def round_list(request, village: Id | None = None, year: Year | None = None, quarter: Quarter | None = None):
    _require(request.auth, Action.INSPECTION_VIEW)
    qs = selectors.rounds(request.auth)
    for key, value in (("village_id", village), ("year", year), ("quarter", quarter)):
        if value:
            qs = qs.filter(**{key: value})
    return [_round(r) for r in qs.order_by("-year", "-quarter", "village__code")[:500]]


@router.post("/rounds", response={201: SevenRoundOut}, summary=gettext_lazy("Open a village's quarter"))
def round_open(request, payload: SevenRoundIn):
    _require(request.auth, Action.INSPECTION_PUBLISH)
    rnd = services.round_open(actor=request.auth, village=payload.village, year=payload.year, quarter=payload.quarter)
    return 201, _round(rnd)


@router.get(
    "/rounds/{round_id}", response=SevenRoundOut, summary=gettext_lazy("A round with its progress by village group")
)
def round_get(request, round_id: Id):
    _require(request.auth, Action.INSPECTION_VIEW)
    rnd = selectors.round_for(request.auth, round_id)
    return _round(rnd, selectors.progress(request.auth, rnd))


@router.post(
    "/rounds/{round_id}/publish",
    response=SevenRoundOut,
    summary=gettext_lazy("Publish the boards (the round is frozen)"),
)
def round_publish(request, round_id: Id, notice: bool = False):
    _require(request.auth, Action.INSPECTION_PUBLISH)
    rnd = selectors.round_for(request.auth, round_id, Action.INSPECTION_PUBLISH)
    return _round(services.round_publish(actor=request.auth, round=rnd, notice=notice))


@router.get(
    "/rounds/{round_id}/inspections", response=list[SevenInspectionOut], summary=gettext_lazy("The round's inspections")
)
def inspection_list(request, round_id: Id):
    _require(request.auth, Action.INSPECTION_VIEW)
    rnd = selectors.round_for(request.auth, round_id)
    qs = Inspection.objects.filter(round=rnd).select_related("household").prefetch_related("deductions")
    return [_inspection(i) for i in qs.order_by("kind", "-score", "household__number")]


@router.post(
    "/rounds/{round_id}/inspections",
    response=SevenInspectionOut,
    summary=gettext_lazy("Score a household (multipart: deductions as JSON, a photo per deduction as p_<detail id>)"),
)
def inspection_save(request, round_id: Id, household: Form[Id], deductions: Form[str] = "", note: Form[str] = ""):
    _require(request.auth, Action.INSPECTION_RECORD)
    rnd = selectors.round_for(request.auth, round_id, Action.INSPECTION_RECORD)
    i = services.inspection_save(
        actor=request.auth,
        round=rnd,
        household=household,
        deductions=_deductions_json(deductions),
        photos=_photos(request),
        note=note,
    )
    return _inspection(Inspection.objects.select_related("household").get(pk=i.pk))


@router.get(
    "/rounds/{round_id}/board", response=SevenBoardOut, summary=gettext_lazy("The boards (as published, or a preview)")
)
def board_get(request, round_id: Id):
    _require(request.auth, Action.INSPECTION_VIEW)
    data = selectors.board(selectors.round_for(request.auth, round_id))
    return {
        "round": data.round.pk,
        "published": not data.preview,
        "praise_percent": str(data.praise_percent),
        "exposure_percent": str(data.exposure_percent),
        "group_percent": str(data.group_percent),
        "praise_size": data.praise_size,
        "exposure_size": data.exposure_size,
        "praise": [_board_row(r) for r in data.praise],
        "exposure": [_board_row(r) for r in data.exposure],
        "ranked": [_board_row(r) for r in data.rows],
        "not_inspected": [h.pk for h in data.not_inspected],
        "groups": [
            {
                "group": g.group_id,
                "name": g.name,
                "inspected": g.inspected,
                "mean": g.mean,
                "rank": g.rank,
                "board": g.board,
            }
            for g in data.groups
        ],
    }


@router.post(
    "/inspections/{inspection_id}/recheck",
    response=SevenInspectionOut,
    summary=gettext_lazy("Reinspect a household on the exposure board (整改后复查)"),
)
def recheck_save(
    request,
    inspection_id: Id,
    deductions: Form[str] = "",
    note: Form[str] = "",
    rectified: Form[bool | None] = None,
):
    _require(request.auth, Action.INSPECTION_RECORD)
    row = services.recheck_save(
        actor=request.auth,
        inspection=inspection_id,
        deductions=_deductions_json(deductions),
        photos=_photos(request),
        note=note,
        rectified=rectified,
    )
    return _inspection(Inspection.objects.select_related("household").get(pk=row.pk))


@router.get("/summary", response=list[SevenSummaryOut], summary=gettext_lazy("The quarter across the actor's villages"))
def summary(request, year: Year, quarter: Quarter):
    _require(request.auth, Action.INSPECTION_VIEW)
    return [
        {
            "village": r.village.pk,
            "village_name": r.village.name,
            "households": r.households,
            "round": r.round.pk if r.round else None,
            "state": r.round.state if r.round else None,
            "inspected": r.inspected,
            "mean": r.mean,
            "praise": r.praise,
            "exposure": r.exposure,
            "rechecked": r.rechecked,
            "rectified": r.rectified,
        }
        for r in selectors.summary(request.auth, year, quarter)
    ]
