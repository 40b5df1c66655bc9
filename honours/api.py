"""The honours through the API (/api/honours): the county's boards, nominations (multipart, with photos), the
objections during the public notice, publishing a village's quarter, the people one may nominate, and the public
board of a village's quarter (no login). A nomination's steps (accept, decline, publish, dismiss, uphold, confirm)
are taken through the generic case API (/api/casework/cases/honour/{id}/…). A row the caller may not see is 404, as
a missing one."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from core import scope
from core.api_types import Id
from core.errors import NotFound, PermissionDenied
from core.params import id_param
from core.roles import Action
from honours import quarters, selectors, services
from honours.flows import HONOUR
from honours.models import Nomination, Subject
from regions.selectors import public_village

router = Router(tags=["honours"])


class HonourBoardOut(Schema):
    id: int
    code: str
    name: str
    subject: str
    description: str
    places: int
    publicity_days: int
    active: bool
    order: int


class HonourBoardIn(Schema):
    code: str = Field(max_length=24)
    name: str = Field(max_length=30)
    subject: str = Field(Subject.PERSON, description="person or household")
    description: str = Field("", max_length=200)
    places: int = Field(10, ge=1, le=50)
    publicity_days: int = Field(5, ge=1, le=30, description="working days of the public notice")
    order: int | None = Field(None, ge=0, le=999)
    active: bool = True


class HonourBoardChange(Schema):
    name: str | None = Field(None, max_length=30)
    subject: str | None = None
    description: str | None = Field(None, max_length=200)
    places: int | None = Field(None, ge=1, le=50)
    publicity_days: int | None = Field(None, ge=1, le=30)
    order: int | None = Field(None, ge=0, le=999)
    active: bool | None = None


class HonourNominationRow(Schema):
    id: int
    number: str
    board: str
    board_id: int
    name: str
    village: str
    quarter: str
    state: str
    state_label: str
    rank: int | None
    overdue: bool


class HonourObjectionIn(Schema):
    text: str = Field(max_length=1000)


class HonourObjectionOut(Schema):
    id: int
    text: str
    made_at: str
    answer: str
    upheld: bool | None
    answered_at: str | None


class HonourPublishIn(Schema):
    village: Id
    quarter: str = Field(description="year-quarter, e.g. 2026-4")


class HonourCandidate(Schema):
    id: int
    name: str
    household: str
    group: str
    village: str


class HonourPublicHonouree(Schema):
    name: str
    rank: int | None
    deeds: str
    state: str
    group: str


class HonourPublicBoard(Schema):
    board: str
    subject: str
    honourees: list[HonourPublicHonouree]


class HonourPublicQuarter(Schema):
    village: str
    quarter: str
    quarter_label: str
    boards: list[HonourPublicBoard]


def _board(b) -> dict:
    return {k: getattr(b, k) for k in ("id", "code", "name", "subject", "description", "places")} | {
        "publicity_days": b.publicity_days,
        "active": b.active,
        "order": b.order,
    }


def _row(n) -> dict:
    return {
        "id": n.pk,
        "number": n.number,
        "board": n.board.name,
        "board_id": n.board_id,
        "name": n.name,
        "village": n.village.name,
        "quarter": quarters.key(n.year, n.quarter),
        "state": n.state,
        "state_label": HONOUR.state_label(n.state),
        "rank": n.rank,
        "overdue": n.overdue,
    }


def _objection(o) -> dict:
    return {
        "id": o.pk,
        "text": o.text,
        "made_at": o.made_at.isoformat(),
        "answer": o.answer,
        "upheld": o.upheld,
        "answered_at": o.answered_at.isoformat() if o.answered_at else None,
    }


def nomination_detail(request, case) -> dict:
    """What the generic case API adds for a nomination (Flow.detail)."""
    return {
        "number": case.number,
        "board": case.board.name,
        "subject": case.board.subject,
        "name": case.name,
        "person_id": case.person_id,
        "household_id": case.household_id,
        "quarter": quarters.key(case.year, case.quarter),
        "deeds": case.deeds,
        "source": case.source,
        "rank": case.rank,
        "score": case.score,
        "opinion": case.opinion,
        "published_on": case.published_on.isoformat() if case.published_on else None,
        "confirmed_on": case.confirmed_on.isoformat() if case.confirmed_on else None,
        "objections": [_objection(o) for o in selectors.objections_of(request.auth, case)],
    }


# -- boards -----------------------------------------------------------------------------------------------------


@router.get("/boards", response=list[HonourBoardOut], summary=gettext_lazy("The county's honour boards"))
def board_list(request, county: Id | None = None):
    counties = scope.county_ids(request.auth)
    if not counties:
        raise PermissionDenied()
    chosen = county or counties[0]
    if chosen not in counties:
        raise NotFound()
    return [_board(b) for b in selectors.boards(chosen)]


@router.post("/boards", response={201: HonourBoardOut}, summary=gettext_lazy("Add an honour board to the county"))
def board_add(request, payload: HonourBoardIn, county: Id | None = None):
    counties = scope.county_ids(request.auth, Action.POINTS_POLICY)
    if not counties:
        raise PermissionDenied()
    board = services.board_add(actor=request.auth, county=county or counties[0], **payload.dict())
    return 201, _board(board)


@router.patch("/boards/{board_id}", response=HonourBoardOut, summary=gettext_lazy("Change an honour board"))
def board_change(request, board_id: Id, payload: HonourBoardChange):
    board = selectors.board_for(request.auth, board_id)
    values = {k: v for k, v in payload.dict().items() if v is not None}
    return _board(services.board_change(actor=request.auth, board=board, **values))


# -- nominations ------------------------------------------------------------------------------------------------


@router.get(
    "/candidates", response=list[HonourCandidate], summary=gettext_lazy("People or households one may nominate")
)
def candidates(request, board: Id, q: str = ""):
    actor = request.auth
    if not selectors.may_nominate(actor):
        raise PermissionDenied()
    found = selectors.boards_for_nominating(actor).filter(pk=board).first()
    if found is None:
        raise NotFound()
    out = []
    for c in selectors.candidates(actor, found, q):
        household = getattr(c, "household", c)
        out.append(
            {
                "id": c.pk,
                "name": getattr(c, "name", "") or c.head_name,
                "household": household.head_name,
                "group": household.group.name if household.group_id else "",
                "village": c.village.name,
            }
        )
    return out


@router.post(
    "/nominations",
    response={201: HonourNominationRow},
    summary=gettext_lazy("Nominate a person or household (multipart: up to 6 photos in `photos`)"),
)
def nomination_create(
    request,
    board_id: Form[str],
    deeds: Form[str],
    person_id: Form[str] = "",
    household_id: Form[str] = "",
    group_id: Form[str] = "",
    photos: File[list[UploadedFile]] = None,
):
    nomination = services.nomination_create(
        actor=request.auth,
        board=id_param(board_id) or 0,
        deeds=deeds,
        person=id_param(person_id),
        household=id_param(household_id),
        group=id_param(group_id),
        photos=photos or [],
    )
    return 201, _row(nomination)


@router.get(
    "/nominations",
    response=list[HonourNominationRow],
    summary=gettext_lazy("Nominations the caller may see"),
    description=gettext_lazy("which: all, mine, to_evaluate, to_publish or on_notice; quarter: e.g. 2026-4."),
)
def nomination_list(request, which: str = "all", village: Id | None = None, quarter: str = ""):
    actor = request.auth
    chosen = {
        "mine": lambda: selectors.mine(actor),
        "to_evaluate": lambda: selectors.to_evaluate(actor),
        "to_publish": lambda: selectors.to_publish(actor),
        "on_notice": lambda: selectors.on_notice(actor),
    }.get(which, lambda: selectors.visible(actor).order_by("-pk"))()
    if village:
        chosen = chosen.filter(village_id=village)
    if quarter:
        year, q = quarters.parse(quarter, default=quarters.of(timezone.localdate()))
        chosen = chosen.filter(year=year, quarter=q)
    return [_row(n) for n in chosen.select_related("village", "board")[:500]]


@router.get(
    "/nominations/{nomination_id}/objections",
    response=list[HonourObjectionOut],
    summary=gettext_lazy("Objections to an honour (the panel: all; others: their own)"),
)
def objection_list(request, nomination_id: Id):
    case = selectors.nomination_for(request.auth, nomination_id)
    return [_objection(o) for o in selectors.objections_of(request.auth, case)]


@router.post(
    "/nominations/{nomination_id}/objections",
    response={201: HonourObjectionOut},
    summary=gettext_lazy("Object to an honour on public notice"),
)
def objection_file(request, nomination_id: Id, payload: HonourObjectionIn):
    case = Nomination.objects.filter(pk=nomination_id).first()
    if case is None:
        raise NotFound()
    return 201, _objection(services.objection_file(actor=request.auth, nomination=case, text=payload.text))


@router.post(
    "/quarters/publish",
    response=list[HonourNominationRow],
    summary=gettext_lazy("Publish the village's selected honourees of a quarter for public notice"),
)
def quarter_publish(request, payload: HonourPublishIn):
    year, quarter = quarters.parse(payload.quarter, default=quarters.of(timezone.localdate()))
    rows = services.quarter_publish(actor=request.auth, village=payload.village, year=year, quarter=quarter)
    return [_row(n) for n in rows]


@router.get(
    "/public/{village_code}",
    response=HonourPublicQuarter,
    auth=None,
    summary=gettext_lazy("A village's honour boards of a quarter (public, no login)"),
)
def public_boards(request, village_code: str, quarter: str = ""):
    village = public_village(village_code[:20])
    published = selectors.published_quarters(village)
    year, q = quarters.parse(quarter, default=published[0] if published else quarters.of(date.today()))
    rows = selectors.quarter_boards(village, year, q)
    return {
        "village": village.name,
        "quarter": quarters.key(year, q),
        "quarter_label": quarters.label(year, q),
        "boards": [
            {
                "board": r["board"].name,
                "subject": r["board"].subject,
                "honourees": [
                    {
                        "name": n.name,
                        "rank": n.rank,
                        "deeds": n.deeds,
                        "state": n.state,
                        "group": n.group.name if n.group_id else "",
                    }
                    for n in r["honourees"]
                ],
            }
            for r in rows
        ],
    }
