"""Writes of meetings. Every function checks the actor's scope (outside it: NotFound, answered as 404), runs in
one transaction on the locked meeting and records an audit event; lifecycle steps go through core.workflow
(flow ``meeting``), which writes the CaseEvent. Bad input raises DomainError with a Chinese message and writes
nothing. The rules themselves are in meetings/rules.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.errors import DomainError, NotFound, PermissionDenied
from core.roles import Action
from meetings import rules
from meetings.flows import MEETING
from meetings.models import (
    Attendance,
    Body,
    Choice,
    Delegation,
    Meeting,
    MeetingKind,
    MeetingPolicy,
    Motion,
    Outcome,
    RegisterBasis,
    RegisterEntry,
    RosterMember,
    SignInMethod,
    Vote,
    VoteMethod,
    VotingState,
)
from regions.models import Region, RegionLevel
from registry.models import Gender, Household, PartyMember, Person

MANAGE = Action.DELIBERATION_MANAGE
VOTE = Action.DELIBERATION_VOTE
MEETING_FIELDS = ["kind", "title", "starts_at", "place", "agenda", "group", "basis", "convened_by", "proposers"]
MOTION_FIELDS = ["title", "text", "reserved_matter", "subject", "position"]
SUBJECT_RE = re.compile(r"^[a-z_]+\.[a-z_]+:\d+$")
MAX_DELEGATION_DAYS = 5 * 366  # the committee's term (Art. 11: five years)


# -- checks ---------------------------------------------------------------------------------------------------


def _text(value, field: str, *, max_length: int, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise DomainError({field: _("This field is required.")})
    if len(text) > max_length:
        raise DomainError({field: _("At most %(n)s characters.") % {"n": max_length}})
    return text


def _moment(value, field: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value or "").strip().replace("Z", "+00:00"))
        except ValueError:
            raise DomainError({field: _("Give a date and time, e.g. 2026-12-05 09:00.")}) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _day(value, field: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError({field: _("Give a date, e.g. 2026-06-01.")}) from None


def _village(actor, village, action: str = MANAGE) -> Region:
    if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
        raise NotFound()
    if not scope.region_in_scope(actor, action, village):
        raise NotFound()
    return village


def _lock(actor, meeting, action: str = MANAGE) -> Meeting:
    locked = Meeting.objects.select_for_update().filter(pk=getattr(meeting, "pk", meeting)).first()
    if locked is None or not scope.in_scope(actor, action, locked):
        raise NotFound()
    return locked


def _lock_for_voter(actor, meeting) -> Meeting:
    """A voter acts on meetings of the villages their grants cover (a villager's household grant included)."""
    from meetings.selectors import visible_q

    pk = getattr(meeting, "pk", meeting)
    if not Meeting.objects.filter(visible_q(actor, VOTE), pk=pk).exists():
        raise NotFound()
    return Meeting.objects.select_for_update().get(pk=pk)


def _meeting_day(meeting: Meeting) -> date:
    return timezone.localtime(meeting.starts_at).date()


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


def create_meeting(
    actor,
    *,
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


def meeting_update(actor, meeting, **changes) -> Meeting:
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


def meeting_notice(actor, meeting, *, now=None, version=None) -> Meeting:
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


def meeting_step(actor, meeting, step: str, *, data=None, note="", now=None, version=None) -> Meeting:
    """notice / open / close / minutes / cancel. Closing first closes every vote still open, and marks the
    motions never put to the vote of a meeting without a quorum."""
    if step == "notice":
        return meeting_notice(actor, meeting, now=now, version=version)
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
    return meeting_step(actor, case, step, data=given, note=note, version=version)


# -- motions --------------------------------------------------------------------------------------------------


def _delegation_for(meeting: Meeting, matter: str):
    day = _meeting_day(meeting)
    return (
        Delegation.objects.filter(
            village_id=meeting.village_id,
            matter=matter,
            to_kind=meeting.kind,
            revoked_at__isnull=True,
            valid_from__lte=day,
            valid_until__gte=day,
        )
        .order_by("-valid_until")
        .first()
    )


def _check_matter(meeting: Meeting, matter: str):
    """The delegation the motion relies on (or None); DomainError when this body may not decide the matter."""
    if matter and matter not in rules.ReservedMatter.values:
        raise DomainError({"reserved_matter": _("Choose a reserved matter from the list, or none.")})
    delegation = _delegation_for(meeting, matter) if matter else None
    why = rules.may_decide(meeting.kind, matter, delegated=delegation is not None)
    if why:
        raise DomainError({"reserved_matter": why})
    return delegation


def add_motion(actor, meeting, *, title, text="", reserved_matter="", subject="") -> Motion:
    """A motion on the agenda (before the meeting closes). A reserved matter is checked against the body here and
    again when it is put to the vote."""
    with transaction.atomic():
        locked = _lock(actor, meeting)
        if locked.state not in ("draft", "noticed", "open"):
            raise DomainError(_("Motions can be added only before the meeting closes."))
        title = _text(title, "title", max_length=150)
        text = _text(text, "text", max_length=10000, required=False)
        subject = _text(subject, "subject", max_length=100, required=False)
        if subject and not SUBJECT_RE.match(subject):
            raise DomainError({"subject": _("A subject reads like deliberation.topic:12.")})
        delegation = _check_matter(locked, reserved_matter or "")
        position = (locked.motions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        motion = Motion.objects.create(
            meeting=locked,
            title=title,
            text=text,
            reserved_matter=reserved_matter or "",
            subject=subject,
            delegation=delegation,
            position=position,
            binding=locked.kind not in rules.CONSULTATIVE,
        )
        audit.record(actor, "meetings.motion.add", locked, after=audit.snapshot(motion, MOTION_FIELDS))
    return motion


def _lock_motion(actor, motion, action=MANAGE) -> tuple[Meeting, Motion]:
    pk = getattr(motion, "pk", motion)
    meeting_id = Motion.objects.filter(pk=pk).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        raise NotFound()
    meeting = _lock(actor, meeting_id, action) if action == MANAGE else _lock_for_voter(actor, meeting_id)
    return meeting, Motion.objects.select_for_update().get(pk=pk)


def open_voting(actor, motion, *, method=VoteMethod.BALLOT) -> Motion:
    """Put a motion to the vote: the meeting is in session and has its quorum (counted now from the sign-in)."""
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion)
        if meeting.state != "open":
            raise DomainError(_("Votes are taken only while the meeting is in session."))
        if locked.voting != VotingState.DRAFT:
            raise DomainError(_("This motion has already been put to the vote."))
        if method not in VoteMethod.values:
            raise DomainError({"method": _("Choose how the votes are taken.")})
        _check_matter(meeting, locked.reserved_matter)
        present = meeting.attendances.count()
        met, needed = rules.quorum(meeting.kind, meeting.basis, meeting.register_size, present)
        if not met:
            raise DomainError(
                _(
                    "No quorum: %(present)s of %(size)s are signed in, %(needed)s are needed (%(rule)s). "
                    "The meeting cannot decide."
                )
                % {
                    "present": present,
                    "size": meeting.register_size,
                    "needed": needed,
                    "rule": rules.quorum_text(meeting.kind, meeting.basis),
                }
            )
        locked.voting = VotingState.OPEN
        locked.method = method
        locked.save(update_fields=["voting", "method"])
        audit.record(actor, "meetings.motion.open_voting", meeting, after={"motion": locked.pk, "method": method})
    return locked


def _close_voting(actor, meeting: Meeting, motion: Motion, *, now, totals=None) -> Motion:
    present = meeting.attendances.count()
    if totals is None:
        counts = {c: 0 for c in Choice.values}
        for choice in motion.votes.values_list("choice", flat=True):
            counts[choice] += 1
        votes_for, votes_against, votes_abstain = counts["for"], counts["against"], counts["abstain"]
    else:
        votes_for, votes_against, votes_abstain = totals
    decision = rules.decide(
        meeting.kind,
        meeting.basis,
        register_size=meeting.register_size,
        present=present,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
    )
    motion.votes_for, motion.votes_against, motion.votes_abstain = votes_for, votes_against, votes_abstain
    motion.present, motion.register_size = present, meeting.register_size
    motion.outcome, motion.binding = decision.outcome, decision.binding
    motion.explanation = _(
        "%(for)s for, %(against)s against, %(abstain)s abstaining; %(present)s present of %(size)s; "
        "%(needed)s votes in favour needed (%(rule)s)."
    ) % {
        "for": votes_for,
        "against": votes_against,
        "abstain": votes_abstain,
        "present": present,
        "size": meeting.register_size,
        "needed": decision.votes_needed,
        "rule": rules.decision_text(meeting.kind),
    }
    motion.voting = VotingState.CLOSED
    motion.decided_at = now
    motion.save(
        update_fields=[
            "votes_for",
            "votes_against",
            "votes_abstain",
            "present",
            "register_size",
            "outcome",
            "binding",
            "explanation",
            "voting",
            "decided_at",
        ]
    )
    audit.record(
        actor,
        "meetings.motion.decide",
        meeting,
        after={
            "motion": motion.pk,
            "outcome": motion.outcome,
            "for": votes_for,
            "against": votes_against,
            "abstain": votes_abstain,
            "present": present,
        },
    )
    return motion


def close_voting(actor, motion, *, now=None) -> Motion:
    """Close a roll-call vote: the outcome follows from the votes, the sign-in and the register."""
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion)
        if locked.voting != VotingState.OPEN:
            raise DomainError(_("Voting on this motion is not open."))
        if locked.method != VoteMethod.BALLOT:
            raise DomainError(_("A show of hands is closed by entering the counted totals."))
        return _close_voting(actor, meeting, locked, now=now or timezone.now())


def record_totals(actor, motion, *, votes_for, votes_against, votes_abstain, now=None) -> Motion:
    """A show of hands: the clerk enters the counted totals; they must add up to those signed in."""
    try:
        counts = [int(v) for v in (votes_for, votes_against, votes_abstain)]
    except (TypeError, ValueError):
        raise DomainError({"votes_for": _("Give whole numbers.")}) from None
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion)
        if locked.voting != VotingState.OPEN:
            raise DomainError(_("Voting on this motion is not open."))
        if locked.method != VoteMethod.HANDS:
            raise DomainError(_("This motion is voted attendee by attendee; close the vote instead."))
        errors = rules.check_totals(
            present=meeting.attendances.count(), votes_for=counts[0], votes_against=counts[1], votes_abstain=counts[2]
        )
        if errors:
            raise DomainError(errors)
        return _close_voting(actor, meeting, locked, now=now or timezone.now(), totals=counts)


