"""The checks of 议事协商's steps (deliberation/flows.py): a guard refuses a step (DomainError, nothing written);
the matching ``waiting`` tells the person on the page and in the API, before they try, why the step cannot be
taken yet. Both read the same check. The meeting steps read the adopted motion through deliberation.meetings_link.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import DomainError
from deliberation import meetings_link


def cosign_problem(topic, now=None) -> str:
    """Why a villagers' joint proposal cannot be taken up yet (too few co-signing households), or ""."""
    if topic.origin != "villagers":
        return ""
    from deliberation.models import CoSignature

    signed = CoSignature.objects.filter(topic=topic).count()
    if signed >= topic.co_sign_min:
        return ""
    return _(
        "A villagers' joint proposal is taken up once %(need)s households have signed it; %(signed)s have so far."
    ) % {"need": topic.co_sign_min, "signed": signed}


def enough_cosigners(step):
    problem = cosign_problem(step.case)
    if problem:
        raise DomainError(problem, code="cosign")


def motion_problem(case, kinds, *, label, reserved_required: bool = False, deciding: bool = False):
    """(why not, the motion): the newest decided motion on the topic (or rules version) in a meeting of ``kinds``,
    read through meetings_link, must be adopted, and for a reserved matter put as that matter."""
    motion = meetings_link.latest_decided(case.subject, kinds)
    if motion is None:
        return (
            _(
                "No %(body)s has decided this yet: put it on the agenda of one (from this page) and let the "
                "meeting vote first."
            )
            % {"body": label},
            None,
        )
    if motion.outcome != "adopted":
        return (
            _("The %(body)s did not adopt it (%(outcome)s); this step needs an adopted motion.")
            % {"body": label, "outcome": motion.get_outcome_display()},
            motion,
        )
    matter = getattr(case, "reserved_matter", "") or ("village_rules" if reserved_required else "")
    if deciding and matter and motion.reserved_matter != matter:
        return (
            _(
                "This is a matter reserved to the villagers' assembly, but the motion was not put as that matter; "
                "put it on the agenda again from this page."
            ),
            motion,
        )
    return "", motion


def needs_motion(kinds, *, label, reserved_required: bool = False, deciding: bool = False):
    """A guard: the topic's (or rules version's) newest decided motion in a meeting of ``kinds`` must be adopted.
    Stores the motion's id and its meeting in the step's data."""

    def guard(step):
        problem, motion = motion_problem(
            step.case, kinds, label=label, reserved_required=reserved_required, deciding=deciding
        )
        if problem:
            raise DomainError(problem, code="motion")
        step.data["motion"] = motion.pk
        step.data["meeting"] = motion.meeting_id
        step.data["meeting_kind"] = motion.meeting.kind
        step.data["meeting_title"] = motion.meeting.title

    def waiting(case, now) -> str:
        return motion_problem(case, kinds, label=label, reserved_required=reserved_required, deciding=deciding)[0]

    guard.waiting = waiting
    return guard


def decision_is_public(step):
    from deliberation.models import Decision
    from transparency.privacy import check_public_text

    decision = Decision.objects.filter(topic=step.case).first()
    if decision is not None:
        check_public_text(decision=decision.text)
    if step.data.get("result"):
        check_public_text(result=str(step.data["result"]))


def open_tasks_problem(topic, now=None) -> str:
    """Why the result cannot be published yet (tasks of the decision still open), or ""."""
    from deliberation.models import Task

    open_tasks = Task.objects.filter(decision__topic=topic).exclude(state__in=("done", "cancelled")).count()
    if not open_tasks:
        return ""
    return _("%(n)s task(s) of this decision are not finished yet; report the result when they are.") % {
        "n": open_tasks
    }


def tasks_finished(step):
    problem = open_tasks_problem(step.case)
    if problem:
        raise DomainError(problem, code="tasks")


def public_note(step):
    """A progress note is shown on the public page: no ID, phone or account number in it."""
    from transparency.privacy import check_public_text

    if step.note:
        check_public_text(note=step.note)
