"""A meeting: create, change, the register taken at notice, and its steps (notice, open, close, minutes, cancel)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.errors import DomainError, PermissionDenied
from core.fields import clean_text as _text
from meetings import rules
from meetings.flows import MEETING
from meetings.models import (
    Body,
    Meeting,
    MeetingKind,
    Motion,
    Outcome,
    RegisterBasis,
    RegisterEntry,
    RosterMember,
    VotingState,
)
from meetings.services._common import MANAGE, MEETING_FIELDS, _lock, _meeting_day, _moment, _village
from meetings.services.motions import _close_voting
from regions.models import Region, RegionLevel
from registry.models import Gender, Household, PartyMember, Person

# -- meetings -------------------------------------------------------------------------------------------------


def _clean_meeting(village, data: dict, now=None) -> dict:
    now = now or timezone.now()
    errors: dict[str, str] = {}
    out: dict = {}
    kind = data.get("kind")
    if kind not in MeetingKind.values:
        errors["kind"] = _("Choose the kind of meeting.")
    for key, max_length, required in (("title", 100, True), ("place", 100, True), ("agenda", 5000, False)):
        try:
            out[key] = _text(data.get(key), key, max_length=max_length, required=required)
        except DomainError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        out["starts_at"] = _moment(data.get("starts_at"), "starts_at")
    except DomainError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise DomainError(errors)
    out["kind"] = kind
    if out["starts_at"] <= now:
        raise DomainError({"starts_at": _("The meeting must start in the future.")})
    if out["starts_at"] > now + timedelta(days=366):
        raise DomainError({"starts_at": _("A meeting is planned at most a year ahead.")})
    bases = rules.register_bases(kind)
    basis = data.get("basis") or bases[0]
    if basis not in bases:
        raise DomainError({"basis": _("This kind of meeting has a register by person only.")})
    out["basis"] = basis
    group = data.get("group")
    if kind == MeetingKind.GROUP:
        if isinstance(group, (int, str)) and str(group).isdigit():
            group = Region.objects.filter(pk=int(group)).first()
        if group is None or group.level != RegionLevel.GROUP or group.parent_id != village.pk:
            raise DomainError({"group": _("Choose one of this village's groups.")})
        out["group"] = group
    else:
        out["group"] = None
    return out


def meeting_create(
    *,
    actor,
    village,
    kind,
    title,
    starts_at,
    place,
    agenda="",
    basis="",
    group=None,
    convened_by="",
    proposers=None,
    now=None,
) -> Meeting:
    """A meeting in draft (nothing is sent yet). ``now`` lets the demo write meetings at their past moments."""
    _village(actor, village)
    given = {"kind": kind, "title": title, "starts_at": starts_at, "place": place, "agenda": agenda}
    data = _clean_meeting(village, given | {"basis": basis, "group": group}, now=now)
    day = timezone.localtime(data["starts_at"]).date()
    errors = rules.check_proposal(
        data["kind"],
        convened_by or "",
        proposers,
        adults=_adults(village.pk, day).count(),
        representatives=_roster(village.pk, Body.REPRESENTATIVES, day).count(),
    )
    if errors:
        raise DomainError(errors)
    if convened_by and convened_by != "body":
        data.update(convened_by=convened_by, proposers=int(proposers))
    with transaction.atomic():
        meeting = Meeting(created_by=actor, created_at=now or timezone.now(), **data)
        meeting.place_in(village)
        workflow.start(actor=actor, case=meeting, flow=MEETING, note=meeting.title, now=now)
        audit.record(actor, "meetings.meeting.create", meeting, after=audit.snapshot(meeting, MEETING_FIELDS))
    return meeting


def meeting_update(*, actor, meeting, **changes) -> Meeting:
    """Change a draft (once noticed, the notice stands: cancel and call a new meeting)."""
    with transaction.atomic():
        locked = _lock(actor, meeting)
        if locked.state != "draft":
            raise DomainError(_("Only a meeting being prepared can be changed; once noticed, cancel it instead."))
        given = {k: getattr(locked, k) for k in ("kind", "title", "starts_at", "place", "agenda", "basis", "group")}
        given.update({k: v for k, v in changes.items() if k in given})
        data = _clean_meeting(locked.village, given)
        before = audit.snapshot(locked, MEETING_FIELDS)
        for key, value in data.items():
            setattr(locked, key, value)
        locked.save()
        old, new = audit.diff(before, audit.snapshot(locked, MEETING_FIELDS))
        audit.record(actor, "meetings.meeting.update", locked, before=old, after=new)
    return locked


# -- the register ---------------------------------------------------------------------------------------------


def _adults(village_id: int, on: date, group_id=None):
    cutoff_year = on.year - rules.ADULT_AGE
    try:
        cutoff = on.replace(year=cutoff_year)
    except ValueError:  # 29 February
        cutoff = date(cutoff_year, 2, 28)
    qs = Person.objects.filter(village_id=village_id, is_deceased=False, birth_date__lte=cutoff)
    if group_id:
        qs = qs.filter(household__group_id=group_id)
    return qs.select_related("household").order_by("household__number", "id")


def _roster(village_id: int, body: str, on: date):
    return (
        RosterMember.objects.filter(village_id=village_id, body=body, since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .select_related("person", "person__household")
        .order_by("person__household__number", "id")
    )


def compute_register(meeting: Meeting) -> tuple[list[RegisterEntry], list[str], list[str]]:
    """The register of ``meeting`` from the registry and the rosters as they are now (rules.REGISTER):
    (entries, refusals, warnings). Never typed."""
    rule = rules.REGISTER[meeting.kind]
    on = _meeting_day(meeting)
    refuse: list[str] = []
    warn: list[str] = []
    entries: list[RegisterEntry] = []
    people = None
    if rule.source == "adults" or (
        meeting.kind == MeetingKind.COLLECTIVE_MEMBERS and not _roster(meeting.village_id, Body.COLLECTIVE_MEMBERS, on)
    ):
        group_id = meeting.group_id if rule.by_group else None
        if meeting.basis == RegisterBasis.HOUSEHOLD:
            households = Household.objects.filter(village_id=meeting.village_id)
            if group_id:
                households = households.filter(group_id=group_id)
            adult_households = set(_adults(meeting.village_id, on, group_id).values_list("household_id", flat=True))
            for h in households.order_by("number", "id"):
                if h.pk in adult_households:
                    head = h.members.filter(relation="head", is_deceased=False).first()
                    entries.append(
                        RegisterEntry(
                            meeting=meeting,
                            household=h,
                            person=head,
                            name=h.head_name or (head.name if head else h.number),
                            household_number=h.number,
                        )
                    )
        else:
            people = list(_adults(meeting.village_id, on, group_id))
    elif rule.source == "party":
        people = [
            m.person
            for m in PartyMember.objects.filter(village_id=meeting.village_id, person__is_deceased=False)
            .select_related("person", "person__household")
            .order_by("person__household__number", "id")
        ]
    else:
        members = list(_roster(meeting.village_id, rule.body, on))
        people = [m.person for m in members if not m.person.is_deceased]
        if meeting.kind == MeetingKind.REPRESENTATIVES:
            check = rules.check_representatives(
                households=Household.objects.filter(village_id=meeting.village_id).count(),
                representatives=len(people),
                women=sum(1 for p in people if p.gender == Gender.FEMALE),
                households_each=[m.households for m in members],
            )
            refuse += check.refuse
            warn += check.warn
        if meeting.kind == MeetingKind.PARTY_MASSES:
            check = rules.check_party_masses(len(people))
            refuse += check.refuse
            warn += check.warn
    if people is not None:
        entries = [
            RegisterEntry(
                meeting=meeting,
                person=p,
                name=p.name,
                household_number=p.household.number if p.household_id else "",
            )
            for p in people
        ]
    refuse += rules.check_register(len(entries)).refuse
    return entries, refuse, warn


def meeting_notice(*, actor, meeting, now=None, version=None) -> Meeting:
    """Issue the notice: refused when too late (rules.notice_in_time) or when the register cannot be taken;
    otherwise the register is taken now and never changes. Everyone on it is told (the step's ``notify``)."""
    with transaction.atomic():
        locked = _lock(actor, meeting)
        if locked.state != "draft":
            workflow.transition(actor=actor, case=locked, flow=MEETING, name="notice", now=now)  # the engine's message
        entries, refuse, warn = compute_register(locked)
        if refuse:
            raise DomainError(" ".join(refuse))
        # the register is stored first, so the step tells those on it; a refused step takes it back (rollback)
        RegisterEntry.objects.bulk_create(entries)
        workflow.transition(
            actor=actor,
            case=locked,
            flow=MEETING,
            name="notice",
            now=now,
            expected_version=version,
            data={"register_size": len(entries), "warnings": warn},
        )
        locked.register_size = len(entries)
        locked.register_warnings = warn
        locked.save(update_fields=["register_size", "register_warnings"])
        audit.record(
            actor,
            "meetings.meeting.notice",
            locked,
            after={"register_size": len(entries), "notice_days": locked.notice_days, "warnings": warn},
        )
    return locked


def register_users(meeting: Meeting) -> list[int]:
    """Accounts of the people on the register: a resident's own account, and the villager accounts of the
    households on it (a household's adults, or the household itself)."""
    from accounts.models import RoleAssignment
    from core.roles import Role

    entries = RegisterEntry.objects.filter(meeting=meeting)
    households = set(entries.exclude(household__isnull=True).values_list("household_id", flat=True))
    households |= set(entries.exclude(person__isnull=True).values_list("person__household_id", flat=True))
    users = set(
        RoleAssignment.objects.filter(role=Role.VILLAGER, household_id__in=households).values_list("user_id", flat=True)
    )
    users |= set(entries.exclude(person__user__isnull=True).values_list("person__user_id", flat=True))
    return sorted(users)


def meeting_step(*, actor, meeting, step: str, data=None, note="", now=None, version=None) -> Meeting:
    """notice / open / close / minutes / cancel. Closing first closes every vote still open, and marks the
    motions never put to the vote of a meeting without a quorum."""
    if step == "notice":
        return meeting_notice(actor=actor, meeting=meeting, now=now, version=version)
    with transaction.atomic():
        locked = _lock(actor, meeting)
        if step == "close" and locked.state == "open":
            for motion in Motion.objects.select_for_update().filter(meeting=locked, voting=VotingState.OPEN):
                _close_voting(actor, locked, motion, now=now or timezone.now())
        workflow.transition(
            actor=actor,
            case=locked,
            flow=MEETING,
            name=step,
            data=data or {},
            note=note,
            now=now,
            expected_version=version,
        )
        if step == "close":
            present = locked.attendances.count()
            met, _needed = rules.quorum(locked.kind, locked.basis, locked.register_size, present)
            if not met:
                Motion.objects.filter(meeting=locked, voting=VotingState.DRAFT).update(outcome=Outcome.NO_QUORUM)
    return locked


def take_step(*, actor, case, step, data, note="", attachments=(), version=None) -> Meeting:
    """The flow's service (casework.steps.take: the meeting page's step forms and the API's step endpoint):
    only those who run meetings take a step (403 for anyone else, as before); the step's declared fields are
    passed on, nothing else a client sends. Meeting steps take no files."""
    if not scope.can(actor, MANAGE):
        raise PermissionDenied()
    tr = MEETING.transitions.get(step)
    declared = {f.name for f in tr.fields} if tr else set()
    given = {k: v for k, v in (data or {}).items() if k in declared}
    return meeting_step(actor=actor, meeting=case, step=step, data=given, note=note, version=version)