# -- sign-in and votes ----------------------------------------------------------------------------------------


def entries_for_voter(actor, meeting: Meeting):
    """The register entries a person may sign in and vote for on their own phone: their own entry (an account
    linked to a resident), and the entries of the households their villager grants name (a household's account
    signs in its adults, or the household itself on a register by household). Nobody else's: no proxies."""
    households = [g.target_id for g in scope.grants(actor) if g.level == "household" and VOTE in _actions(g.role)]
    q = Q(pk__in=[])
    if households:
        q |= Q(household_id__in=households) | Q(household__isnull=True, person__household_id__in=households)
    if actor.is_authenticated:
        q |= Q(person__user=actor)
    return RegisterEntry.objects.filter(q, meeting=meeting)


def _actions(role):
    from core.roles import ROLE_ACTIONS

    return ROLE_ACTIONS.get(role, ())


def _entry(meeting: Meeting, entry) -> RegisterEntry:
    found = RegisterEntry.objects.filter(meeting=meeting, pk=getattr(entry, "pk", entry)).first()
    if found is None:
        raise NotFound()
    return found


def _sign_in(actor, meeting: Meeting, entry: RegisterEntry, method: str, now) -> tuple[Attendance, bool]:
    existing = Attendance.objects.filter(entry=entry).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(meeting=meeting, entry=entry, method=method, by=actor, at=now)
    except IntegrityError:
        return Attendance.objects.get(entry=entry), False
    audit.record(
        actor, "meetings.attendance.sign_in", meeting, after={"entry": entry.pk, "name": entry.name, "how": method}
    )
    return attendance, True


