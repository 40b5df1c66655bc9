"""The procedures of 议事协商, declared for core.workflow (docs/workflow.md, docs/deliberation.md).

六步议事 (米易, ordinary matters)::

    proposed ─confirm (确定议题)─► confirmed ─vet (内容审定)─► vetted ─deliberate (协商议事)─► deliberated
      ─publish (公开公示)─► published ─implement (研究落实: the result)─► done
    (drop, with a reason, from any state before the decision)

四议两公开 (major matters and the Art. 24 reserved matters)::

    proposed ─branch_propose (村党组织提议)─► branch_proposed ─committees (村两委会议商议)─► discussed
      ─members (党员大会审议: an adopted motion of a 党员大会)─► members_reviewed
      ─resolve (村民会议或村民代表会议决议: an adopted motion of one of them)─► resolved
      ─publish_decision (决议公开)─► published ─publish_result (实施结果公开)─► done

A topic proposed by the party branch or the two committees starts already proposed by the branch (the service takes
``branch_propose`` at once); a villagers' joint proposal waits in ``proposed`` until enough households co-sign.

A task (落实任务)::

    in_progress ─progress (进展, stays)─┐ ─extend (≤ 10 working days in all)─┐ ─complete (result)─► done
                                        ▲─────────────────────────────────┘   └─cancel (reason)─► cancelled
    deadline: the task's working days (up to its due date); flagged overdue when it passes.

村规民约 (民政部等《关于做好村规民约和居民公约工作的指导意见》2018; Organic Law Art. 27)::

    collecting (征集民意) ─draft (拟定草案)─► drafted ─submit (提请乡镇审核)─► submitted
      ─approve (乡镇审核通过) / return (退回修改, comments → drafted)─► approved
      ─adopt (村民会议审议表决: an adopted motion of a 村民会议, matter village_rules)─► adopted
      ─file (乡镇备案)─► filed ─promulgate (公布)─► in_force ─supersede (system, a newer version)─► superseded

Each step is declared once (docs/workflow.md §7): what a person gives with it (``fields``), whether it cannot be
undone (``confirm``: publishing, stopping, returning, cancelling), who is told (``notify``), why it must wait
(``waiting``: co-signatures, an adopted motion, open tasks; deliberation/checks.py) and what it writes besides the case
(``effects``: the decision and its publication; deliberation/effects.py). The step forms of the case pages, the
generic step view and API (casework) and the timeline's facts come from that declaration.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.parties import VILLAGERS
from core.errors import DomainError
from core.fields import NOTE, Integer, Text
from core.roles import Action, Role
from core.workflow import SYSTEM, Deadline, Extend, Flow, Party, State, Transition
from deliberation import checks, effects

PARTY_KINDS = ("party_members",)
DECIDING_KINDS = ("villagers_assembly", "representatives")
ASSEMBLY_KINDS = ("villagers_assembly",)
COUNCIL_KINDS = ("party_masses",)
MAX_TEXT = 8000

# Words that mark a coercive penalty a village cannot impose (不得滥用强制处罚; 指导意见 2018, Organic Law Art. 27
# second paragraph: the rules may not infringe villagers' personal, democratic or property rights).
COERCIVE_TERMS = (
    "罚款",
    "罚金",
    "处罚金",
    "没收",
    "扣押",
    "拘留",
    "关押",
    "游街",
    "体罚",
    "开除村籍",
    "取消村民资格",
    "停水停电",
    "断水断电",
    "停水",
    "停电",
    "不予办理",
)


def coercive_clauses(text: str) -> list[tuple[int, str, str]]:
    """(clause number, clause, the word found) for every clause of ``text`` that imposes a coercive penalty."""
    found = []
    clauses = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for n, clause in enumerate(clauses, start=1):
        plain = re.sub(r"\s+", "", clause)
        for term in COERCIVE_TERMS:
            if term in plain:
                found.append((n, clause, term))
                break
    return found


def check_no_coercion(text: str, field: str = "text") -> None:
    problems = coercive_clauses(text)
    if problems:
        raise DomainError(
            {
                field: [
                    _(
                        "Clause %(n)s contains “%(term)s”: village rules may not impose coercive penalties such as "
                        "fines (不得滥用强制处罚). Use persuasion, criticism or points instead."
                    )
                    % {"n": n, "term": term}
                    for n, _clause, term in problems
                ]
            },
            code="coercive",
        )


# -- guards (deliberation/checks.py) ------------------------------------------------------------------------


def _rules_text_ok(step):
    check_no_coercion(step.case.text)


_COUNCIL = checks.needs_motion(COUNCIL_KINDS, label=gettext_lazy("party-masses council (党群议事会)"))


def _party_masses_if_needed(step):
    if step.case.needs_party_masses:
        _COUNCIL(step)


def _party_masses_waiting(topic, now) -> str:
    return _COUNCIL.waiting(topic, now) if topic.needs_party_masses else ""


# -- who is told ----------------------------------------------------------------------------------------------


def _owner_test(actor, task):
    return task.owner_id is not None and task.owner_id == actor.pk


OWNER = Party(gettext_lazy("the task's owner"), _owner_test, people=lambda task: [task.owner_id])
PROPOSER = Party(
    gettext_lazy("the topic's proposer"),
    lambda actor, topic: topic.proposer_id == actor.pk,
    people=lambda topic: [topic.proposer_id],
)


# -- what a person gives with each step (labels as on the earlier step forms) ---------------------------------

_NOTES = gettext_lazy("Notes")
_PUBLIC_HELP = gettext_lazy("Shown on the public page: write nothing personal.")


def _note(*, required: bool = False, help="") -> Text:
    return Text(NOTE, _NOTES, required=required, help=help, max_length=MAX_TEXT if required else 4000)


def _text(name: str, label, *, required: bool = True, help="") -> Text:
    return Text(name, label, required=required, help=help, max_length=MAX_TEXT)


OUTCOME = _text("outcome", gettext_lazy("What the deliberation agreed (协商结果)"))
RESULT = _text("result", pgettext_lazy("deliberation", "Result"), help=_PUBLIC_HELP)
REASON = _text("reason", gettext_lazy("Reason"))
NOTE_ONLY = (_note(),)


# -- the declarations -----------------------------------------------------------------------------------------

_DROP_LABEL = gettext_lazy("Stop this topic")
_DROP_CONFIRM = gettext_lazy("The topic is stopped for good; it cannot be taken up again.")
_PUBLISH_CONFIRM = gettext_lazy(
    "The decision is published on the village's public page at once and cannot be taken back."
)
_RESULT_CONFIRM = gettext_lazy(
    "The result is published on the village's public page and the topic is closed; this cannot be taken back."
)
_VIEW = (Action.DELIBERATION_VIEW,)
# what the two topic procedures share: the model, who opens a topic, its pages, service and selector
_TOPIC = {
    "model": "deliberation.Topic",
    "initial": "proposed",
    "start_allow": (Role.VILLAGE_CADRE, Role.VILLAGER),
    "view": _VIEW,
    "service": "deliberation.services.take_topic_step",
    "page": "deliberation.views.topics.topic_page",
    "detail": "deliberation.api.topic_case",
    "find": "deliberation.selectors.topic",
}


def _to_sign(step) -> str:
    return _("The village rules “%(title)s” are in force: your household is asked to sign them.") % {
        "title": step.case.title
    }


def _publish(name: str, source: str, label) -> Transition:
    """Publishing the decision on the village's public page (公开): cannot be taken back; the proposer is told."""
    return Transition(
        name,
        source=source,
        target="published",
        label=label,
        allow=(Role.VILLAGE_CADRE,),
        fields=NOTE_ONLY,
        guards=(checks.decision_is_public,),
        effects=(effects.publish_decision,),
        confirm=_PUBLISH_CONFIRM,
        notify=(PROPOSER,),
    )


