"""The grid closed loop (五步闭环) declared for core.workflow: report → triage/dispatch → time-limited handling
→ supervision → closure and follow-up. docs/incidents.md explains each step; docs/workflow.md the engine.

```
reported ─route/dispatch─► dispatched ─accept─► accepted ─resolve─► resolved ─close (满意/基本满意)─► closed
   ▲                         │                  │  ↺ progress, summon (吹哨), extend, supervise (督办)
   └──── hand_back (≤2 wd) ──┘                  │                 ◄── reopen (不满意) ──┘
   └──────────────────── escalate (上报) ────────┘
```
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.errors import DomainError
from core.roles import Role
from core.scope import grants
from core.workflow import SYSTEM, Deadline, Extend, Flow, Party, SetDeadline, State, Transition
from incidents.models import LEVEL_ORDER, AssistKind, Department, IncidentAssist, Level, Rating


def department_ids(actor) -> frozenset[int]:
    """The departments the actor is a member of (cached on the actor for the request)."""
    cached = getattr(actor, "_department_ids", None)
    if cached is None:
        cached = frozenset(actor.departments.filter(is_active=True).values_list("pk", flat=True)) if actor.pk else ()
        actor._department_ids = frozenset(cached)
    return actor._department_ids


def is_handler(actor, case) -> bool:
    """The body the case is with: the village's cadres, the township's officials, or the department's members."""
    if case.level == Level.COUNTY:
        return case.handler_department_id is not None and case.handler_department_id in department_ids(actor)
    role, level, target = {
        Level.VILLAGE: (Role.VILLAGE_CADRE, "village", case.village_id),
        Level.TOWNSHIP: (Role.TOWNSHIP_OFFICIAL, "township", case.township_id),
    }.get(case.level, (None, None, None))
    return role is not None and any(
        g.role == role and g.level == level and g.target_id == target for g in grants(actor)
    )


def is_co_handler(actor, case) -> bool:
    ids = department_ids(actor)
    return bool(ids) and IncidentAssist.objects.filter(incident_id=case.pk, department_id__in=ids).exists()


reporter = Party(_("the reporter"), lambda actor, case: case.reporter_id == actor.pk)
handler = Party(_("the handling body"), is_handler)
co_handler = Party(_("a co-handling body"), is_co_handler)


# -- guards and effects -------------------------------------------------------------------------------------


def _department(step, key="department"):
    value = step.data.get(key)
    pk = getattr(value, "pk", value)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise DomainError({key: _("Choose a department.")}) from None
    found = Department.objects.filter(pk=pk, county_id=step.case.county_id, is_active=True).first()
    if found is None:
        raise DomainError({key: _("Choose a department of this county.")})
    return found


def _days(step, key="days"):
    raw = step.data.get(key)
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 60:
        raise DomainError({key: _("Give a whole number of working days from 1 to 60.")})
    return days


def apply_triage(step):
    """route (by the system, at report time): the triage rule decides level, body and deadline."""
    from incidents.triage import route

    decision = route(step.case)
    case = step.case
    case.level, case.handler_department, case.handling_days, case.rule = (
        decision.level,
        decision.department,
        decision.days,
        decision.rule,
    )
    step.data.update(decision.as_data())
    return ["level", "handler_department", "handling_days", "rule"]


def set_dispatch(step):
    """dispatch (by a dispatcher, overriding the rules): level, body (for a department) and deadline."""
    case = step.case
    level = step.data.get("level")
    if level not in Level.values:
        raise DomainError({"level": _("Choose the handling level.")})
    department = _department(step) if level == Level.COUNTY else None
    case.level = level
    case.handler_department = department
    case.handling_days = _days(step)
    step.data.update(
        {
            "level": level,
            "department": department.pk if department else None,
            "department_name": department.name if department else "",
            "days": case.handling_days,
        }
    )
    return ["level", "handler_department", "handling_days"]


def respond(step):
    """accept or hand back: the first answer of the handling body is its response (及时响应)."""
    case = step.case
    if case.responded_at is None:
        case.responded_at = step.now
        case.responded_on_time = case.deadline_at is None or step.now <= case.deadline_at
        return ["responded_at", "responded_on_time"]
    return []


def clear_handler(step):
    """hand back: the case waits for a dispatcher again, with nobody handling it."""
    step.case.handler_department = None
    return ["handler_department", *respond(step)]


def raise_level(step):
    """escalate (上报): the case goes up one level and waits for that level's dispatcher."""
    case = step.case
    index = LEVEL_ORDER.index(case.level) if case.level in LEVEL_ORDER else 0
    if index >= len(LEVEL_ORDER) - 1:
        raise DomainError(_("A county department cannot escalate further; resolve it or ask for supervision."))
    case.level = LEVEL_ORDER[index + 1]
    case.handler_department = None
    step.data["level"] = case.level
    return ["level", "handler_department"]


def summon(step):
    """吹哨: a township summons a department onto the case; the department reports back (报到) with its part."""
    department = _department(step)
    case = step.case
    if department.pk == case.handler_department_id:
        raise DomainError({"department": _("This department is already handling the case.")})
    if IncidentAssist.objects.filter(incident_id=case.pk, department=department).exists():
        raise DomainError({"department": _("This department is already on the case.")})
    IncidentAssist.objects.create(
        incident_id=case.pk, department=department, kind=AssistKind.SUMMONED, added_by=step.actor, added_at=step.now
    )
    step.data["department_name"] = department.name
    step.data["department"] = department.pk
    return []


