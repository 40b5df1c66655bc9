"""The two procedures of 三务公开, declared for core.workflow (docs/workflow.md, docs/transparency.md).

A notice::

    draft ──publish (村干部)────────────────────────────────► published ──end (system, window over)──► ended
      │  └─submit (财务) ─► submitted ─check (民主理财小组)─► checked ─publish─┘   └─withdraw (reason)──► withdrawn
      │                        └── return (reason) ──► draft
      └── discard ──► withdrawn

A financial notice is published only after the village's reviewer (Role.REVIEWER, standing in for the
民主理财小组) has checked it. A question::

    asked ──answer (村干部)──► answered         deadline: the county's answer_days in working days, copied
                                                onto the question when asked; flagged overdue when it passes
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.roles import Role
from core.workflow import SYSTEM, Deadline, Flow, State, Transition
from transparency.models import Stream
from transparency.privacy import check_public_text

PUBLIC_STATES = ("published", "ended")  # shown to villagers and (inside the window or archived) to the public
EDITABLE_STATES = ("draft",)


def _date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError({field: _("Give a date, e.g. 2026-06-01.")}) from None


def posting_window(posted_from, posted_until, *, min_days: int, today: date) -> tuple[date, date]:
    """Check a posting window: it starts today or later and lasts at least ``min_days`` (the last day is at least
    ``min_days`` after the first). Returns the two dates; raises DomainError naming the field."""
    start = _date(posted_from, "posted_from")
    end = _date(posted_until, "posted_until")
    if start < today:
        raise DomainError({"posted_from": _("The notice cannot be posted from a day in the past.")})
    if start > today + timedelta(days=60):
        raise DomainError({"posted_from": _("The notice can be posted from at most 60 days ahead.")})
    earliest = start + timedelta(days=min_days)
    if end < earliest:
        raise DomainError(
            {
                "posted_until": _("A notice stays up at least %(days)s days: post it until %(date)s or later.")
                % {"days": min_days, "date": earliest.isoformat()}
            }
        )
    if end > start + timedelta(days=366):
        raise DomainError({"posted_until": _("A notice is posted for at most a year.")})
    return start, end


# -- guards and effects of a notice -------------------------------------------------------------------------


def _finance_only(step):
    if step.case.stream != Stream.FINANCE:
        raise DomainError(_("Only financial notices are checked by the democratic finance group before publication."))


def _checked_if_finance(step):
    if step.case.stream == Stream.FINANCE and step.case.state != "checked":
        raise DomainError(
            _(
                "A financial notice is published only after the democratic finance group has checked it: "
                "submit it for checking first."
            ),
            code="unchecked",
        )


def _content_is_public(step):
    """Nothing personal the duty does not need: refused again at publication (the text may predate a rule)."""
    check_public_text(title=step.case.title, body=step.case.body)


def set_window(step):
    from transparency.policy import policy_for

    policy = policy_for(step.case.county_id)
    today = timezone.localtime(step.now).date()
    start, end = posting_window(
        step.data.get("posted_from") or today,
        step.data.get("posted_until"),
        min_days=policy.min_posting_days,
        today=today,
    )
    case = step.case
    case.posted_from, case.posted_until = start, end
    case.published_at, case.published_by = step.now, step.actor
    step.data.update(posted_from=start.isoformat(), posted_until=end.isoformat())
    return ["posted_from", "posted_until", "published_at", "published_by"]


def mark_checked(step):
    step.case.checked_by, step.case.checked_at = step.actor, step.now
    return ["checked_by", "checked_at"]


def clear_checked(step):
    step.case.checked_by, step.case.checked_at = None, None
    return ["checked_by", "checked_at"]


def keep_reason(step):
    reason = str(step.data.get("reason") or "").strip()
    if len(reason) > 300:
        raise DomainError({"reason": _("At most %(n)s characters.") % {"n": 300}})
    step.case.withdraw_reason = reason
    if step.case.posted_until is not None:
        step.data["posted_until"] = step.case.posted_until.isoformat()
        step.data["before_window_end"] = timezone.localtime(step.now).date() <= step.case.posted_until
    return ["withdraw_reason"]


NOTICE = Flow(
    "notice",
    label=gettext_lazy("Notice (三务公开)"),
    model="transparency.Notice",
    initial="draft",
    start_allow=(Role.VILLAGE_CADRE,),
    viewers=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL, Role.COUNTY_ADMIN),
    states=[
        State("draft", gettext_lazy("Draft")),
        State("submitted", gettext_lazy("Waiting for the finance check")),
        State("checked", gettext_lazy("Checked, ready to publish")),
        State("published", gettext_lazy("Published")),
        State("withdrawn", gettext_lazy("Withdrawn")),
        State("ended", gettext_lazy("Posting ended")),
    ],
    transitions=[
        Transition(
            "submit",
            source="draft",
            target="submitted",
            label=gettext_lazy("Submit for the finance check"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_finance_only, _content_is_public),
        ),
        Transition(
            "check",
            source="submitted",
            target="checked",
            label=gettext_lazy("Checked: agree to publish"),
            allow=(Role.REVIEWER,),
            effects=(mark_checked,),
        ),
        Transition(
            "return",
            source={"submitted", "checked"},
            target="draft",
            label=gettext_lazy("Send back for correction"),
            allow=(Role.REVIEWER,),
            requires=("reason",),
            effects=(clear_checked,),
        ),
        Transition(
            "publish",
            source={"draft", "checked"},
            target="published",
            label=gettext_lazy("Publish"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("posted_until",),
            guards=(_checked_if_finance, _content_is_public),
            effects=(set_window,),
        ),
        Transition(
            "withdraw",
            source="published",
            target="withdrawn",
            label=gettext_lazy("Withdraw"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("reason",),
            effects=(keep_reason,),
        ),
        Transition(
            "discard",
            source={"draft", "submitted", "checked"},
            target="withdrawn",
            label=gettext_lazy("Discard the draft"),
            allow=(Role.VILLAGE_CADRE,),
        ),
        Transition(
            "end",
            source="published",
            target="ended",
            label=gettext_lazy("Posting window over"),
            allow=(SYSTEM,),
        ),
    ],
    after_deadlines=lambda report, now: _after_deadlines("notice", report, now),
)


# -- a question ---------------------------------------------------------------------------------------------


def set_answer(step):
    answer = str(step.data.get("answer") or "").strip()
    if len(answer) > 2000:
        raise DomainError({"answer": _("At most %(n)s characters.") % {"n": 2000}})
    check_public_text(answer=answer)
    case = step.case
    case.answer, case.answered_by, case.answered_at = answer, step.actor, step.now
    case.answered_on_time = case.deadline_at is None or step.now <= case.deadline_at
    return ["answer", "answered_by", "answered_at", "answered_on_time"]


NOTICE_QUESTION = Flow(
    "notice_question",
    label=gettext_lazy("Question on a notice"),
    model="transparency.NoticeQuestion",
    initial="asked",
    start_allow=(Role.VILLAGER,),
    viewers=(Role.REVIEWER, Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL, Role.COUNTY_ADMIN),
    states=[
        State("asked", gettext_lazy("Waiting for an answer"), deadline=Deadline(field="answer_days", working_days=5)),
        State("answered", gettext_lazy("Answered")),
    ],
    transitions=[
        Transition(
            "answer",
            source="asked",
            target="answered",
            label=gettext_lazy("Answer"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("answer",),
            effects=(set_answer,),
        ),
    ],
    after_deadlines=lambda report, now: _after_deadlines("notice_question", report, now),
)


def _after_deadlines(flow: str, report, now):
    from transparency.supervision import after_deadline_run

    return after_deadline_run(flow, report, now)
