"""The two procedures of 三务公开, declared for core.workflow (docs/workflow.md, docs/transparency.md).

A notice::

    draft ──publish (村干部)────────────────────────────────► published ──end (system, window over)──► ended
      │  └─submit (财务) ─► submitted ─check (民主理财小组)─► checked ─publish─┘   └─withdraw (reason)──► withdrawn
      │                        └── return (reason) ──► draft
      └── discard ──► withdrawn
    published/ended ──supersede (system, when a correction of it is published)──► withdrawn, superseded_by it

A financial notice is published only after the village's reviewer (Role.REVIEWER, standing in for the
民主理财小组) has checked it. A question::

    asked ──answer (村干部)──► answered         deadline: the county's answer_days in working days, copied
                                                onto the question when asked; flagged overdue when it passes
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.parties import VILLAGERS
from core.errors import DomainError
from core.fields import Date, Text
from core.roles import Action, Role
from core.workflow import SYSTEM, Deadline, Flow, Party, State, Transition
from transparency.models import Stream
from transparency.privacy import check_public_text

PUBLIC_STATES = ("published", "ended")  # shown to villagers and (inside the window or archived) to the public
EDITABLE_STATES = ("draft",)

# who works on notices (the staff of 三务公开): they see every notice of their villages, drafts included
STAFF_ACTIONS = (
    Action.TRANSPARENCY_PUBLISH,
    Action.TRANSPARENCY_CHECK,
    Action.TRANSPARENCY_SUPERVISE,
    Action.TRANSPARENCY_POLICY,
)


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


def reason_is_the_note(step):
    """The reason (a declared field) is what the timeline and the audit trail say about the step."""
    step.note = step.note or str(step.data.get("reason") or "")
    return []


def keep_reason(step):
    reason_is_the_note(step)
    step.case.withdraw_reason = str(step.data.get("reason") or "")
    if step.case.posted_until is not None:
        step.data["posted_until"] = step.case.posted_until.isoformat()
        step.data["before_window_end"] = timezone.localtime(step.now).date() <= step.case.posted_until
    return ["withdraw_reason"]


# -- a correction (更正) supersedes the notice it corrects ----------------------------------------------------


def _correction_is_current(step):
    """A correction is published while the notice it corrects has not been superseded by another correction."""
    old = step.case.corrects
    if old is not None and old.superseded_by_id is not None and old.superseded_by_id != step.case.pk:
        raise DomainError(
            _("“%(title)s” has already been superseded by another correction; this one can no longer be published.")
            % {"title": old.title},
            code="superseded",
        )


def supersede_corrected(step):
    """Publishing a correction withdraws the notice it corrects at once, in the same transaction (the system's
    step ``supersede``, which marks it as superseded by this one: the public board keeps it, marked, with a link
    to the correction). A correction goes on the board the day it is published, so the two never both stand."""
    case = step.case
    if case.corrects_id is None:
        return []
    from core import audit, workflow
    from transparency.models import Notice

    if case.posted_from != timezone.localtime(step.now).date():
        raise DomainError({"posted_from": _("A correction goes on the board at once: post it from today.")})
    old = Notice.objects.select_for_update().get(pk=case.corrects_id)
    if old.state in ("published", "ended"):
        workflow.transition(
            actor=None,
            case=old,
            flow=NOTICE,
            name="supersede",
            data={"by": case.pk, "number": case.number},
            note=_("Superseded by the correction %(number)s, published by %(who)s.")
            % {"number": case.number, "who": step.actor},
            now=step.now,
        )
    elif old.superseded_by_id is None:  # withdrawn by hand earlier: it is only marked
        Notice.objects.filter(pk=old.pk).update(superseded_by=case)
        audit.record(step.actor, "transparency.notice.supersede", old, after={"superseded_by": case.pk})
    return []


def _names_its_correction(step):
    by = step.data.get("by")
    if not by or not step.case.corrections.filter(pk=by).exists():
        raise DomainError(_("A notice is superseded only by a correction of it."), code="superseded")


def mark_superseded(step):
    case = step.case
    case.superseded_by_id = step.data["by"]
    case.withdraw_reason = _("Superseded by the correction %(number)s.") % {"number": step.data.get("number", "")}
    return ["superseded_by", "withdraw_reason"]


# -- what the publish form proposes: today (or the planned first day) and at least the county's minimum --------


def _min_days(notice) -> int:
    from transparency.policy import policy_for

    return policy_for(notice.county_id).min_posting_days


def first_day(actor, notice) -> date:
    today = timezone.localdate()
    return notice.posted_from if notice.posted_from and notice.posted_from >= today else today


def last_day(actor, notice) -> date:
    earliest = first_day(actor, notice) + timedelta(days=_min_days(notice))
    return notice.posted_until if notice.posted_until and notice.posted_until >= earliest else earliest


def posting_days_help(actor, notice) -> str:
    n = _min_days(notice) if notice is not None else 5
    return ngettext(
        "The notice stays on the board at least %(n)s day after its first day.",
        "The notice stays on the board at least %(n)s days after its first day.",
        n,
    ) % {"n": n}


# -- who is told ------------------------------------------------------------------------------------------------


def _to_check(step) -> str:
    return _("Financial notice to check: %(title)s") % {"title": step.case.title}


def _sent_back(step) -> str:
    return _("Financial notice sent back for correction: %(title)s") % {"title": step.case.title}


def _published(step) -> str:
    return _("New notice on the village board: %(title)s") % {"title": step.case.title}


def _checked(step) -> str:
    return _("Financial notice checked, ready to publish: %(title)s") % {"title": step.case.title}


def _is_finance(notice) -> bool:
    return notice.stream == Stream.FINANCE


def _publishable(notice) -> bool:
    """A financial notice is offered for publication once checked; the others from the draft."""
    return notice.stream != Stream.FINANCE or notice.state == "checked"


REASON = Text("reason", gettext_lazy("Reason"), max_length=300)

NOTICE = Flow(
    "notice",
    label=gettext_lazy("Notice (三务公开)"),
    model="transparency.Notice",
    initial="draft",
    start_allow=(Role.VILLAGE_CADRE,),
    view=STAFF_ACTIONS,
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
            offered=_is_finance,
            notify=(Role.REVIEWER,),
            notify_text=_to_check,
        ),
        Transition(
            "check",
            source="submitted",
            target="checked",
            label=gettext_lazy("Checked: agree to publish"),
            allow=(Role.REVIEWER,),
            effects=(mark_checked,),
            notify=(Role.VILLAGE_CADRE,),
            notify_text=_checked,
        ),
        Transition(
            "publish",
            source={"draft", "checked"},
            target="published",
            label=gettext_lazy("Publish"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(
                Date("posted_from", gettext_lazy("Posted from"), required=False, initial=first_day),
                Date(
                    "posted_until",
                    gettext_lazy("Posted until (last day on the board)"),
                    initial=last_day,
                    help=posting_days_help,
                ),
            ),
            guards=(_checked_if_finance, _content_is_public, _correction_is_current),
            effects=(set_window, supersede_corrected),
            offered=_publishable,
            confirm=gettext_lazy(
                "The notice goes on the public board on its first posting day and can no longer be changed; it can "
                "only be withdrawn."
            ),
            notify=(VILLAGERS,),
            notify_text=_published,
            message="transparency.notice_published",
        ),
        Transition(
            "return",
            source={"submitted", "checked"},
            target="draft",
            label=gettext_lazy("Send back for correction"),
            allow=(Role.REVIEWER,),
            fields=(REASON,),
            note=False,
            effects=(clear_checked, reason_is_the_note),
            notify=(Role.VILLAGE_CADRE,),
            notify_text=_sent_back,
        ),
        Transition(
            "withdraw",
            source="published",
            target="withdrawn",
            label=gettext_lazy("Withdraw"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(
                replace(
                    REASON,
                    help=gettext_lazy(
                        "A withdrawn notice leaves the public board. The reason is recorded and shown to staff."
                    ),
                ),
            ),
            note=False,
            effects=(keep_reason,),
            confirm=gettext_lazy("The notice leaves the public board at once; this cannot be undone."),
        ),
        Transition(
            "discard",
            source={"draft", "submitted", "checked"},
            target="withdrawn",
            label=gettext_lazy("Discard the draft"),
            allow=(Role.VILLAGE_CADRE,),
            confirm=gettext_lazy("The draft is discarded for good; it cannot be published any more."),
        ),
        Transition(
            "end",
            source="published",
            target="ended",
            label=gettext_lazy("Posting window over"),
            allow=(SYSTEM,),
        ),
        Transition(
            "supersede",
            source={"published", "ended"},
            target="withdrawn",
            label=gettext_lazy("Superseded by a correction"),
            allow=(SYSTEM,),  # taken when the correction is published (supersede_corrected), never by hand
            guards=(_names_its_correction,),
            effects=(mark_superseded,),
        ),
    ],
    page="transparency.views.notice_page",
    detail="transparency.api.notice_case",
    after_deadlines=lambda report, now: _after_deadlines("notice", report, now),
)


# -- a question ---------------------------------------------------------------------------------------------


def set_answer(step):
    answer = str(step.data.get("answer") or "")
    check_public_text(answer=answer)
    step.note = step.note or answer
    case = step.case
    case.answer, case.answered_by, case.answered_at = answer, step.actor, step.now
    case.answered_on_time = case.deadline_at is None or step.now <= case.deadline_at
    return ["answer", "answered_by", "answered_at", "answered_on_time"]


def _asked(step) -> str:
    question = step.case
    return _("A villager asked about “%(title)s”; answer by %(deadline)s.") % {
        "title": question.notice.title,
        "deadline": timezone.localtime(question.deadline_at).strftime("%Y-%m-%d %H:%M"),
    }


def _answered(step) -> str:
    return _("Your question was answered: %(text)s") % {"text": step.case.text[:60]}


ASKER = Party(
    gettext_lazy("the villager who asked"),
    lambda actor, case: case.asker_id == actor.pk,
    people=lambda case: [case.asker_id],
)

NOTICE_QUESTION = Flow(
    "notice_question",
    label=gettext_lazy("Question on a notice"),
    model="transparency.NoticeQuestion",
    initial="asked",
    start_allow=(Role.VILLAGER,),
    start_notify=(Role.VILLAGE_CADRE,),
    start_notify_text=_asked,
    view=STAFF_ACTIONS,
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
            fields=(
                Text(
                    "answer",
                    gettext_lazy("Answer"),
                    max_length=2000,
                    help=gettext_lazy("Shown publicly on the notice."),
                ),
            ),
            note=False,
            effects=(set_answer,),
            confirm=gettext_lazy("The answer is shown on the notice for everyone at once and cannot be changed."),
            notify=(ASKER,),
            notify_text=_answered,
        ),
    ],
    page="transparency.views.question_page",
    detail="transparency.api.question_case",
    after_deadlines=lambda report, now: _after_deadlines("notice_question", report, now),
)


def _after_deadlines(flow: str, report, now):
    from transparency.supervision import after_deadline_run

    return after_deadline_run(flow, report, now)
