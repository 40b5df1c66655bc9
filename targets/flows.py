"""An item of a target list, declared for core.workflow: open from issue until its unit reports it done; its due
date is its deadline (flagged overdue by run_deadlines); quarterly progress is a step that keeps it open::

    open ─report (每季度进展: quarter, %, text, evidence)─► open ─complete (完成: result, evidence)─► done
      └──── drop (the county, with the reason) ─► dropped            done ─reopen (the county)─► open
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import Choice, Files, Integer, Text
from core.roles import Action, Role
from core.workflow import STAY, Deadline, Flow, Party, State, Transition

QUARTERS = [(q, _("Quarter %(q)s") % {"q": q}) for q in (1, 2, 3, 4)]


def _is_unit(actor, case) -> bool:
    from targets.selectors import is_unit

    return is_unit(actor, case)


def _unit_people(case) -> list[int]:
    from targets.selectors import unit_ids

    return unit_ids(case)


UNIT = Party(_("the unit responsible"), _is_unit, people=_unit_people)
ISSUER = (Role.COUNTY_ADMIN,)


def _quarter_now(actor, case):
    return (timezone.localdate().month - 1) // 3 + 1


def report(step):
    case = step.case
    case.percent = int(step.data["percent"])
    case.last_quarter = int(step.data["quarter"])
    case.last_report = step.data["progress"]
    case.last_reported_at = step.now
    return ["percent", "last_quarter", "last_report", "last_reported_at"]


def complete(step):
    case = step.case
    case.percent = 100
    case.last_report = step.data["result"]
    case.last_reported_at = step.now
    case.done_on = timezone.localdate(step.now)
    case.on_time = case.done_on <= case.due_date
    return ["percent", "last_report", "last_reported_at", "done_on", "on_time"]


def reopen(step):
    from targets.services import days_allowed

    case = step.case
    case.done_on = None
    case.on_time = None
    case.days_allowed = days_allowed(case.county_id, case.due_date, step.now)  # the due date stays the deadline
    return ["done_on", "on_time", "days_allowed"]


def _told(text):
    return lambda step: text % {"task": step.case.text[:40], "unit": step.case.target_list.unit_name}


TARGET = Flow(
    "targets",
    label=_("Target (清单任务)"),
    model="targets.Target",
    initial="open",
    start_allow=ISSUER,
    start_notify=(UNIT,),
    start_notify_text=_told(_("New task on your target list: %(task)s")),
    view=(Action.TARGETS_VIEW,),
    service="targets.services.target_step",
    page="targets.views.item_page",
    find="targets.selectors.target_for",
    states=[
        State("open", _("In progress (推进中)"), deadline=Deadline(field="days_allowed")),
        State("done", _("Done (已完成)")),
        State("dropped", _("Dropped (已取消)")),
    ],
    transitions=[
        Transition(
            "report",
            source="open",
            target=STAY,
            label=_("Report the quarter's progress (季度进展)"),
            allow=(UNIT,),
            fields=(
                Choice("quarter", _("Quarter"), options=QUARTERS, initial=_quarter_now),
                Integer("percent", _("How far (%)"), min=0, max=99),
                Text("progress", _("What was done this quarter"), max_length=2000),
                Files(label=_("Evidence (photos or PDF)"), required=False, max_count=9),
            ),
            effects=(report,),
            note=False,
        ),
        Transition(
            "complete",
            source="open",
            target="done",
            label=_("Report it done (完成)"),
            allow=(UNIT,),
            fields=(
                Text("result", _("What was achieved"), max_length=2000),
                Files(label=_("Evidence (photos or PDF)"), required=True, max_count=9),
            ),
            effects=(complete,),
            notify=ISSUER,
            notify_text=_told(_("%(unit)s reports done: %(task)s")),
            note=False,
        ),
        Transition(
            "reopen",
            source="done",
            target="open",
            label=_("Not done yet: reopen it"),
            allow=ISSUER,
            fields=(Text("reason", _("Why it is not done"), max_length=1000),),
            effects=(reopen,),
            notify=(UNIT,),
            notify_text=_told(_("Reopened by the county: %(task)s")),
            note=False,
        ),
        Transition(
            "drop",
            source="open",
            target="dropped",
            label=_("Drop it from the list"),
            allow=ISSUER,
            fields=(Text("reason", _("Why it is dropped"), max_length=1000),),
            confirm=_("The task leaves the list's count; it cannot be taken up again (issue a new one instead)."),
            notify=(UNIT,),
            note=False,
        ),
    ],
)
