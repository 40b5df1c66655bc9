"""A meeting's life, declared for core.workflow (docs/workflow.md, docs/meetings.md)::

    draft ──notice (村干部: the register is taken)──► noticed ──open──► open ──close──► closed ─┐ minutes
      └────────── cancel (reason) ◄───────────────────┘                                      └──┘ (kept)
                      cancelled

Notice too late is refused (``notice`` guard): the meeting is never noticed, so it cannot open or decide.
A meeting opens at most 2 hours before its start. Closing closes every vote still open (services.meeting_close).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.errors import DomainError
from core.roles import Role
from core.workflow import Flow, State, Transition
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


def _set_opened(step):
    step.case.opened_at_moment = step.now
    return ["opened_at_moment"]


def _set_ended(step):
    step.case.ended_at = step.now
    return ["ended_at"]


def _set_minutes(step):
    text = str(step.data.get("minutes") or "").strip()
    if len(text) > 20000:
        raise DomainError({"minutes": _("At most %(n)s characters.") % {"n": 20000}})
    case = step.case
    case.minutes = text
    case.chair = str(step.data.get("chair") or "").strip()[:50]
    case.recorder = str(step.data.get("recorder") or "").strip()[:50]
    case.minutes_at = step.now
    return ["minutes", "chair", "recorder", "minutes_at"]


MEETING = Flow(
    "meeting",
    label=gettext_lazy("Meeting"),
    model="meetings.Meeting",
    initial="draft",
    start_allow=(Role.VILLAGE_CADRE,),
    viewers=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL, Role.COUNTY_ADMIN, Role.VILLAGE_SUPERVISOR),
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
        ),
        Transition(
            "open",
            source="noticed",
            target="open",
            label=gettext_lazy("Open the meeting"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_not_too_early,),
            effects=(_set_opened,),
        ),
        Transition(
            "close",
            source="open",
            target="closed",
            label=gettext_lazy("Close the meeting"),
            allow=(Role.VILLAGE_CADRE,),
            effects=(_set_ended,),
        ),
        Transition(
            "minutes",
            source="closed",
            target="closed",
            label=gettext_lazy("Write the minutes"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("minutes",),
            effects=(_set_minutes,),
        ),
        Transition(
            "cancel",
            source={"draft", "noticed"},
            target="cancelled",
            label=gettext_lazy("Cancel the meeting"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("reason",),
        ),
    ],
)
