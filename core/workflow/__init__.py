"""The workflow engine (流程引擎): one machine for every case-like thing (incidents, disputes, services,
expense approvals, 红白事, mutual aid, small-power matters). See docs/workflow.md for a worked example.

A module declares its procedure once, as data::

    FLOW = Flow("incident", label=_("Grid incident"), model="incidents.Incident", initial="reported",
                start_allow=(Role.GRID_WORKER, reporter),
                states=[State("reported", _("Reported"), deadline=Deadline(working_days=1)), ...],
                transitions=[Transition("dispatch", source="reported", target="dispatched", label=_("Dispatch"),
                                        allow=(Role.TOWNSHIP_OFFICIAL,), requires=("assignee",)), ...])

and its services call ``start`` and ``transition``. The engine, in one transaction on the locked case row:

1. finds the case (``NotFound`` when it is missing or outside the actor's scope, answered the same way);
2. refuses with a ``DomainError`` that says why, writing nothing, when the step is unknown, the case has
   moved on (another person was faster: ``expected_version``), the step is not possible from the current
   state, the actor's role or relation to the case does not allow it, its time window has passed, or a
   required field is missing;
3. writes the new state, when it was entered and the deadline it carries (``core.calendar`` working days),
   a ``casework.CaseEvent`` row (with attachments) and an audit event.

A case's state is written nowhere else: ``casework.CaseBase.save`` leaves the workflow columns alone.
"""

from core.errors import DomainError, NotFound
from core.workflow.access import available, can_see
from core.workflow.deadlines import DeadlineRun, about_to_be_overdue, overdue_cases, run_all_deadlines, run_deadlines
from core.workflow.declarations import (
    OVERDUE,
    RESERVED,
    START,
    STAY,
    SYSTEM,
    Deadline,
    Extend,
    Flow,
    Party,
    Pick,
    SetDeadline,
    State,
    Step,
    Tell,
    Transition,
    flows,
    get_flow,
)
from core.workflow.taking import history, start, transition
from core.workflow.telling import case_url, recipients

__all__ = [
    "OVERDUE",
    "RESERVED",
    "START",
    "STAY",
    "SYSTEM",
    "Deadline",
    "DeadlineRun",
    "DomainError",
    "Extend",
    "Flow",
    "NotFound",
    "Party",
    "Pick",
    "SetDeadline",
    "State",
    "Step",
    "Tell",
    "Transition",
    "about_to_be_overdue",
    "available",
    "can_see",
    "case_url",
    "flows",
    "get_flow",
    "history",
    "overdue_cases",
    "recipients",
    "run_all_deadlines",
    "run_deadlines",
    "start",
    "transition",
]