def _check_open_for_sign_in(meeting: Meeting):
    if meeting.state != "open":
        raise DomainError(_("Sign-in is possible only while the meeting is in session."))


def clerk_sign_in(actor, meeting, entries, *, now=None) -> int:
    """The clerk signs in attendees (one or many); already signed in is not an error. Returns how many new."""
    with transaction.atomic():
        locked = _lock(actor, meeting)
        _check_open_for_sign_in(locked)
        ids = [getattr(e, "pk", e) for e in entries]
        found = list(RegisterEntry.objects.filter(meeting=locked, pk__in=ids))
        if len(found) != len(set(ids)):
            raise NotFound()
        new = 0
        for entry in found:
            new += _sign_in(actor, locked, entry, SignInMethod.CLERK, now or timezone.now())[1]
    return new


def self_sign_in(actor, meeting, entries=None, *, now=None) -> int:
    """Sign in on one's phone: one's own entry / one's household's adults or household. ``entries`` None: all of
    them. An entry not one's own is not found."""
    with transaction.atomic():
        locked = _lock_for_voter(actor, meeting)
        _check_open_for_sign_in(locked)
        mine = entries_for_voter(actor, locked)
        if entries is not None:
            ids = {getattr(e, "pk", e) for e in entries}
            mine = mine.filter(pk__in=ids)
            if mine.count() != len(ids):
                raise NotFound()
        mine = list(mine)
        if not mine:
            raise DomainError(_("You are not on the register of this meeting."))
        new = 0
        for entry in mine:
            new += _sign_in(actor, locked, entry, SignInMethod.SELF, now or timezone.now())[1]
    return new


