"""The procedure of a service request, declared for core.workflow (docs/workflow.md, docs/doorstep.md).

罗江's 帮办代办 and 三堆's monthly revisit (对群众不满意的事项限期重新办理)::

    submitted ─take/assign─► handling ─complete─► completed ─rate (满意/基本满意)─► rated ─revisit─► closed
      │  ▲                    ↺ progress, hand_up (递交上级), result_back (结果返回)     │            │
      │  └─supply─ incomplete ◄─ask_materials─┘        ▲                     │ rate 不满意 │ revisit 不满意
      │                                                └──────── redo (返工) ─┴────────────┘
      decline (不予受理) ─► declined        withdraw (the villager) ─► withdrawn

The handling time is the catalogue version's time limit in working days (``time_limit_days``, copied onto the
request when it is made); a redo starts a new time limit (限期重新办理). Completion records whether it was on time.
A certificate item (``Item.certificate``) generates the certificate from the registry when it is completed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.fields import NOTE, Choice, Date, Files, Text
from core.roles import Action, roles_with
from core.workflow import STAY, SYSTEM, Deadline, Flow, Party, Pick, State, Transition
from doorstep import people
from doorstep.models import Agent, Rating

APPLICANT = Party(_("the villager the request is for"), people.is_applicant, people=people.applicant_ids)
AGENT = Party(_("the agent handling the request"), people.is_agent, people=people.agent_ids)
RECORDER = Party(_("whoever filed it on the villager's behalf"), people.is_recorder, people=people.recorder_ids)
AGENTS = Party(_("the agents serving the village"), people.serves, people=people.serving_ids)
COUNTER = roles_with(Action.SERVICE_HANDLE)  # the village service room's cadres, the township centre's officials
HANDLERS = (AGENT, *COUNTER)

OPEN = {"submitted", "incomplete", "handling"}

RATINGS_THAT_CLOSE = [(Rating.SATISFIED, Rating.SATISFIED.label), (Rating.BASIC, Rating.BASIC.label)]

REVISIT_HOW = [
    ("visit", _("Home visit (上门)")),
    ("phone", _("Phone call (电话)")),
    ("counter", _("At the service room (来访)")),
]


def _agents(actor, case):
    rows = Agent.objects.filter(active=True, villages=case.village_id).order_by("name")
    return [(a.pk, str(a)) for a in rows]


def _own_agent(actor, case):
    row = people.agent_row(actor, case.village_id)
    return row.pk if row else None


def _upstream(actor, case):
    return case.item_version.upstream_office or None


# -- guards and effects ---------------------------------------------------------------------------------------


def take_it(step):
    """接件: an agent serving the village takes it as theirs; a cadre at the counter handles it themselves."""
    case = step.case
    row = people.agent_row(step.actor, case.village_id)
    if row is not None and case.item_version.agent_may:
        case.agent = row
    case.handler = step.actor
    return ["agent", "handler"]


def set_agent(step):
    row = Agent.objects.filter(pk=int(step.data["agent"]), active=True, villages=step.case.village_id).first()
    if row is None:
        raise DomainError({"agent": _("Choose an agent who serves this village.")})
    if not step.case.item_version.agent_may:
        raise DomainError({"agent": _("The catalogue says a village agent may not take this item.")})
    step.case.agent = row
    step.case.handler = step.actor
    return ["agent", "handler"]


def not_before_opened(step):
    from django.utils import timezone

    value = step.data.get("handed_on")
    if value and step.case.opened_at and value < timezone.localdate(step.case.opened_at).isoformat():
        raise DomainError({"handed_on": _("The date cannot be before the request was made.")})


def hand_up(step):
    step.case.went_upstream = True
    step.case.upstream_office = step.data["office"]
    return ["went_upstream", "upstream_office"]


def went_upstream(case) -> bool:
    return case.went_upstream


def complete(step):
    case = step.case
    case.result = step.data["result"]
    case.completed_at = step.now
    case.completed_on_time = case.deadline_at is None or step.now <= case.deadline_at
    fields = ["result", "completed_at", "completed_on_time"]
    if case.item.certificate_id:
        from doorstep.certificates import issue_for_request

        issue_for_request(case, actor=step.actor, now=step.now)
    return fields


def rate(step):
    step.case.rating = step.data.get("rating") or step.data.get("satisfaction") or ""
    return ["rating"]


def redo(step):
    step.case.rating = Rating.UNSATISFIED
    step.case.redo_count += 1
    step.case.completed_at = None
    step.case.completed_on_time = None
    return ["rating", "redo_count", "completed_at", "completed_on_time"]


def revisited(step):
    step.case.revisited_at = step.now
    return ["revisited_at", *rate(step)]


def redo_at_revisit(step):
    step.case.revisited_at = step.now
    return ["revisited_at", *redo(step)]


def _back_to_revisits(case) -> str:
    """After a revisit the counter goes on down the month's list."""
    from django.urls import reverse

    month = case.completed_at or case.revisited_at
    return reverse("doorstep:revisits") + (f"?month={month:%Y-%m}" if month else "")