def _result(name: str, label) -> Transition:
    """Publishing the result once every task is done (实施结果公开), closing the topic."""
    return Transition(
        name,
        source="published",
        target="done",
        label=label,
        allow=(Role.VILLAGE_CADRE,),
        fields=(RESULT, _note()),
        guards=(checks.tasks_finished, checks.decision_is_public),
        effects=(effects.publish_result,),
        confirm=_RESULT_CONFIRM,
        waiting=checks.open_tasks_problem,
    )


def _take_up(name: str, target: str, label) -> Transition:
    """Taking up a proposed topic (确定议题, 村党组织提议): a villagers' joint proposal waits until enough households
    co-signed; the proposer is told."""
    return Transition(
        name,
        source="proposed",
        target=target,
        label=label,
        allow=(Role.VILLAGE_CADRE,),
        fields=NOTE_ONLY,
        guards=(checks.enough_cosigners,),
        waiting=checks.cosign_problem,
        notify=(PROPOSER,),
    )


def _recorded(name: str, source: str, target: str, label, help) -> Transition:
    """A cadre's step whose note must say what was done (``help`` asks for it: who vetted, when the committees met,
    how opinions were collected)."""
    return Transition(
        name,
        source=source,
        target=target,
        label=label,
        allow=(Role.VILLAGE_CADRE,),
        fields=(_note(required=True, help=help),),
    )


