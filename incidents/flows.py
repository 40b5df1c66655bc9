"""The grid closed loop (五步闭环) declared for core.workflow: report → triage/dispatch → time-limited handling
→ supervision → closure and follow-up. docs/incidents.md explains each step; docs/workflow.md the engine.

```
reported ─route/dispatch─► dispatched ─accept─► accepted ─resolve─► resolved ─close (满意/基本满意)─► closed
   ▲                         │                  │  ↺ progress, summon (吹哨), extend, supervise (督办)
   └──── hand_back (≤2 wd) ──┘                  │                 ◄── reopen (不满意) ──┘
   └──────────────────── escalate (上报) ────────┘
reported ─settle (即报即办: the reporting grid worker settled it on the spot)─► closed
reported, dispatched, accepted ─classify (其他/不清楚: the village sets the kind, the rules route it)─► dispatched
```

Each step declares what a person gives (``fields``: the forms of the case page, the API's description and
its checks come from them), whether it cannot be undone (``confirm``) and who is told (``notify``). The page
shows one rating form (``rate``) that takes ``close`` or ``reopen`` by the rating given (a ``Pick``); the API
offers those two steps.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import RoleAssignment
from core.errors import DomainError
from core.fields import FILES, NOTE, Choice, Date, Files, Integer, Text
from core.roles import Action, Role
from core.scope import grants
from core.workflow import SYSTEM, Deadline, Extend, Flow, Party, Pick, SetDeadline, State, Tell, Transition
from incidents.models import LEVEL_ORDER, AssistKind, Department, Incident, IncidentAssist, Level, Rating


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


# -- who they are, to tell them ------------------------------------------------------------------------------


def _holders(role: str, region_id: int | None) -> list[int]:
    if region_id is None:
        return []
    return list(
        RoleAssignment.objects.filter(role=role, region_id=region_id, grid__isnull=True, household__isnull=True)
        .filter(user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def handler_users(incident: Incident) -> list[int]:
    """Ids of the people of the body the case is with (village cadres, township officials, department members)."""
    if incident.level == Level.COUNTY:
        if incident.handler_department_id is None:
            return []
        return list(incident.handler_department.members.filter(is_active=True).values_list("pk", flat=True))
    if incident.level == Level.TOWNSHIP:
        return _holders(Role.TOWNSHIP_OFFICIAL, incident.township_id)
    return _holders(Role.VILLAGE_CADRE, incident.village_id)


def summoned_users(incident: Incident) -> list[int]:
    """Ids of the members of the department summoned last (吹哨)."""
    row = (
        IncidentAssist.objects.filter(incident_id=incident.pk, kind=AssistKind.SUMMONED)
        .select_related("department")
        .order_by("-added_at", "-pk")
        .first()
    )
    return list(row.department.members.filter(is_active=True).values_list("pk", flat=True)) if row else []


reporter = Party(
    _("the reporter"), lambda actor, case: case.reporter_id == actor.pk, people=lambda case: [case.reporter_id]
)
handler = Party(_("the handling body"), is_handler, people=handler_users)
co_handler = Party(_("a co-handling body"), is_co_handler)
summoned = Party(_("the summoned department"), is_co_handler, people=summoned_users)
SUPERVISORS = Role.TOWNSHIP_OFFICIAL  # they dispatch, summon and supervise; told of hand-backs and escalations
DISPATCHERS = (Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL)  # dispatch, summon (吹哨), supervise (督办)


def _told(message):
    """A notification text (``notify_text``) naming the case by its number and matter."""

    def text(step) -> str:
        return message % {"number": step.case.number, "matter": step.case.matter.name}

    return text


def _tell_reporter(message) -> Tell:
    """The reporter hears of each change of their report's state (a message kind they may also get by SMS)."""
    return Tell((reporter,), _told(message), message="incidents.report_progress")


# -- what people give ------------------------------------------------------------------------------------------


