"""What stands between meetings over the API: delegations, the rosters, the county's notice periods, decided motions
by subject, and the rules per kind."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.api_types import Id
from core.errors import NotFound
from core.roles import Action
from meetings import rules, selectors, services
from meetings.api._common import MANAGE, VIEW, _motion, _ref, _require, _village, router
from meetings.models import Body, MeetingKind, RegisterBasis
from meetings.policy import overrides_for
from meetings.schemas import (
    DelegationIn,
    DelegationOut,
    KindRule,
    MotionOut,
    NoticePolicyIn,
    NoticePolicyOut,
    RosterIn,
    RosterOut,
    RosterPage,
)
from regions.models import Region, RegionLevel
from registry.models import Household, Person

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
    village = _village(payload.village_id)
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
