"""Meetings over the API: list, mine, detail, create, change; the register and sign-in (clerk or one's own); and
what a meeting adds to the generic case answer."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.api_types import Id, Page, PageSize
from core.errors import DomainError, NotFound
from core.roles import Action
from meetings import selectors, services
from meetings.api._common import (
    MANAGE,
    MAX_PAGE_SIZE,
    VIEW,
    VOTE,
    _detail,
    _meeting,
    _quorum,
    _require,
    _row,
    _village,
    router,
)
from meetings.flows import MEETING
from meetings.models import MeetingKind
from meetings.schemas import (
    MeetingDetail,
    MeetingIn,
    MeetingPage,
    MeetingRow,
    MeetingUpdateIn,
    RegisterEntryOut,
    SignInIn,
    SignInOut,
)

GENERIC = ("id", "title", "state", "state_label", "version", "closed_at", "steps")


def case_detail(request, case) -> dict:
    """What the meeting adds to the generic case answer (/api/casework/cases/meeting/{id}, and after a step):
    the register, quorum, motions, minutes and the caller's own entries; the generic keys stand."""
    data = _detail(request.auth, _meeting(request.auth, case.pk))
    return {k: v for k, v in data.items() if k not in GENERIC}


# -- meetings -------------------------------------------------------------------------------------------------


@router.get("/meetings", response=MeetingPage, summary=gettext_lazy("Meetings the caller may see, latest first"))
def meeting_list(request, state: str = "", kind: str = "", page: Page = 1, page_size: PageSize = 20):
    actor = request.auth
    _require(actor, VIEW)
    if state and state not in MEETING.states:
        raise DomainError({"state": _("Unknown state; use one of: %(v)s.") % {"v": ", ".join(MEETING.states)}})
    if kind and kind not in MeetingKind.values:
        raise DomainError({"kind": _("Unknown kind; use one of: %(v)s.") % {"v": ", ".join(MeetingKind.values)}})
    qs = selectors.meetings(actor, state=state, kind=kind)
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    rows = qs[(page - 1) * page_size : page * page_size]
    return {"count": qs.count(), "page": page, "page_size": page_size, "items": [_row(m) for m in rows]}


@router.get(
    "/meetings/mine",
    response=list[MeetingRow],
    summary=gettext_lazy("Upcoming meetings the caller (or household) is on"),
)
def meeting_mine(request):
    actor = request.auth
    _require(actor, VOTE)
    return [_row(m) for m in selectors.my_meetings(actor)]


@router.post(
    "/meetings", response={201: MeetingDetail}, summary=gettext_lazy("Create a meeting in draft (village cadre)")
)
def meeting_create(request, payload: MeetingIn):
    actor = request.auth
    _require(actor, MANAGE)
    meeting = services.meeting_create(
        actor=actor,
        village=_village(payload.village_id),
        group=payload.group_id,
        **payload.model_dump(exclude={"village_id", "group_id"}),
    )
    return 201, _detail(actor, _meeting(actor, meeting.pk))


@router.put(
    "/meetings/{int:meeting_id}", response=MeetingDetail, summary=gettext_lazy("Change a meeting being prepared")
)
def meeting_update(request, meeting_id: Id, payload: MeetingUpdateIn):
    actor = request.auth
    _require(actor, MANAGE)
    changes = {k: v for k, v in payload.model_dump(exclude={"group_id"}).items() if v is not None}
    if payload.group_id is not None:
        changes["group"] = payload.group_id
    services.meeting_update(actor=actor, meeting=_meeting(actor, meeting_id), **changes)
    return _detail(actor, _meeting(actor, meeting_id))


@router.get(
    "/meetings/{int:meeting_id}", response=MeetingDetail, summary=gettext_lazy("A meeting with its motions and results")
)
def meeting_detail(request, meeting_id: Id):
    _require(request.auth, VIEW)
    return _detail(request.auth, _meeting(request.auth, meeting_id))


# -- register and sign-in -------------------------------------------------------------------------------------


@router.get(
    "/meetings/{int:meeting_id}/register",
    response=list[RegisterEntryOut],
    summary=gettext_lazy("The register with sign-ins (clerk); q: name or household number; only: present / absent"),
)
def meeting_register(request, meeting_id: Id, q: str = "", only: str = ""):
    actor = request.auth
    _require(actor, MANAGE, Action.DELIBERATION_REVIEW)
    meeting = _meeting(actor, meeting_id)
    if not (selectors.can_manage(actor, meeting) or scope.in_scope(actor, Action.DELIBERATION_REVIEW, meeting)):
        raise NotFound()
    out = []
    for e in selectors.register(meeting, search=q.strip()[:50], only=only):
        a = getattr(e, "attendance", None)
        out.append(
            {
                "id": e.pk,
                "name": e.name,
                "household_number": e.household_number,
                "signed_in": a is not None,
                "signed_in_at": a.at if a else None,
                "method": a.method if a else "",
            }
        )
    return out


@router.post(
    "/meetings/{int:meeting_id}/sign-in",
    response=SignInOut,
    summary=gettext_lazy(
        "Sign in: a clerk names entry_ids; anyone else signs in their own entries (all, or the ids given)"
    ),
)
def meeting_sign_in(request, meeting_id: Id, payload: SignInIn):
    actor = request.auth
    _require(actor, MANAGE, VOTE)
    meeting = _meeting(actor, meeting_id)
    if selectors.can_manage(actor, meeting) and payload.entry_ids:
        new = services.attendance_sign_in_by_clerk(actor=actor, meeting=meeting, entries=payload.entry_ids)
    else:
        _require(actor, VOTE)
        new = services.attendance_sign_in_own(actor=actor, meeting=meeting, entries=payload.entry_ids)
    meeting = _meeting(actor, meeting_id)
    quorum = _quorum(meeting)
    return {"signed_in": new, "present": quorum["present"], "quorum": quorum}
