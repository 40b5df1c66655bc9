"""Meetings API (/api/meetings): meetings (list, mine, detail, create), the register and sign-in (clerk or one's
own), motions (add, put to the vote, votes, close, show-of-hands totals), delegations, rosters, decided motions by
subject, and the rules per kind. The meeting's steps (notice, open, close, minutes, cancel), declared in
meetings/flows.py, are taken at /api/casework/cases/meeting/{id}/steps/{step}; ``case_detail`` adds the
meeting's facts to that answer.

Same selectors and services as the pages: a meeting outside the caller's scope is 404; a refused write answers
422 with the Chinese message and changes nothing.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router

from casework import steps as casework_steps
from core import scope
from core.api_types import Id, Page, PageSize
from core.errors import DomainError, NotFound, PermissionDenied
from core.roles import Action
from meetings import rules, selectors, services
from meetings.flows import MEETING
from meetings.forms import close_confirm_text, confirm_refusal
from meetings.models import Body, Meeting, MeetingKind, Motion, RegisterBasis
from meetings.policy import overrides_for
from meetings.schemas import (
    ConfirmIn,
    DelegationIn,
    DelegationOut,
    KindRule,
    MeetingDetail,
    MeetingIn,
    MeetingPage,
    MeetingRow,
    MeetingUpdateIn,
    MotionIn,
    MotionOut,
    NoticePolicyIn,
    NoticePolicyOut,
    OpenVotingIn,
    RegisterEntryOut,
    RollCallPage,
    RosterIn,
    RosterOut,
    RosterPage,
    SignInIn,
    SignInOut,
    TotalsIn,
    VoteBatchIn,
    VoteBatchOut,
    VoteCorrected,
    VoteCorrectIn,
    VoteIn,
    VoteRecorded,
)
from regions.models import Region, RegionLevel
from registry.models import Household, Person

router = Router(tags=["meetings"])

VIEW = Action.DELIBERATION_VIEW
MANAGE = Action.DELIBERATION_MANAGE
VOTE = Action.DELIBERATION_VOTE
MAX_PAGE_SIZE = 100


def _require(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def _ref(region) -> dict | None:
    return {"id": region.pk, "name": region.name} if region is not None else None


def _row(m: Meeting, present: int | None = None) -> dict:
    return {
        "id": m.pk,
        "number": m.number,
        "village": _ref(m.village),
        "group": _ref(m.group),
        "kind": m.kind,
        "kind_label": str(MeetingKind(m.kind).label),
        "title": m.title,
        "starts_at": m.starts_at,
        "place": m.place,
        "state": m.state,
        "state_label": MEETING.state_label(m.state),
        "register_size": m.register_size,
        "present": present if present is not None else getattr(m, "present_count", None) or m.attendances.count(),
        "version": m.version,
    }


def _motion(m: Motion) -> dict:
    return {
        "id": m.pk,
        "meeting_id": m.meeting_id,
        "position": m.position,
        "title": m.title,
        "text": m.text,
        "reserved_matter": m.reserved_matter,
        "reserved_matter_label": m.get_reserved_matter_display() if m.reserved_matter else "",
        "subject": m.subject,
        "voting": m.voting,
        "method": m.method,
        "votes_for": m.votes_for,
        "votes_against": m.votes_against,
        "votes_abstain": m.votes_abstain,
        "present": m.present,
        "register_size": m.register_size,
        "outcome": m.outcome,
        "outcome_label": m.get_outcome_display(),
        "binding": m.binding,
        "explanation": m.explanation,
        "decided_at": m.decided_at,
        "delegation_id": m.delegation_id,
    }


def _quorum(m: Meeting) -> dict:
    present = selectors.present_count(m)
    met, needed = rules.quorum(m.kind, m.basis, m.register_size, present)
    return {"met": met, "present": present, "needed": needed, "rule": rules.quorum_text(m.kind, m.basis)}


def _detail(actor, m: Meeting) -> dict:
    manage = selectors.can_manage(actor, m)
    quorum = _quorum(m)
    data = _row(m, quorum["present"])
    steps = casework_steps.describe(actor, m, MEETING) if manage else []
    data.update(
        {
            "agenda": m.agenda,
            "convened_by": m.convened_by,
            "proposers": m.proposers,
            "basis": m.basis,
            "notice_days": m.notice_days,
            "noticed_at": m.noticed_at,
            "opened_at": m.opened_at_moment,
            "closed_at": m.ended_at,
            "quorum": quorum,
            "decision_rule": rules.decision_text(m.kind),
            "consultative": m.kind in rules.CONSULTATIVE,
            "register_warnings": list(m.register_warnings) if manage else [],
            "motions": [_motion(x) for x in selectors.motions(m)],
            "minutes": m.minutes,
            "chair": m.chair,
            "recorder": m.recorder,
            "minutes_at": m.minutes_at,
            "my_entries": [
                {"id": e.pk, "name": e.name, "signed_in": hasattr(e, "attendance")}
                for e in services.entries_for_voter(actor, m).select_related("attendance")
            ],
            "steps": steps,
        }
    )
    return data


def _meeting(actor, pk) -> Meeting:
    return selectors.meeting(actor, pk)


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
    village = Region.objects.filter(pk=payload.village_id, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise NotFound()
    meeting = services.meeting_create(
        actor=actor,
        village=village,
        kind=payload.kind,
        title=payload.title,
        starts_at=payload.starts_at,
        place=payload.place,
        agenda=payload.agenda,
        basis=payload.basis,
        group=payload.group_id,
        convened_by=payload.convened_by,
        proposers=payload.proposers,
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


# -- motions and votes ----------------------------------------------------------------------------------------


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
    _require(actor, MANAGE)
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
    _require(actor, MANAGE)
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
    _require(actor, MANAGE)
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


# -- delegations ----------------------------------------------------------------------------------------------


def _delegation(d) -> dict:
    return {
        "id": d.pk,
        "village": _ref(d.village),
        "matter": d.matter,
        "matter_label": d.get_matter_display(),
        "to_kind": d.to_kind,
        "granted_by_motion": d.granted_by_id,
        "granted_by_meeting": d.granted_by.meeting_id,
        "valid_from": d.valid_from,
        "valid_until": d.valid_until,
        "revoked_at": d.revoked_at,
        "in_force": d.covers(timezone.localdate()),
    }


@router.post(
    "/motions/{int:motion_id}/delegations",
    response={201: DelegationOut},
    summary=gettext_lazy("Record the delegation an adopted assembly motion made"),
)
def delegation_create(request, motion_id: Id, payload: DelegationIn):
    actor = request.auth
    _require(actor, MANAGE)
    d = services.delegation_create(actor=actor, motion=selectors.motion(actor, motion_id), **payload.model_dump())
    return 201, _delegation(d)


@router.get("/delegations", response=list[DelegationOut], summary=gettext_lazy("Delegations of the caller's villages"))
def delegation_list(request):
    _require(request.auth, VIEW)
    return [_delegation(d) for d in selectors.delegations(request.auth).select_related("village")]


@router.post(
    "/delegations/{int:delegation_id}/revoke", response=DelegationOut, summary=gettext_lazy("Revoke a delegation")
)
def delegation_revoke(request, delegation_id: Id):
    _require(request.auth, MANAGE)
    return _delegation(services.delegation_revoke(actor=request.auth, delegation=delegation_id))


# -- rosters --------------------------------------------------------------------------------------------------


def _member(m) -> dict:
    return {
        "id": m.pk,
        "body": m.body,
        "body_label": str(Body(m.body).label),
        "person_id": m.person_id,
        "name": m.person.name,
        "gender": m.person.gender,
        "post": m.post,
        "households": m.households,
        "since": m.since,
    }


@router.get(
    "/rosters/{int:village_id}",
    response=RosterPage,
    summary=gettext_lazy("A village's rosters with the Art. 25 checks"),
)
def roster_list(request, village_id: Id):
    actor = request.auth
    _require(actor, MANAGE, Action.DELIBERATION_REVIEW)
    village = Region.objects.filter(pk=village_id, level=RegionLevel.VILLAGE).first()
    if village is None or not (
        scope.region_in_scope(actor, MANAGE, village)
        or scope.region_in_scope(actor, Action.DELIBERATION_REVIEW, village)
    ):
        raise NotFound()
    groups = selectors.rosters(actor, village)
    reps = groups[Body.REPRESENTATIVES]
    check = rules.check_representatives(
        households=Household.objects.filter(village=village).count(),
        representatives=len(reps),
        women=sum(1 for m in reps if m.person.gender == "F"),
        households_each=[m.households for m in reps],
    )
    masses = rules.check_party_masses(len(groups[Body.PARTY_MASSES]))
    return {
        "village": _ref(village),
        "members": [_member(m) for members in groups.values() for m in members],
        "checks": check.refuse + check.warn + masses.refuse + masses.warn,
    }


@router.post("/rosters", response={201: RosterOut}, summary=gettext_lazy("Add a resident to a roster (cadre)"))
def roster_add(request, payload: RosterIn):
    actor = request.auth
    _require(actor, MANAGE)
    village = Region.objects.filter(pk=payload.village_id, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise NotFound()
    person = Person.objects.filter(pk=payload.person_id).first()
    member = services.roster_add(
        actor=actor, village=village, body=payload.body, person=person, post=payload.post, households=payload.households
    )
    return 201, _member(member)


@router.delete(
    "/rosters/members/{int:member_id}", response=RosterOut, summary=gettext_lazy("Remove from a roster (from today)")
)
def roster_remove(request, member_id: Id):
    _require(request.auth, MANAGE)
    return _member(services.roster_remove(actor=request.auth, member=member_id))


# -- the county's notice periods -----------------------------------------------------------------------------


@router.put(
    "/notice-periods/{int:county_id}",
    response=NoticePolicyOut,
    summary=gettext_lazy("The county's notice periods per kind of meeting (at least the statutory minimum)"),
)
def policy_update(request, county_id: Id, payload: NoticePolicyIn):
    actor = request.auth
    _require(actor, Action.DELIBERATION_POLICY)
    county = Region.objects.filter(pk=county_id, level=RegionLevel.COUNTY).first()
    policy = services.policy_update(actor=actor, county=county, notice_days=payload.notice_days)
    return {"county": _ref(county), "notice_days": policy.notice_days, "updated_at": policy.updated_at}


# -- for other modules and clients ----------------------------------------------------------------------------


@router.get(
    "/subjects/{subject}/motions", response=list[MotionOut], summary=gettext_lazy("Decided motions about a subject")
)
def subject_motions(request, subject: str):
    _require(request.auth, VIEW)
    return [_motion(m) for m in selectors.motions_for_subject(request.auth, subject)]


@router.get(
    "/rules", response=list[KindRule], summary=gettext_lazy("Notice, register, quorum and decision rule of each kind")
)
def kind_rules(request):
    actor = request.auth
    _require(actor, VIEW)
    county = next(iter(scope.county_ids(actor)), None)
    overrides = overrides_for(county) if county else {}
    out = []
    for kind, label in MeetingKind.choices:
        rule = rules.REGISTER[kind]
        register = {
            "adults": _("The adults (18+) of the village or group, or its households"),
            "party": _("The party members of the village's branch"),
            "roster": str(Body(rule.body).label) if rule.body else "",
        }[rule.source]
        out.append(
            {
                "kind": kind,
                "label": str(label),
                "notice_days": rules.notice_days(kind, overrides),
                "statutory_minimum": rules.STATUTORY_NOTICE_DAYS.get(kind, 0),
                "register_rule": register,
                "quorum": rules.quorum_text(kind, rule.bases[0] if rule.bases else RegisterBasis.PERSON),
                "decision": rules.decision_text(kind),
                "consultative": kind in rules.CONSULTATIVE,
            }
        )
    return out