def _told(text):
    def build(step):
        return text % {"number": step.case.number, "item": step.case.item_version.name}

    return build


def _satisfaction(name: str, label, options):
    return Choice(name, label, options=options, radio=True)


# -- the declaration ------------------------------------------------------------------------------------------

DOORSTEP = Flow(
    "doorstep",
    label=_("Service request (便民服务代办)"),
    model="doorstep.ServiceRequest",
    initial="submitted",
    # the service decides who may make a request where (a villager for their household, an agent for the villages
    # they serve, a cadre for their village)
    start_allow=(APPLICANT, RECORDER, AGENTS, *COUNTER),
    start_notify=(AGENTS,),
    start_notify_text=_told(_("New service request %(number)s: %(item)s")),
    view=(Action.SERVICE_HANDLE,),
    service="doorstep.services.request_step",
    page="doorstep.views.requests.case_page",
    find="doorstep.selectors.request_for",
    detail="doorstep.api.requests.request_detail",
    states=[
        State("submitted", _("Waiting to be taken (待受理)"), deadline=Deadline(working_days=1)),
        State("incomplete", _("Waiting for materials (待补正)"), deadline=Deadline(working_days=10)),
        State("handling", _("Being handled (办理中)"), deadline=Deadline(field="time_limit_days", working_days=5)),
        State(
            "completed",
            _("Done: waiting for the villager's rating (待评价)"),
            deadline=Deadline(working_days=5),
            on_overdue="escalate:auto_rate",
        ),
        State("rated", _("Done: waiting for the monthly revisit (待回访)"), deadline=Deadline(working_days=25)),
        State("closed", _("Closed after the revisit (已回访)")),
        State("declined", _("Not accepted (不予受理)")),
        State("withdrawn", _("Withdrawn (已撤回)")),
    ],
    transitions=[
        Transition(
            "take",
            source="submitted",
            target="handling",
            label=_("Take it (接件)"),
            allow=(AGENTS, *COUNTER),
            effects=(take_it,),
            notify=(APPLICANT, RECORDER),
            message="doorstep.request_update",
            notify_text=_told(_("Your request %(number)s (%(item)s) is being handled")),
            note=False,
        ),
        Transition(
            "assign",
            source={"submitted", "handling"},
            target="handling",
            label=_("Give it to an agent (指派代办员)"),
            allow=COUNTER,
            fields=(Choice("agent", _("Agent"), options=_agents, initial=_own_agent),),
            effects=(set_agent,),
            notify=(AGENT, APPLICANT),
            message="doorstep.request_update",
            notify_text=_told(_("Service request %(number)s (%(item)s) is yours to handle")),
        ),
        Transition(
            "ask_materials",
            source={"submitted", "handling"},
            target="incomplete",
            label=_("Ask for missing materials (一次性告知补正)"),
            allow=(AGENTS, *HANDLERS),
            fields=(
                Text(
                    "missing",
                    _("What is missing, all at once"),
                    max_length=1000,
                    help=_("Say everything that is missing in one go (一次性告知), so the villager comes once."),
                ),
            ),
            notify=(APPLICANT, RECORDER),
            message="doorstep.request_update",
            notify_text=_told(_("Request %(number)s (%(item)s): materials are missing")),
            note=False,
        ),
        Transition(
            "supply",
            source="incomplete",
            target="submitted",
            label=_("Hand in the missing materials"),
            allow=(APPLICANT, RECORDER, AGENT, *COUNTER),
            fields=(Files(label=_("Photos or PDF of the documents"), max_count=9),),
            notify=(AGENT,),
        ),
        Transition(
            "decline",
            source={"submitted", "incomplete"},
            target="declined",
            label=_("Do not accept it (不予受理)"),
            allow=COUNTER,
            fields=(Text("reason", _("Why, and where the villager may turn"), max_length=1000),),
            confirm=_("The request ends here; the villager is told why."),
            notify=(APPLICANT, RECORDER),
            message="doorstep.request_update",
        ),
        Transition(
            "progress",
            source="handling",
            target=STAY,
            label=_("Record progress"),
            allow=HANDLERS,
            requires=(NOTE,),
        ),
        Transition(
            "hand_up",
            source="handling",
            target=STAY,
            label=_("Hand it to the office upstream (递交上级)"),
            allow=HANDLERS,
            fields=(
                Text("office", _("Office it goes to"), max_length=80, multiline=False, initial=_upstream),
                Date("handed_on", _("Handed over on"), latest=0),
            ),
            guards=(not_before_opened,),
            effects=(hand_up,),
            notify=(APPLICANT,),
            message="doorstep.request_update",
            notify_text=_told(_("Request %(number)s (%(item)s) was handed to the office upstream")),
        ),
        Transition(
            "result_back",
            source="handling",
            target=STAY,
            label=_("Record the result from upstream (结果返回)"),
            allow=HANDLERS,
            fields=(Text("upstream_result", _("What the office upstream decided"), max_length=1000),),
            offered=went_upstream,
        ),
        Transition(
            "complete",
            source="handling",
            target="completed",
            label=_("Complete it (办结)"),
            allow=HANDLERS,
            fields=(
                Text("result", _("Result"), max_length=2000, help=_("What was done and what the villager receives.")),
                Files(label=_("Photos of the result (optional)"), required=False, max_count=9),
            ),
            effects=(complete,),
            notify=(APPLICANT, RECORDER),
            message="doorstep.request_update",
            notify_text=_told(_("Request %(number)s (%(item)s) is done; please rate it")),
            note=False,
        ),
        Transition(
            "accept_result",
            source="completed",
            target="rated",
            label=_("Rate it: satisfied"),
            allow=(APPLICANT,),
            fields=(_satisfaction("rating", _("Rating"), RATINGS_THAT_CLOSE),),
            effects=(rate,),
        ),
        Transition(
            "redo",
            source="completed",
            target="handling",
            label=_("Not satisfied: do it again (返工)"),
            allow=(APPLICANT,),
            fields=(Text("reason", _("What is not right"), max_length=1000),),
            effects=(redo,),
            notify=(AGENT,),
            notify_text=_told(_("Request %(number)s (%(item)s) is to be redone: the villager is not satisfied")),
        ),
        # the villager's one rating form on the phone: 满意 / 基本满意 take accept_result, 不满意 (with a reason) redo
        Transition(
            "rate",
            source="completed",
            target="rated",
            label=_("Rate the service"),
            allow=(APPLICANT,),
            fields=(
                _satisfaction("rating", _("Rating"), Rating.choices),
                Text("reason", _("What is not right (required when not satisfied)"), max_length=1000, required=False),
            ),
            pick=Pick(
                "rating", {Rating.SATISFIED: "accept_result", Rating.BASIC: "accept_result", Rating.UNSATISFIED: "redo"}
            ),
            note=False,
        ),
        Transition(
            "auto_rate",
            source="completed",
            target="rated",
            label=_("Not rated in time: left to the revisit"),
            allow=(SYSTEM,),
        ),
        Transition(
            "revisit_ok",
            source="rated",
            target="closed",
            label=_("Revisit: satisfied (回访满意)"),
            allow=COUNTER,
            fields=(
                Choice("how", _("How the villager was asked"), options=REVISIT_HOW, radio=True),
                _satisfaction("satisfaction", _("The villager's answer"), RATINGS_THAT_CLOSE),
            ),
            effects=(revisited,),
            done_url=_back_to_revisits,
        ),
        Transition(
            "revisit_redo",
            source="rated",
            target="handling",
            label=_("Revisit: not satisfied, to be redone (限期重办)"),
            allow=COUNTER,
            fields=(
                Choice("how", _("How the villager was asked"), options=REVISIT_HOW, radio=True),
                Text("reason", _("What is not right"), max_length=1000),
            ),
            effects=(redo_at_revisit,),
            done_url=_back_to_revisits,
            notify=(AGENT,),
            notify_text=_told(_("Request %(number)s (%(item)s) is to be redone after the revisit")),
        ),
        # the monthly revisit's one form: 满意 / 基本满意 close the request, 不满意 sends it back to be redone
        Transition(
            "revisit",
            source="rated",
            target="closed",
            label=_("Record the revisit (回访)"),
            allow=COUNTER,
            fields=(
                Choice("how", _("How the villager was asked"), options=REVISIT_HOW, radio=True),
                _satisfaction("satisfaction", _("The villager's answer"), Rating.choices),
                Text("reason", _("What is not right (required when not satisfied)"), max_length=1000, required=False),
            ),
            pick=Pick(
                "satisfaction",
                {Rating.SATISFIED: "revisit_ok", Rating.BASIC: "revisit_ok", Rating.UNSATISFIED: "revisit_redo"},
            ),
            note=False,
        ),
        Transition(
            "withdraw",
            source=OPEN,
            target="withdrawn",
            label=_("Withdraw the request"),
            allow=(APPLICANT, RECORDER),
            confirm=_("The request ends here and cannot be reopened; a new one can be made."),
            notify=(AGENT,),
        ),
    ],
)