def _vote(actor, meeting: Meeting, motion: Motion, entry: RegisterEntry, choice: str, method: str, now) -> Vote:
    if choice not in Choice.values:
        raise DomainError({"choice": _("Choose for, against or abstain.")})
    if meeting.state != "open" or motion.voting != VotingState.OPEN:
        if meeting.state == "closed" or motion.voting == VotingState.CLOSED:
            raise DomainError(_("Voting on this motion is closed; the vote was not recorded."))
        raise DomainError(_("This motion is not open for voting."))
    if motion.method != VoteMethod.BALLOT:
        raise DomainError(_("This motion is decided by a show of hands, counted by the clerk."))
    if not Attendance.objects.filter(entry=entry).exists():
        raise DomainError(_("%(name)s is not signed in: sign in before voting.") % {"name": entry.name})
    if Vote.objects.filter(motion=motion, entry=entry).exists():
        raise DomainError(
            _("%(name)s has already voted on this motion; a vote cannot be changed.") % {"name": entry.name}
        )
    try:
        with transaction.atomic():
            vote = Vote.objects.create(motion=motion, entry=entry, choice=choice, method=method, by=actor, at=now)
    except IntegrityError:
        raise DomainError(
            _("%(name)s has already voted on this motion; a vote cannot be changed.") % {"name": entry.name}
        ) from None
    audit.record(actor, "meetings.vote.cast", meeting, after={"motion": motion.pk, "entry": entry.pk, "how": method})
    return vote


def clerk_vote(actor, motion, entry, choice: str, *, now=None) -> Vote:
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion)
        return _vote(actor, meeting, locked, _entry(meeting, entry), choice, SignInMethod.CLERK, now or timezone.now())


def self_vote(actor, motion, entry, choice: str, *, now=None) -> Vote:
    """A vote on one's phone for one's own entry or a signed-in member of one's household (who states it)."""
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion, action=VOTE)
        found = entries_for_voter(actor, meeting).filter(pk=getattr(entry, "pk", entry)).first()
        if found is None:
            raise NotFound()
        return _vote(actor, meeting, locked, found, choice, SignInMethod.SELF, now or timezone.now())


# -- delegations ----------------------------------------------------------------------------------------------


def delegation_create(actor, motion, *, matter, valid_from, valid_until) -> Delegation:
    """Record the delegation an adopted motion of the 村民会议 (or the collective members' assembly) made."""
    valid_from = _day(valid_from, "valid_from")
    valid_until = _day(valid_until, "valid_until")
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion)
        to_kind = rules.DELEGATES_TO.get(meeting.kind)
        if to_kind is None:
            raise DomainError(
                _("Only the villagers' assembly (or the collective members' assembly) can delegate a reserved matter.")
            )
        if locked.outcome != Outcome.ADOPTED:
            raise DomainError(_("A delegation is made by an adopted motion; this one was not adopted."))
        if matter == rules.ReservedMatter.VILLAGE_RULES:
            raise DomainError({"matter": _("The village rules cannot be delegated (Art. 27).")})
        allowed = rules.ART24 if meeting.kind == MeetingKind.VILLAGERS_ASSEMBLY else rules.COLLECTIVE_MATTERS
        if matter not in allowed:
            raise DomainError({"matter": _("Choose a matter this assembly may delegate.")})
        if valid_until < valid_from:
            raise DomainError({"valid_until": _("The delegation ends before it starts.")})
        if (valid_until - valid_from).days > MAX_DELEGATION_DAYS:
            raise DomainError({"valid_until": _("A delegation lasts at most five years (the committee's term).")})
        if Delegation.objects.filter(granted_by=locked, matter=matter).exists():
            raise DomainError({"matter": _("This motion's delegation of this matter is already recorded.")})
        delegation = Delegation(
            matter=matter,
            to_kind=to_kind,
            granted_by=locked,
            valid_from=valid_from,
            valid_until=valid_until,
            created_by=actor,
        )
        delegation.place_in(meeting.village)
        delegation.save()
        audit.record(
            actor,
            "meetings.delegation.create",
            delegation,
            after=audit.snapshot(delegation, ["matter", "to_kind", "granted_by", "valid_from", "valid_until"]),
        )
    return delegation


