"""Motions over the API: add, put to the vote, votes (one's own, the clerk's, a batch, a correction), the roll call,
close, and show-of-hands totals."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.api_types import Id, Page, PageSize
from core.errors import DomainError, NotFound
from core.forms import confirm_refusal
from meetings import selectors, services
from meetings.api._common import MANAGE, VIEW, VOTE, _meeting, _motion, _require, router
from meetings.forms import close_confirm_text
from meetings.models import Motion
from meetings.schemas import (
    ConfirmIn,
    MotionIn,
    MotionOut,
    OpenVotingIn,
    RollCallPage,
    TotalsIn,
    VoteBatchIn,
    VoteBatchOut,
    VoteCorrected,
    VoteCorrectIn,
    VoteIn,
    VoteRecorded,
)


@router.post(
    "/meetings/{int:meeting_id}/motions", response={201: MotionOut}, summary=gettext_lazy("Add a motion (cadre)")
)
def motion_add(request, meeting_id: Id, payload: MotionIn):
    actor = request.auth
    _require(actor, MANAGE)
    motion = services.motion_add(actor=actor, meeting=_meeting(actor, meeting_id), **payload.model_dump())
    return 201, _motion(motion)


@router.get("/motions/{int:motion_id}", response=MotionOut, summary=gettext_lazy("A motion with its result"))
def motion_detail(request, motion_id: Id):
    _require(request.auth, VIEW)
    return _motion(selectors.motion(request.auth, motion_id))


@router.post(
    "/motions/{int:motion_id}/open", response=MotionOut, summary=gettext_lazy("Put a motion to the vote (needs quorum)")
)
def motion_open(request, motion_id: Id, payload: OpenVotingIn):
    actor = request.auth
    _require(actor, MANAGE)
    return _motion(services.motion_open(actor=actor, motion=selectors.motion(actor, motion_id), method=payload.method))


@router.post(
    "/motions/{int:motion_id}/votes",
    response={201: VoteRecorded},
    summary=gettext_lazy("Record a vote: the clerk for any signed-in attendee, anyone else for their own entries"),
)
def motion_vote(request, motion_id: Id, payload: VoteIn):
    actor = request.auth
    _require(actor, MANAGE, VOTE)
    motion = selectors.motion(actor, motion_id)
    if selectors.can_manage(actor, motion.meeting):
        vote = services.vote_record_by_clerk(actor=actor, motion=motion, entry=payload.entry_id, choice=payload.choice)
    else:
        vote = services.vote_cast_own(actor=actor, motion=motion, entry=payload.entry_id, choice=payload.choice)
    return 201, {"motion_id": motion.pk, "entry_id": vote.entry_id, "choice": vote.choice}


@router.post(
    "/motions/{int:motion_id}/close",
    response=MotionOut,
    summary=gettext_lazy("Close a roll-call vote: the outcome (cannot be undone: send confirm: true)"),
)
def motion_close(request, motion_id: Id, payload: ConfirmIn):
    actor = request.auth
    _require(actor, MANAGE)
    motion = selectors.motion(actor, motion_id)
    if not payload.confirm:
        figures = selectors.roll_call_counts(motion.meeting, motion)
        what = close_confirm_text(present=figures["present"], recorded=figures["recorded"])
        raise DomainError(confirm_refusal(what), code="confirm")
    return _motion(services.motion_close(actor=actor, motion=motion))


def _managed_motion(actor, motion_id: int) -> Motion:
    """The motion, for a cadre who manages its meeting (the clerk's roll call); 404 for anyone else."""
    _require(actor, MANAGE)
    motion = selectors.motion(actor, motion_id)
    if not selectors.can_manage(actor, motion.meeting):
        raise NotFound()
    return motion


@router.get(
    "/motions/{int:motion_id}/roll-call",
    response=RollCallPage,
    summary=gettext_lazy(
        "A roll-call vote being taken (clerk): figures, 村民小组, the signed-in attendees with their vote"
    ),
)
def motion_roll_call(
    request,
    motion_id: Id,
    q: str = "",
    group: Id | None = None,
    show: str = "unrecorded",
    page: Page = 1,
    page_size: PageSize = 50,
):
    actor = request.auth
    motion = _managed_motion(actor, motion_id)
    if show not in selectors.ROLL_CALL_SHOW:
        raise DomainError({"show": _("Unknown value; use one of: %(v)s.") % {"v": ", ".join(selectors.ROLL_CALL_SHOW)}})
    figures = selectors.roll_call_counts(motion.meeting, motion)
    qs = selectors.roll_call(motion.meeting, motion, search=q.strip()[:50], group=group, show=show)
    names = {g["id"]: g["name"] for g in figures["groups"]}
    rows = qs[(page - 1) * page_size : page * page_size]
    return {
        "motion_id": motion.pk,
        "voting": motion.voting,
        **{k: figures[k] for k in ("present", "recorded", "unrecorded", "groups")},
        "votes_for": figures["counts"]["for"],
        "votes_against": figures["counts"]["against"],
        "votes_abstain": figures["counts"]["abstain"],
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
        "items": [
            {
                "entry_id": e.pk,
                "name": e.name,
                "household_number": e.household_number,
                "group": {"id": e.group_ref, "name": names.get(e.group_ref, "")} if e.group_ref else None,
                "choice": e.choice or "",
                "method": e.vote_method or "",
                "corrections": e.corrected or 0,
            }
            for e in rows
        ],
    }


@router.post(
    "/motions/{int:motion_id}/votes/batch",
    response=VoteBatchOut,
    summary=gettext_lazy(
        "Record one choice for every signed-in attendee with no vote yet (clerk), or only those of group_id"
    ),
)
def motion_votes_batch(request, motion_id: Id, payload: VoteBatchIn):
    actor = request.auth
    motion = _managed_motion(actor, motion_id)
    n = services.vote_record_batch(actor=actor, motion=motion, choice=payload.choice, group=payload.group_id)
    figures = selectors.roll_call_counts(motion.meeting, motion)
    return {
        "motion_id": motion.pk,
        "recorded": n,
        **{k: figures[k] for k in ("present", "unrecorded")},
    }


@router.post(
    "/motions/{int:motion_id}/votes/correct",
    response=VoteCorrected,
    summary=gettext_lazy(
        "Correct a vote the clerk recorded wrongly, before voting closes (the old vote stays on record)"
    ),
)
def motion_vote_correct(request, motion_id: Id, payload: VoteCorrectIn):
    actor = request.auth
    motion = _managed_motion(actor, motion_id)
    vote = services.vote_correct(
        actor=actor, motion=motion, entry=payload.entry_id, choice=payload.choice, reason=payload.reason
    )
    return {
        "motion_id": motion.pk,
        "entry_id": vote.entry_id,
        "choice": vote.choice,
        "previous_choice": vote.corrects.choice,
        "reason": vote.reason,
    }


@router.post(
    "/motions/{int:motion_id}/totals",
    response=MotionOut,
    summary=gettext_lazy("Show of hands: the counted totals close the vote"),
)
def motion_totals(request, motion_id: Id, payload: TotalsIn):
    actor = request.auth
    _require(actor, MANAGE)
    return _motion(
        services.motion_record_totals(actor=actor, motion=selectors.motion(actor, motion_id), **payload.model_dump())
    )
