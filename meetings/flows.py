"""A meeting's life, declared for core.workflow (docs/workflow.md, docs/meetings.md)::

    draft ──notice (村干部: the register is taken)──► noticed ──open──► open ──close──► closed ─┐ minutes
      └────────── cancel (reason) ◄───────────────────┘                                      └──┘ (kept)
                      cancelled

Notice too late is refused (``notice`` guard): the meeting is never noticed, so it cannot open or decide.
A meeting opens at most 2 hours before its start (until then its panel says from when: ``waiting``). Closing
closes every vote still open (services.meeting_step). Each step is declared once here: its fields (the page's
form, the API's description, the engine's checks), whether it cannot be undone (``confirm``) and who is told
(``notify``: the notice and a cancellation reach everyone on the register). The pages and the API take a step
through casework (``casework:step``, ``/api/casework/cases/meeting/<id>/steps/<step>``) and
``services.take_step``.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.errors import DomainError
from core.fields import Text
from core.roles import Action, Role
from core.workflow import Flow, Party, State, Transition
from meetings import rules

OPEN_BEFORE = timedelta(hours=2)
UPCOMING_STATES = ("noticed", "open")
DONE_STATES = ("closed",)


def _notice_in_time(step):
    from meetings.policy import overrides_for

    case = step.case
    days = rules.notice_days(case.kind, overrides_for(case.county_id))
    if not rules.notice_in_time(step.now, case.starts_at, days):
        earliest = timezone.localtime(rules.earliest_start(step.now, days))
        raise DomainError(
            {
                "starts_at": _(
                    "Notice is given too late: this meeting needs %(days)s days' notice, so if the notice is issued "
                    "now it can start at %(earliest)s at the earliest. Move the meeting to a later time."
                )
                % {"days": days, "earliest": earliest.strftime("%Y-%m-%d %H:%M")}
            }
        )
    step.data["notice_days"] = days


def _set_notice(step):
    case = step.case
    case.noticed_at = step.now
    case.notice_days = step.data["notice_days"]
    return ["noticed_at", "notice_days"]


def _not_too_early(step):
    starts = step.case.starts_at
    if step.now < starts - OPEN_BEFORE:
        raise DomainError(
            _("The meeting can be opened at most 2 hours before it starts (%(start)s).")
            % {"start": timezone.localtime(starts).strftime("%Y-%m-%d %H:%M")}
        )


def _opens_later(case, now) -> str:
    """Why "open" cannot be taken yet (shown instead of its form), or "" once the meeting may be opened."""
    opens_at = case.starts_at - OPEN_BEFORE
    if now >= opens_at:
        return ""
    return _("The meeting can be opened from %(at)s (at most 2 hours before it starts).") % {
        "at": timezone.localtime(opens_at).strftime("%Y-%m-%d %H:%M")
    }


def _set_opened(step):
    step.case.opened_at_moment = step.now
    return ["opened_at_moment"]


def _set_ended(step):
    step.case.ended_at = step.now
    return ["ended_at"]


def _set_minutes(step):
    case = step.case
    case.minutes = step.data.get("minutes") or ""
    case.chair = step.data.get("chair") or ""
    case.recorder = step.data.get("recorder") or ""
    case.minutes_at = step.now
    return ["minutes", "chair", "recorder", "minutes_at"]


def _register_people(case) -> list[int]:
    from meetings.services import register_users

    return register_users(case)


# those on the meeting's register (their own accounts and their households' villager accounts): told of the
# notice and of a cancellation; never an actor, so they do not widen who may see or act on the meeting
REGISTER = Party(gettext_lazy("those on the register"), lambda actor, case: False, people=_register_people)


def _when(case) -> str:
    return timezone.localtime(case.starts_at).strftime("%Y-%m-%d %H:%M")


def _notice_text(step) -> str:
    case = step.case
    return _("Meeting notice: %(title)s, %(when)s at %(place)s. You are on the register.") % {
        "title": case.title,
        "when": _when(case),
        "place": case.place,
    }


def _cancel_text(step) -> str:
    case = step.case
    return _("Meeting cancelled: %(title)s (%(when)s). %(reason)s") % {
        "title": case.title,
        "when": _when(case),
        "reason": step.data.get("reason") or "",
    }


def _minutes_field(name: str, label, **kwargs) -> Text:
    """A field of the minutes, filled in with what the meeting keeps already (the minutes can be corrected)."""
    return Text(name, label, initial=lambda actor, case: getattr(case, name), **kwargs)


MEETING = Flow(
    "meeting",
    label=gettext_lazy("Meeting"),
    model="meetings.Meeting",
    initial="draft",
    start_allow=(Role.VILLAGE_CADRE,),
    view=(Action.DELIBERATION_VIEW,),
    # the meeting page draws the step panels; the service closes open votes, takes the register; a case is
    # read as the meetings pages read it (a villager sees the meetings of the village, drafts excepted)
    service="meetings.services.take_step",
    page="meetings.views.meeting_page",
    detail="meetings.api.case_detail",
    find="meetings.selectors.meeting",
    states=[
        State("draft", gettext_lazy("Being prepared")),
        State("noticed", gettext_lazy("Notice issued")),
        State("open", gettext_lazy("In session")),
        State("closed", pgettext_lazy("meeting", "Closed")),
        State("cancelled", gettext_lazy("Cancelled")),
    ],
    transitions=[
        Transition(
            "notice",
            source="draft",
            target="noticed",
            label=gettext_lazy("Issue the notice"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_notice_in_time,),
            effects=(_set_notice,),
            confirm=gettext_lazy(
                "The notice goes to everyone on the register at once and the register is fixed; the meeting can "
                "no longer be changed, only cancelled."
            ),
            notify=(REGISTER,),
            message="meetings.notice",
            notify_text=_notice_text,
        ),
        Transition(
            "open",
            source="noticed",
            target="open",
            label=gettext_lazy("Open the meeting"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_not_too_early,),
            effects=(_set_opened,),
            waiting=_opens_later,
        ),
        Transition(
            "close",
            source="open",
            target="closed",
            label=gettext_lazy("Close the meeting"),
            allow=(Role.VILLAGE_CADRE,),
            effects=(_set_ended,),
            confirm=gettext_lazy(
                "The meeting is closed for good: every vote still open is counted now, and nobody can sign in, "
                "vote or add a motion any more."
            ),
        ),
        Transition(
            "minutes",
            source="closed",
            target="closed",
            label=gettext_lazy("Write the minutes"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(
                _minutes_field("chair", gettext_lazy("Chaired by"), required=False, max_length=50, multiline=False),
                _minutes_field(
                    "recorder", gettext_lazy("Minutes taken by"), required=False, max_length=50, multiline=False
                ),
                _minutes_field(
                    "minutes",
                    gettext_lazy("Minutes (纪要)"),
                    max_length=20000,
                    rows=8,
                    help=gettext_lazy("What was discussed and decided. The minutes can be corrected later."),
                ),
            ),
            effects=(_set_minutes,),
        ),
        Transition(
            "cancel",
            source={"draft", "noticed"},
            target="cancelled",
            label=gettext_lazy("Cancel the meeting"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(
                Text(
                    "reason",
                    pgettext_lazy("meeting cancelled", "Reason"),
                    max_length=300,
                    multiline=False,
                    help=gettext_lazy("Once the notice is issued, everyone on the register is told, with this reason."),
                ),
            ),
            confirm=gettext_lazy("The meeting is cancelled for good; to meet after all, call a new meeting."),
            notify=(REGISTER,),
            message="meetings.notice",
            notify_text=_cancel_text,
        ),
    ],
)