def delegation_revoke(actor, delegation) -> Delegation:
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().filter(pk=getattr(delegation, "pk", delegation)).first()
        if locked is None or not scope.in_scope(actor, MANAGE, locked):
            raise NotFound()
        if locked.revoked_at:
            raise DomainError(_("This delegation is already revoked."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(actor, "meetings.delegation.revoke", locked, after={"revoked_at": locked.revoked_at.isoformat()})
    return locked


# -- rosters --------------------------------------------------------------------------------------------------


def roster_add(actor, village, *, body, person, post="", households=None, since=None) -> RosterMember:
    """Put a resident on a roster from ``since`` (today by default; an earlier day records an existing term)."""
    _village(actor, village)
    since = timezone.localdate() if since in (None, "") else _day(since, "since")
    if since > timezone.localdate():
        raise DomainError({"since": _("A roster entry starts today or earlier.")})
    if body not in Body.values:
        raise DomainError({"body": _("Choose the roster.")})
    person = person if isinstance(person, Person) else Person.objects.filter(pk=person).first()
    if person is None or person.village_id != village.pk:
        raise DomainError({"person": _("Choose a resident of this village.")})
    if person.is_deceased:
        raise DomainError({"person": _("This resident is recorded as deceased.")})
    if not rules.is_adult(person.birth_date, timezone.localdate()):
        raise DomainError({"person": _("Only residents aged 18 or over can be on a roster.")})
    post = _text(post, "post", max_length=50, required=False)
    if households in ("", None):
        households = None
    else:
        try:
            households = int(households)
        except (TypeError, ValueError):
            raise DomainError({"households": _("Give a whole number.")}) from None
        if not 1 <= households <= 500:
            raise DomainError({"households": _("Give a number between 1 and 500.")})
    with transaction.atomic():
        if RosterMember.objects.filter(body=body, person=person, until__isnull=True).exists():
            raise DomainError({"person": _("%(name)s is already on this roster.") % {"name": person.name}})
        member = RosterMember(body=body, person=person, post=post, households=households, since=since, added_by=actor)
        member.place_in(village)
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError:
            raise DomainError({"person": _("%(name)s is already on this roster.") % {"name": person.name}}) from None
        audit.record(
            actor, "meetings.roster.add", member, after=audit.snapshot(member, ["body", "person", "post", "households"])
        )
    return member


def roster_remove(actor, member) -> RosterMember:
    with transaction.atomic():
        locked = RosterMember.objects.select_for_update().filter(pk=getattr(member, "pk", member)).first()
        if locked is None or not scope.in_scope(actor, MANAGE, locked):
            raise NotFound()
        if locked.until is not None:
            raise DomainError(_("Already removed from the roster."))
        locked.until = timezone.localdate()
        locked.save(update_fields=["until"])
        audit.record(actor, "meetings.roster.remove", locked, after={"until": locked.until.isoformat()})
    return locked


# -- the county's notice periods ------------------------------------------------------------------------------


def policy_update(actor, county, notice_days: dict) -> MeetingPolicy:
    if (
        county is None
        or county.level != RegionLevel.COUNTY
        or not scope.region_in_scope(actor, Action.DELIBERATION_POLICY, county)
    ):
        raise NotFound()
    errors = {}
    clean = {}
    for kind, days in (notice_days or {}).items():
        if kind not in MeetingKind.values:
            continue
        if days in ("", None):
            continue
        why = rules.check_override(kind, days)
        if why:
            errors[kind] = why
        else:
            clean[kind] = int(days)
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        policy, _created = MeetingPolicy.objects.select_for_update().get_or_create(county=county)
        before = dict(policy.notice_days)
        policy.notice_days, policy.updated_by, policy.updated_at = clean, actor, timezone.now()
        policy.save()
        audit.record(
            actor,
            "meetings.policy.update",
            policy,
            before={"notice_days": before},
            after={"notice_days": clean},
            region=county,
        )
    return policy