def report_part(step):
    """progress: a co-handling body's note marks its part reported (报到)."""
    ids = department_ids(step.actor) if step.actor is not None else ()
    if ids and not is_handler(step.actor, step.case):
        IncidentAssist.objects.filter(incident_id=step.case.pk, department_id__in=ids, reported_at__isnull=True).update(
            reported_at=step.now
        )
    return []


def mark_resolved(step):
    case = step.case
    changed = []
    if case.resolved_at is None:
        case.resolved_at = step.now
        case.resolved_on_time = case.deadline_at is None or step.now <= case.deadline_at
        changed += ["resolved_at", "resolved_on_time"]
    return changed


def count_supervision(step):
    step.case.supervise_count += 1
    return ["supervise_count"]


def rate(step):
    rating = step.data.get("rating")
    allowed = {Rating.SATISFIED, Rating.BASIC} if step.transition.name == "close" else {Rating.UNSATISFIED}
    if rating not in allowed:
        raise DomainError({"rating": _("Choose 满意 or 基本满意 to close; 不满意 reopens the case.")})
    case = step.case
    case.rating = rating
    case.rated_at = step.now
    fields = ["rating", "rated_at"]
    if rating == Rating.UNSATISFIED:
        case.reopen_count += 1
        fields.append("reopen_count")
    return fields


def _on_behalf(step):
    """A rating by someone other than the reporter is recorded as taken on the reporter's behalf (回访)."""
    if step.actor is not None and step.actor.pk != step.case.reporter_id:
        step.data["on_behalf"] = True
    return []


def after_deadlines(report, now):
    from incidents.supervision import after_deadline_run

    after_deadline_run(report, now)


_rater = (reporter, Role.GRID_WORKER, Role.VILLAGE_CADRE)

INCIDENT = Flow(
    "incident",
    label=_("Grid incident"),
    model="incidents.Incident",
    initial="reported",
    start_allow=(reporter,),
    viewers=(Role.COUNTY_ADMIN, Role.COUNTY_OFFICIAL),
    after_deadlines=after_deadlines,
    states=[
        State("reported", _("Waiting for dispatch"), deadline=Deadline(working_days=1)),
        State("dispatched", _("Dispatched"), deadline=Deadline(working_days=2)),
        State("accepted", _("Being handled"), deadline=Deadline(field="handling_days", working_days=5)),
        State("resolved", _("Resolved, waiting for rating")),
        State("closed", pgettext_lazy("case state", "Closed")),
    ],
    transitions=[
        Transition(
            "route",
            source="reported",
            target="dispatched",
            label=_("Routed by the rules"),
            allow=(SYSTEM,),
            effects=(apply_triage,),
        ),
        Transition(
            "dispatch",
            source={"reported", "dispatched"},
            target="dispatched",
            label=_("Dispatch"),
            allow=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL),
            requires=("level", "days", "note"),
            effects=(set_dispatch,),
        ),
        Transition(
            "accept",
            source="dispatched",
            target="accepted",
            label=_("Accept"),
            allow=(handler,),
            effects=(respond,),
        ),
        Transition(
            "hand_back",
            source="dispatched",
            target="reported",
            label=_("Hand back (misrouted)"),
            allow=(handler,),
            requires=("note",),
            window=Deadline(working_days=2),
            effects=(clear_handler,),
        ),
        Transition(
            "progress",
            source="accepted",
            target="accepted",
            label=_("Add progress"),
            allow=(handler, co_handler),
            requires=("note",),
            effects=(report_part,),
        ),
        Transition(
            "summon",
            source="accepted",
            target="accepted",
            label=_("Summon a department (吹哨)"),
            allow=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL),
            requires=("department", "note"),
            effects=(summon,),
        ),
        Transition(
            "extend",
            source="accepted",
            target="accepted",
            label=_("Extend the deadline"),
            allow=(handler,),
            requires=("days", "note"),
            deadline=Extend(field="days", max_total=10),
        ),
        Transition(
            "supervise",
            source="accepted",
            target="accepted",
            label=_("Issue a supervision notice (督办)"),
            allow=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL),
            requires=("due", "note"),
            deadline=SetDeadline(field="due", max_days=60),
            effects=(count_supervision,),
        ),
        Transition(
            "escalate",
            source="accepted",
            target="reported",
            label=_("Escalate to the next level"),
            allow=(handler,),
            requires=("note",),
            effects=(raise_level,),
        ),
        Transition(
            "resolve",
            source="accepted",
            target="resolved",
            label=_("Resolve"),
            allow=(handler,),
            requires=("note", "attachments"),
            effects=(mark_resolved,),
        ),
        Transition(
            "close",
            source="resolved",
            target="closed",
            label=_("Rate and close"),
            allow=_rater,
            requires=("rating",),
            effects=(rate, _on_behalf),
        ),
        Transition(
            "reopen",
            source="resolved",
            target="accepted",
            label=_("Unsatisfied: reopen"),
            allow=_rater,
            requires=("rating", "note"),
            effects=(rate, _on_behalf),
        ),
    ],
)