def county_departments(actor, case) -> list[tuple[int, str]]:
    """The active departments of the case's county that the actor may name (dispatch, summon)."""
    from incidents.selectors import departments

    return [(d.pk, d.name) for d in departments(actor, active_only=True).filter(county_id=case.county_id)]


def _reason(label=None) -> Text:
    """The step's required note, under the words the form has always used."""
    return Text(NOTE, label or _("Reason"))


def _photos(label, *, required: bool = False) -> Files:
    """Photos from the phone's camera (their content is checked by incidents.services.incident_take_step)."""
    return Files(FILES, label, required=required, max_count=9, accept="image/*", help=_("Up to 9 photos."))


RATINGS_THAT_CLOSE = [(r.value, r.label) for r in (Rating.SATISFIED, Rating.BASIC)]


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
    case.handling_days = step.data["days"]  # a whole number from 1 to 60: the declared field
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
    """close (满意 / 基本满意, the declared choice) or reopen (不满意): the rating is the case's."""
    case = step.case
    if step.transition.name == "reopen":
        step.data["rating"] = Rating.UNSATISFIED
    rating = step.data.get("rating")
    if rating not in Rating.values:
        raise DomainError({"rating": _("Choose 满意 or 基本满意 to close; 不满意 reopens the case.")})
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


def _reporting_grid_worker(actor, case) -> bool:
    return (
        case.reporter_id == actor.pk
        and case.grid_id is not None
        and any(g.role == Role.GRID_WORKER and g.level == "grid" and g.target_id == case.grid_id for g in grants(actor))
    )


on_spot_reporter = Party(_("the grid worker who reported it"), _reporting_grid_worker)


def settle_on_spot(step):
    """settle (即报即办): the grid worker settled the matter while reporting it; the case closes at once, handled
    in the village, answered and resolved on time (the KPIs count it as closed in the village)."""
    case = step.case
    if case.level:
        raise DomainError(_("Only a case being reported can be settled on the spot; this one has been routed."))
    case.level = Level.VILLAGE
    case.on_the_spot = True
    case.responded_at = case.resolved_at = step.now
    case.responded_on_time = case.resolved_on_time = True
    return ["level", "on_the_spot", "responded_at", "responded_on_time", "resolved_at", "resolved_on_time"]


def sortable_matters(actor, case) -> list[tuple[int, str]]:
    """The kinds a 其他/不清楚 case can be given: the current matters of its county's catalogue."""
    from incidents.models import GridMatter

    matters = GridMatter.objects.filter(county_id=case.county_id, retired_on__isnull=True, unsorted=False)
    return [(m.pk, f"{m.group} · {m.name}") for m in matters.order_by("group", "code")]


def reclassify(step):
    """classify: the village (or a dispatcher) gives a 其他/不清楚 case its kind of matter; the triage rules route it
    again for that kind (a county department's assisting bodies join as for a new report)."""
    from incidents.models import GridMatter
    from incidents.triage import decide

    case = step.case
    if not case.matter.unsorted:
        raise DomainError(_("This case already has its kind of matter."))
    matter = GridMatter.objects.filter(
        pk=step.data.get("matter"), county_id=case.county_id, retired_on__isnull=True, unsorted=False
    ).first()
    if matter is None:
        raise DomainError({"matter": _("Choose a kind of matter from the county's catalogue.")})
    decision = decide(case.county_id, matter, case.severity)
    step.data.update({**decision.as_data(), "matter": matter.pk, "matter_name": matter.name})
    case.matter = matter
    case.level, case.handler_department, case.handling_days, case.rule = (
        decision.level,
        decision.department,
        decision.days,
        decision.rule,
    )
    if decision.level == Level.COUNTY:
        for department in matter.assisting.filter(is_active=True).exclude(pk=case.handler_department_id):
            IncidentAssist.objects.get_or_create(
                incident_id=case.pk, department=department, defaults={"kind": AssistKind.ASSIST, "added_at": step.now}
            )
    return ["matter", "level", "handler_department", "handling_days", "rule"]


