"""The worked example of docs/workflow.md, runnable: a grid incident (网格事件) declared as a flow over a small
case model that exists only in the tests.

``SampleIncident`` is registered under the casework app but has no migration: ``conftest.py`` creates its
table once per test database with the schema editor (``django_db_setup``), so the engine is tested on a
real table on both SQLite and PostgreSQL without shipping a demo model.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase
from core.errors import DomainError
from core.roles import Action, Role
from core.workflow import SYSTEM, Deadline, Extend, Flow, Party, State, Transition


def at(text: str) -> datetime:
    """An aware moment in the platform's time zone, from 'YYYY-MM-DD HH:MM'."""
    return timezone.make_aware(datetime.fromisoformat(text))


class SampleIncident(CaseBase):
    """网格事件 (test stand-in): what a grid worker or a villager reports."""

    title = models.CharField(max_length=100)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grid = models.ForeignKey("regions.Grid", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id", "grid": "grid_id"}

    class Meta:
        app_label = "casework"
        db_table = "casework_test_sampleincident"

    def __str__(self):
        return self.title


# -- the declaration (this is all a module writes) -------------------------------------------------------------

reporter = Party(_("the reporter"), lambda actor, case: case.reporter_id == actor.pk)
assignee = Party(_("the assigned department"), lambda actor, case: case.assignee_id == actor.pk)


def assignee_is_department_staff(step):
    """Guard: a case is dispatched to a person holding the department role."""
    from accounts.models import RoleAssignment

    target = step.data.get("assignee")
    target_id = getattr(target, "pk", target)
    if not RoleAssignment.objects.filter(user_id=target_id, role=Role.DEPARTMENT_STAFF).exists():
        raise DomainError({"assignee": _("Choose a department.")})


def set_assignee(step):
    """Effect: the dispatched department becomes the case's assignee."""
    target = step.data["assignee"]
    step.case.assignee_id = getattr(target, "pk", target)
    return ["assignee"]


GRID_INCIDENT = Flow(
    "sample_incident",
    label=_("Grid incident"),
    model=SampleIncident,
    initial="reported",
    start_allow=(Role.GRID_WORKER, Role.VILLAGE_CADRE, reporter),
    view=(Action.INCIDENT_VIEW,),
    states=[
        State("reported", _("Reported"), deadline=Deadline(working_days=1)),
        State("dispatched", _("Dispatched"), deadline=Deadline(working_days=2)),
        State("accepted", _("Being handled"), deadline=Deadline(working_days=5), on_overdue="escalate:escalate"),
        State("escalated", _("Escalated"), deadline=Deadline(hours=24)),
        State("resolved", _("Resolved"), deadline=Deadline(working_days=5), on_overdue="escalate:auto_close"),
        State("closed", _("Closed")),
    ],
    transitions=[
        Transition(
            "dispatch",
            source={"reported", "escalated"},
            target="dispatched",
            label=_("Dispatch"),
            allow=(Role.TOWNSHIP_OFFICIAL, Role.VILLAGE_CADRE),
            requires=("assignee",),
            guards=(assignee_is_department_staff,),
            effects=(set_assignee,),
        ),
        Transition("accept", source="dispatched", target="accepted", label=_("Accept"), allow=(assignee,)),
        Transition(
            "hand_back",
            source="dispatched",
            target="reported",
            label=_("Hand back"),
            allow=(assignee,),
            requires=("reason",),
            window=Deadline(working_days=2),
        ),
        Transition(
            "extend",
            source="accepted",
            target="accepted",
            label=_("Extend the deadline"),
            allow=(assignee,),
            requires=("reason", "days"),
            deadline=Extend(field="days", max_total=10),
        ),
        Transition(
            "resolve",
            source={"accepted", "escalated"},
            target="resolved",
            label=_("Resolve"),
            allow=(assignee,),
            requires=("result", "attachments"),
        ),
        Transition(
            "escalate",
            source="accepted",
            target="escalated",
            label=_("Escalate"),
            allow=(Role.TOWNSHIP_OFFICIAL, SYSTEM),
            requires=("reason",),
        ),
        Transition(
            "close",
            source="resolved",
            target="closed",
            label=_("Close"),
            allow=(reporter, Role.TOWNSHIP_OFFICIAL),
            requires=("rating",),
        ),
        Transition("auto_close", source="resolved", target="closed", label=_("Close unrated"), allow=(SYSTEM,)),
        Transition(
            "reopen", source="resolved", target="accepted", label=_("Reopen"), allow=(reporter,), requires=("reason",)
        ),
    ],
)
