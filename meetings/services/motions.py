"""Motions: add, put to the vote, close (roll call or show of hands) and the outcome by the rules."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from meetings import rules
from meetings.models import Choice, Delegation, Meeting, Motion, Vote, VoteMethod, VotingState
from meetings.services._common import MANAGE, MOTION_FIELDS, SUBJECT_RE, _lock, _lock_for_voter, _meeting_day

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


def motion_add(*, actor, meeting, title, text="", reserved_matter="", subject="") -> Motion:
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


def motion_open(*, actor, motion, method=VoteMethod.BALLOT) -> Motion:
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
            raise DomainError(rules.quorum_refusal(meeting.kind, meeting.basis, meeting.register_size, present, needed))
        locked.voting = VotingState.OPEN
        locked.method = method
        locked.save(update_fields=["voting", "method"])
        audit.record(actor, "meetings.motion.open_voting", meeting, after={"motion": locked.pk, "method": method})
    return locked


def _close_voting(actor, meeting: Meeting, motion: Motion, *, now, totals=None) -> Motion:
    present = meeting.attendances.count()
    if totals is None:
        counts = {c: 0 for c in Choice.values}
        for choice in Vote.objects.current().filter(motion=motion).values_list("choice", flat=True):
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


def _lock_voting(actor, motion, method: str, other_method: str) -> tuple[Meeting, Motion]:
    """The motion (locked, with its meeting) whose vote is open and taken by ``method``; ``other_method`` refuses
    one voted the other way."""
    meeting, locked = _lock_motion(actor, motion)
    if locked.voting != VotingState.OPEN:
        raise DomainError(_("Voting on this motion is not open."))
    if locked.method != method:
        raise DomainError(other_method)
    return meeting, locked


def motion_close(*, actor, motion, now=None) -> Motion:
    """Close a roll-call vote: the outcome follows from the votes, the sign-in and the register."""
    with transaction.atomic():
        meeting, locked = _lock_voting(
            actor, motion, VoteMethod.BALLOT, _("A show of hands is closed by entering the counted totals.")
        )
        return _close_voting(actor, meeting, locked, now=now or timezone.now())


def motion_record_totals(*, actor, motion, votes_for, votes_against, votes_abstain, now=None) -> Motion:
    """A show of hands: the clerk enters the counted totals; they must add up to those signed in."""
    try:
        counts = [int(v) for v in (votes_for, votes_against, votes_abstain)]
    except (TypeError, ValueError):
        raise DomainError({"votes_for": _("Give whole numbers.")}) from None
    with transaction.atomic():
        meeting, locked = _lock_voting(
            actor, motion, VoteMethod.HANDS, _("This motion is voted attendee by attendee; close the vote instead.")
        )
        errors = rules.check_totals(
            present=meeting.attendances.count(), votes_for=counts[0], votes_against=counts[1], votes_abstain=counts[2]
        )
        if errors:
            raise DomainError(errors)
        return _close_voting(actor, meeting, locked, now=now or timezone.now(), totals=counts)