def after_deadlines(report, now):
    from incidents.supervision import after_deadline_run

    after_deadline_run(report, now)


_rater = (reporter, Role.GRID_WORKER, Role.VILLAGE_CADRE)


def _back_to_dispatch(name: str, source: str, label, effect, told, *, window: Deadline | None = None) -> Transition:
    """The handling body sends the case back to the dispatchers (reported), with its reason; supervisors are told."""
    return Transition(
        name,
        source=source,
        target="reported",
        label=label,
        allow=(handler,),
        fields=(_reason(),),
        window=window,
        effects=(effect,),
        notify=(SUPERVISORS,),
        notify_text=_told(told),
    )


INCIDENT = Flow(
    "incident",
    label=_("Grid incident"),
    model="incidents.Incident",
    initial="reported",
    start_allow=(reporter,),
    view=(Action.INCIDENT_VIEW,),
    after_deadlines=after_deadlines,
    service="incidents.services.incident_take_step",
    page="incidents.views.detail_page",
    detail="incidents.api.case_detail",
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
            notify=(handler,),
            notify_text=_told(_("New case %(number)s: %(matter)s")),
        ),
        Transition(
            "dispatch",
            source={"reported", "dispatched"},
            target="dispatched",
            label=_("Dispatch"),
            allow=DISPATCHERS,
            fields=(
                Choice("level", _("Handling level"), options=Level.choices, initial=lambda actor, case: case.level),
                Choice(
                    "department",
                    _("Department"),
                    required=False,  # for county-level handling only: set_dispatch asks for it then
                    options=county_departments,
                    help=_("Required when the handling level is the county department."),
                    initial=lambda actor, case: case.handler_department_id,
                ),
                Integer(
                    "days",
                    _("Working days"),
                    min=1,
                    max=60,
                    help=_("Working days to handle the case, from 1 to 60."),
                    initial=lambda actor, case: case.handling_days,
                ),
                _reason(),
            ),
            effects=(set_dispatch,),
            notify=(handler,),
            notify_text=_told(_("Case %(number)s was dispatched to you: %(matter)s")),
            tells=(_tell_reporter(_("Your report %(number)s (%(matter)s) was passed to the body that handles it")),),
        ),
        Transition(
            "accept",
            source="dispatched",
            target="accepted",
            label=_("Accept"),
            allow=(handler,),
            effects=(respond,),
            tells=(_tell_reporter(_("Your report %(number)s (%(matter)s) was accepted and is being handled")),),
        ),
        _back_to_dispatch(
            "hand_back",
            "dispatched",
            _("Hand back (misrouted)"),
            clear_handler,
            _("Case %(number)s was handed back for dispatch: %(matter)s"),
            window=Deadline(working_days=2),
        ),
        Transition(
            "progress",
            source="accepted",
            target="accepted",
            label=_("Add progress"),
            allow=(handler, co_handler),
            fields=(_reason(_("What was done")), _photos(_("Photos"))),
            effects=(report_part,),
        ),
        Transition(
            "summon",
            source="accepted",
            target="accepted",
            label=_("Summon a department (吹哨)"),
            allow=DISPATCHERS,
            fields=(
                Choice("department", _("Department"), options=county_departments),
                _reason(_("What the department should do")),
            ),
            effects=(summon,),
            notify=(summoned,),
            notify_text=_told(_("Your department was summoned (吹哨) to case %(number)s: %(matter)s")),
        ),
        Transition(
            "extend",
            source="accepted",
            target="accepted",
            label=_("Extend the deadline"),
            allow=(handler,),
            fields=(
                Integer(
                    "days",
                    _("Working days"),
                    min=1,
                    max=10,
                    help=_("Working days to add; at most 10 in all over the life of the case."),
                ),
                _reason(),
            ),
            deadline=Extend(field="days", max_total=10),
        ),
        Transition(
            "supervise",
            source="accepted",
            target="accepted",
            label=_("Issue a supervision notice (督办)"),
            allow=DISPATCHERS,
            fields=(
                Date(
                    "due",
                    _("New deadline"),
                    earliest=0,
                    latest=60,
                    help=_("A date (YYYY-MM-DD) at most 60 days ahead."),
                ),
                _reason(_("What must be done")),
            ),
            deadline=SetDeadline(field="due", max_days=60),
            effects=(count_supervision,),
            confirm=_(
                "The handling body is told at once and the case carries the notice from now on; it cannot be withdrawn."
            ),
            notify=(handler,),
            notify_text=_told(_("Supervision notice (督办) on case %(number)s: %(matter)s")),
        ),
        _back_to_dispatch(
            "escalate",
            "accepted",
            _("Escalate to the next level"),
            raise_level,
            _("Case %(number)s was escalated to your level: %(matter)s"),
        ),
        Transition(
            "resolve",
            source="accepted",
            target="resolved",
            label=_("Resolve"),
            allow=(handler,),
            fields=(_reason(_("How it was resolved")), _photos(_("Photos of the result"), required=True)),
            effects=(mark_resolved,),
            notify=(reporter,),
            message="incidents.report_update",
            notify_text=_told(_("Case %(number)s is resolved; please rate the result")),
        ),
        Transition(
            "close",
            source="resolved",
            target="closed",
            label=_("Rate and close"),
            allow=_rater,
            fields=(Choice("rating", _("Rating"), options=RATINGS_THAT_CLOSE, radio=True),),
            effects=(rate, _on_behalf),
            confirm=_("The case is closed for good; it cannot be reopened."),
            tells=(_tell_reporter(_("Your report %(number)s (%(matter)s) was rated and closed")),),
        ),
        Transition(
            "reopen",
            source="resolved",
            target="accepted",
            label=_("Unsatisfied: reopen"),
            allow=_rater,
            fields=(_reason(),),
            effects=(rate, _on_behalf),
            notify=(handler,),
            notify_text=_told(_("Case %(number)s was reopened: the reporter is not satisfied")),
            tells=(_tell_reporter(_("Your report %(number)s (%(matter)s) was sent back to be handled again")),),
        ),
        # the reporter's one rating form on the phone: 满意 / 基本满意 take close, 不满意 (with a comment) reopen
        Transition(
            "rate",
            source="resolved",
            target="closed",
            label=_("Rate the result"),
            allow=_rater,
            fields=(
                Choice("rating", _("Rating"), options=Rating.choices, radio=True),
                Text(NOTE, _("Comment (required when unsatisfied)"), required=False),
            ),
            pick=Pick("rating", {Rating.SATISFIED: "close", Rating.BASIC: "close", Rating.UNSATISFIED: "reopen"}),
            confirm=_(
                "A rating of Satisfied or Basically satisfied closes the case for good; Unsatisfied sends it back "
                "to the handling body."
            ),
        ),
        # 即报即办: taken by incidents.services.incident_report right after the report, instead of the rules' route
        Transition(
            "settle",
            source="reported",
            target="closed",
            label=_("Settled on the spot (即报即办)"),
            allow=(on_spot_reporter,),
            fields=(_reason(_("What was done")), _photos(_("Photos of the result"))),
            effects=(settle_on_spot,),
            offered=lambda case: not case.level,
        ),
        # 其他/不清楚: the village (the body it went to) or a dispatcher sets the kind; the rules route it again
        Transition(
            "classify",
            source={"reported", "dispatched", "accepted"},
            target="dispatched",
            label=_("Set the kind of matter"),
            allow=(handler, *DISPATCHERS),
            fields=(
                Choice("matter", _("Kind of matter"), options=sortable_matters),
                Text(NOTE, _("Note"), required=False),
            ),
            effects=(reclassify,),
            offered=lambda case: case.matter.unsorted,
            notify=(handler,),
            notify_text=_told(_("New case %(number)s: %(matter)s")),
        ),
    ],
)