def _by_motion(name: str, source: str, target: str, label, motion, *, effects=(), notify=()) -> Transition:
    """A cadre's step that waits for an adopted motion of the meeting ``motion`` asks for (checks.needs_motion)."""
    return Transition(
        name,
        source=source,
        target=target,
        label=label,
        allow=(Role.VILLAGE_CADRE,),
        fields=NOTE_ONLY,
        guards=(motion,),
        effects=effects,
        waiting=motion.waiting,
        notify=notify,
    )


def _drop(source: set[str]) -> Transition:
    return Transition(
        "drop",
        source=source,
        target="dropped",
        label=_DROP_LABEL,
        allow=(Role.VILLAGE_CADRE,),
        fields=(REASON, _note()),
        confirm=_DROP_CONFIRM,
        notify=(PROPOSER,),
    )


SIX_STEPS = Flow(
    "deliberation_six",
    label=gettext_lazy("Six-step deliberation (六步议事)"),
    **_TOPIC,
    states=[
        State("proposed", gettext_lazy("Proposed (提出议题)")),
        State("confirmed", gettext_lazy("Topic confirmed (确定议题)")),
        State("vetted", gettext_lazy("Content vetted (内容审定)")),
        State("deliberated", gettext_lazy("Deliberated (协商议事)")),
        State("published", gettext_lazy("Published (公开公示)")),
        State("done", gettext_lazy("Carried out (研究落实)")),
        State("dropped", gettext_lazy("Stopped")),
    ],
    transitions=[
        _take_up("confirm", "confirmed", gettext_lazy("Confirm the topic (确定议题)")),
        _recorded(
            "vet",
            "confirmed",
            "vetted",
            gettext_lazy("Vet the content (内容审定)"),
            help=gettext_lazy("Who vetted it and what was checked (政策、法律、可行性)."),
        ),
        Transition(
            "deliberate",
            source="vetted",
            target="deliberated",
            label=gettext_lazy("Record the deliberation (协商议事)"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(OUTCOME, _note()),
            guards=(_party_masses_if_needed,),
            effects=(effects.record_decision,),
            waiting=_party_masses_waiting,
        ),
        _publish("publish", "deliberated", gettext_lazy("Publish (公开公示)")),
        _result("implement", gettext_lazy("Report the implementation (研究落实)")),
        _drop({"proposed", "confirmed", "vetted"}),
    ],
)

_MEMBERS = checks.needs_motion(PARTY_KINDS, label=gettext_lazy("party members' meeting (党员大会)"))
_DECIDING = checks.needs_motion(
    DECIDING_KINDS,
    label=gettext_lazy("villagers' assembly or representatives meeting (村民会议或村民代表会议)"),
    deciding=True,
)

FOUR_TWO = Flow(
    "deliberation_four",
    label=gettext_lazy("Four deliberations, two disclosures (四议两公开)"),
    **_TOPIC,
    states=[
        State("proposed", gettext_lazy("Waiting for the party branch's proposal")),
        State("branch_proposed", gettext_lazy("Proposed by the party branch (党组织提议)")),
        State("discussed", gettext_lazy("Discussed by the two committees (两委商议)")),
        State("members_reviewed", gettext_lazy("Reviewed by the party members (党员大会审议)")),
        State("resolved", gettext_lazy("Resolved (村民会议或村民代表会议决议)")),
        State("published", gettext_lazy("Decision published (决议公开)")),
        State("done", gettext_lazy("Result published (实施结果公开)")),
        State("dropped", gettext_lazy("Stopped")),
    ],
    transitions=[
        _take_up("branch_propose", "branch_proposed", gettext_lazy("Proposal of the party branch (村党组织提议)")),
        _recorded(
            "committees",
            "branch_proposed",
            "discussed",
            gettext_lazy("Discussion of the two committees (两委会议商议)"),
            help=gettext_lazy("When the two committees met and what they agreed."),
        ),
        _by_motion(
            "members",
            "discussed",
            "members_reviewed",
            gettext_lazy("Review by the party members' meeting (党员大会审议)"),
            _MEMBERS,
        ),
        _by_motion(
            "resolve",
            "members_reviewed",
            "resolved",
            gettext_lazy("Resolution of the villagers' (representatives') meeting (决议)"),
            _DECIDING,
            effects=(effects.record_decision,),
        ),
        _publish("publish_decision", "resolved", gettext_lazy("Publish the decision (决议公开)")),
        _result("publish_result", gettext_lazy("Publish the result (实施结果公开)")),
        _drop({"proposed", "branch_proposed", "discussed", "members_reviewed"}),
    ],
)

TOPIC_FLOWS = {"six_steps": SIX_STEPS, "four_two": FOUR_TWO}
FINAL_TOPIC_STATES = ("done", "dropped")

#: What the first event of each flow means here (the engine's generic label reads as opening a case, 立案).
START_LABELS = {
    "deliberation_six": gettext_lazy("Topic proposed"),
    "deliberation_four": gettext_lazy("Topic proposed"),
    "deliberation_task": gettext_lazy("Task assigned"),
    "village_rules": gettext_lazy("Drafting of the village rules started"),
}


def flow_of(topic):
    return TOPIC_FLOWS[topic.procedure]


TASK = Flow(
    "deliberation_task",
    label=gettext_lazy("Task carrying out a decision (落实任务)"),
    model="deliberation.Task",
    initial="in_progress",
    start_allow=(Role.VILLAGE_CADRE,),
    view=_VIEW,
    start_notify=(OWNER,),
    start_notify_text=gettext_lazy("A task is yours: “%(case)s”."),
    page="deliberation.views.tasks.task_page",
    detail="deliberation.api.task_case",
    find="deliberation.selectors.task",
    states=[
        State(
            "in_progress",
            gettext_lazy("In progress"),
            deadline=Deadline(field="working_days", working_days=10),
        ),
        State("done", gettext_lazy("Done")),
        State("cancelled", gettext_lazy("Cancelled")),
    ],
    transitions=[
        Transition(
            "progress",
            source="in_progress",
            target="in_progress",
            label=gettext_lazy("Record progress"),
            allow=(Role.VILLAGE_CADRE, OWNER),
            fields=(_note(required=True, help=_PUBLIC_HELP),),
            guards=(checks.public_note,),
        ),
        Transition(
            "extend",
            source="in_progress",
            target="in_progress",
            label=gettext_lazy("Extend the deadline"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(
                Integer("days", gettext_lazy("Working days to add (at most 10 in all)"), min=1, max=10),
                _note(required=True),
            ),
            deadline=Extend(field="days", max_total=10),
            effects=(effects.extend_due,),
            notify=(OWNER,),
        ),
        Transition(
            "complete",
            source="in_progress",
            target="done",
            label=gettext_lazy("Report it done"),
            allow=(Role.VILLAGE_CADRE, OWNER),
            fields=(RESULT, _note()),
            effects=(effects.task_result,),
            confirm=gettext_lazy(
                "The task is closed as done and its result is shown on the public page; this cannot be taken back."
            ),
        ),
        Transition(
            "cancel",
            source="in_progress",
            target="cancelled",
            label=gettext_lazy("Cancel the task"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(REASON, _note()),
            confirm=gettext_lazy("The task is cancelled for good; it cannot be taken up again."),
            notify=(OWNER,),
        ),
    ],
)

_ASSEMBLY = checks.needs_motion(
    ASSEMBLY_KINDS,
    label=gettext_lazy("villagers' assembly (村民会议)"),
    reserved_required=True,
    deciding=True,
)
_COMMENTS = gettext_lazy("Township's comments")

RULES = Flow(
    "village_rules",
    label=gettext_lazy("Village rules (村规民约)"),
    model="deliberation.RulesVersion",
    initial="collecting",
    start_allow=(Role.VILLAGE_CADRE,),
    view=_VIEW,
    page="deliberation.views.rules.rules_page",
    detail="deliberation.api.rules_case",
    find="deliberation.selectors.rules",
    states=[
        State("collecting", gettext_lazy("Collecting opinions (征集民意)")),
        State("drafted", gettext_lazy("Draft written (拟定草案)")),
        State("submitted", gettext_lazy("With the township for review (提请乡镇审核)")),
        State("approved", gettext_lazy("Approved by the township")),
        State("adopted", gettext_lazy("Adopted by the villagers' assembly (村民会议表决通过)")),
        State("filed", gettext_lazy("Filed with the township (备案)")),
        State("in_force", gettext_lazy("Promulgated, in force (公布施行)")),
        State("superseded", gettext_lazy("Replaced by a newer version")),
        State("dropped", gettext_lazy("Abandoned")),
    ],
    transitions=[
        _recorded(
            "draft",
            "collecting",
            "drafted",
            gettext_lazy("Draft written (拟定草案)"),
            help=gettext_lazy("How opinions were collected (院坝会、入户、线上) and what the draft takes up."),
        ),
        Transition(
            "submit",
            source="drafted",
            target="submitted",
            label=gettext_lazy("Submit to the township for review (提请乡镇审核)"),
            allow=(Role.VILLAGE_CADRE,),
            fields=NOTE_ONLY,
            guards=(_rules_text_ok,),
            notify=(Role.TOWNSHIP_OFFICIAL,),
        ),
        Transition(
            "return",
            source="submitted",
            target="drafted",
            label=gettext_lazy("Return with comments (退回修改)"),
            allow=(Role.TOWNSHIP_OFFICIAL,),
            fields=(_text("comments", _COMMENTS), _note()),
            effects=(effects.keep_comments,),
            confirm=gettext_lazy("The draft goes back to the village, which must change it and submit it again."),
            notify=(Role.VILLAGE_CADRE,),
        ),
        Transition(
            "approve",
            source="submitted",
            target="approved",
            label=gettext_lazy("Approve the draft (审核通过)"),
            allow=(Role.TOWNSHIP_OFFICIAL,),
            fields=(_text("comments", _COMMENTS, required=False), _note()),
            guards=(_rules_text_ok,),
            effects=(effects.keep_comments,),
            notify=(Role.VILLAGE_CADRE,),
        ),
        _by_motion(
            "adopt",
            "approved",
            "adopted",
            gettext_lazy("Adopted by the villagers' assembly (村民会议审议表决)"),
            _ASSEMBLY,
            effects=(effects.record_rules_decision,),
            notify=(Role.TOWNSHIP_OFFICIAL,),
        ),
        Transition(
            "file",
            source="adopted",
            target="filed",
            label=gettext_lazy("File it (备案)"),
            allow=(Role.TOWNSHIP_OFFICIAL,),
            fields=NOTE_ONLY,
            notify=(Role.VILLAGE_CADRE,),
        ),
        Transition(
            "promulgate",
            source="filed",
            target="in_force",
            label=gettext_lazy("Promulgate (公布)"),
            allow=(Role.VILLAGE_CADRE,),
            fields=NOTE_ONLY,
            effects=(effects.promulgate,),
            confirm=gettext_lazy(
                "The rules come into force and are published at once, replacing the version in force; this cannot "
                "be taken back."
            ),
            notify=(VILLAGERS,),
            notify_text=_to_sign,
            message="deliberation.rules_to_sign",
        ),
        Transition(
            "supersede",
            source="in_force",
            target="superseded",
            label=gettext_lazy("Replaced by a newer version"),
            allow=(SYSTEM,),
        ),
        Transition(
            "drop",
            source={"collecting", "drafted", "approved"},
            target="dropped",
            label=gettext_lazy("Abandon this draft"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(REASON, _note()),
            confirm=gettext_lazy("This draft is abandoned for good; it cannot be taken up again."),
        ),
    ],
)

RULES_EDITABLE = ("collecting", "drafted")
RULES_SIGNABLE = ("adopted", "filed", "in_force")
RULES_PUBLIC = ("in_force",)
