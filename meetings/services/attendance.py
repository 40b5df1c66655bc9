"""Sign-in (by the clerk or on one's phone) and votes (recorded by the clerk or cast on one's phone)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from meetings import facts as meeting_facts
from meetings.models import (
    Attendance,
    Choice,
    Meeting,
    Motion,
    RegisterEntry,
    SignInMethod,
    Vote,
    VoteMethod,
    VotingState,
)
from meetings.services._common import VOTE, _lock, _lock_for_voter
from meetings.services.motions import _lock_motion
from regions.models import Region, RegionLevel

# -- sign-in and votes ----------------------------------------------------------------------------------------


def entries_for_voter(actor, meeting: Meeting):
    """The register entries a person may sign in and vote for on their own phone: their own entry (an account
    linked to a resident), and the entries of the households their villager grants name (a household's account
    signs in its adults, or the household itself on a register by household). Nobody else's: no proxies."""
    households = scope.targets(actor, "household", VOTE)
    q = Q(pk__in=[])
    if households:
        q |= Q(household_id__in=households) | Q(household__isnull=True, person__household_id__in=households)
    if actor.is_authenticated:
        q |= Q(person__user=actor)
    return RegisterEntry.objects.filter(q, meeting=meeting)


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
    meeting_facts.signed_in(actor, attendance)  # the attendance is a fact (core.facts): points may count it
    return attendance, True


def _check_open_for_sign_in(meeting: Meeting):
    if meeting.state != "open":
        raise DomainError(_("Sign-in is possible only while the meeting is in session."))


def attendance_sign_in_by_clerk(*, actor, meeting, entries, now=None) -> int:
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


def attendance_sign_in_own(*, actor, meeting, entries=None, now=None) -> int:
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


def _check_choice(choice: str) -> None:
    if choice not in Choice.values:
        raise DomainError({"choice": _("Choose for, against or abstain.")})


def _check_voting_open(meeting: Meeting, motion: Motion) -> None:
    if meeting.state != "open" or motion.voting != VotingState.OPEN:
        if meeting.state == "closed" or motion.voting == VotingState.CLOSED:
            raise DomainError(_("Voting on this motion is closed; the vote was not recorded."))
        raise DomainError(_("This motion is not open for voting."))
    if motion.method != VoteMethod.BALLOT:
        raise DomainError(_("This motion is decided by a show of hands, counted by the clerk."))


def _vote(actor, meeting: Meeting, motion: Motion, entry: RegisterEntry, choice: str, method: str, now) -> Vote:
    _check_choice(choice)
    _check_voting_open(meeting, motion)
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


def vote_record_by_clerk(*, actor, motion, entry, choice: str, now=None) -> Vote:
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion)
        return _vote(actor, meeting, locked, _entry(meeting, entry), choice, SignInMethod.CLERK, now or timezone.now())


def vote_cast_own(*, actor, motion, entry, choice: str, now=None) -> Vote:
    """A vote on one's phone for one's own entry or a signed-in member of one's household (who states it)."""
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion, action=VOTE)
        found = entries_for_voter(actor, meeting).filter(pk=getattr(entry, "pk", entry)).first()
        if found is None:
            raise NotFound()
        return _vote(actor, meeting, locked, found, choice, SignInMethod.SELF, now or timezone.now())


def group_q(group_id, prefix: str = "") -> Q:
    """Register entries of one 村民小组: a household entry by its household's group, a person by theirs."""
    return Q(**{f"{prefix}household__group_id": group_id}) | Q(
        **{f"{prefix}household__isnull": True, f"{prefix}person__household__group_id": group_id}
    )


def vote_record_batch(*, actor, motion, choice: str, group=None, now=None) -> int:
    """Record ``choice`` for every signed-in attendee who has no vote yet on this roll-call motion (其余全部赞成),
    or only for those of one 村民小组 of the meeting's village (``group``). Votes already recorded are left as they
    are. One audit event names the entries recorded. Returns how many were recorded."""
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion)
        _check_choice(choice)
        _check_voting_open(meeting, locked)
        entries = RegisterEntry.objects.filter(meeting=meeting, attendance__isnull=False).exclude(
            pk__in=Vote.objects.filter(motion=locked).values("entry_id")
        )
        group_id = None
        if group not in (None, ""):
            group_id = getattr(group, "pk", group)
            try:
                group_id = int(group_id)
            except (TypeError, ValueError):
                raise DomainError({"group": _("Choose a village group of this village.")}) from None
            if not Region.objects.filter(pk=group_id, level=RegionLevel.GROUP, parent_id=meeting.village_id).exists():
                raise DomainError({"group": _("Choose a village group of this village.")})
            entries = entries.filter(group_q(group_id))
        ids = list(entries.order_by("id").values_list("pk", flat=True))
        if not ids:
            raise DomainError(_("Every signed-in attendee here already has a recorded vote; nothing was recorded."))
        moment = now or timezone.now()
        Vote.objects.bulk_create(
            [
                Vote(motion=locked, entry_id=pk, choice=choice, method=SignInMethod.CLERK, by=actor, at=moment)
                for pk in ids
            ]
        )
        audit.record(
            actor,
            "meetings.vote.batch",
            meeting,
            after={"motion": locked.pk, "choice": choice, "group": group_id, "count": len(ids), "entries": ids},
        )
    return len(ids)


def vote_correct(*, actor, motion, entry, choice: str, reason: str, now=None) -> Vote:
    """Correct a vote the clerk recorded wrongly, while voting is open: a new vote replaces it (the old one stays,
    named by the new one) and the audit event keeps the old and the new choice with the reason. A vote the
    voter cast on their own phone is theirs: the clerk does not change it."""
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion)
        _check_choice(choice)
        _check_voting_open(meeting, locked)
        found = _entry(meeting, entry)
        reason = _text(reason, "reason", max_length=200)
        current = Vote.objects.current().filter(motion=locked, entry=found).first()
        if current is None:
            raise DomainError(
                _("%(name)s has no recorded vote to correct; record the vote instead.") % {"name": found.name}
            )
        if current.method == SignInMethod.SELF:
            raise DomainError(
                _("%(name)s cast this vote on their own phone; the clerk cannot change it.") % {"name": found.name}
            )
        if current.choice == choice:
            raise DomainError(
                {"choice": _("The vote is already recorded as “%(choice)s”.") % {"choice": Choice(choice).label}}
            )
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    motion=locked,
                    entry=found,
                    choice=choice,
                    method=SignInMethod.CLERK,
                    by=actor,
                    at=now or timezone.now(),
                    corrects=current,
                    reason=reason,
                )
        except IntegrityError:
            raise DomainError(_("Someone else corrected this vote meanwhile; look at it again.")) from None
        audit.record(
            actor,
            "meetings.vote.correct",
            meeting,
            before={"motion": locked.pk, "entry": found.pk, "name": found.name, "choice": current.choice},
            after={"motion": locked.pk, "entry": found.pk, "name": found.name, "choice": choice, "reason": reason},
        )
    return vote
