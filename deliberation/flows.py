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
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.roles import Role
from core.workflow import SYSTEM, Deadline, Extend, Flow, Party, State, Transition
from deliberation import meetings_link

PARTY_KINDS = ("party_members",)
DECIDING_KINDS = ("villagers_assembly", "representatives")
ASSEMBLY_KINDS = ("villagers_assembly",)
COUNCIL_KINDS = ("party_masses",)

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


# -- guards -------------------------------------------------------------------------------------------------


def _enough_cosigners(step):
    topic = step.case
    if topic.origin != "villagers":
        return
    from deliberation.models import CoSignature

    signed = CoSignature.objects.filter(topic=topic).count()
    if signed < topic.co_sign_min:
        raise DomainError(
            _(
                "A villagers' joint proposal is taken up once %(need)s households have signed it; "
                "%(signed)s have so far."
            )
            % {"need": topic.co_sign_min, "signed": signed},
            code="cosign",
        )


def _needs_motion(kinds, *, label, reserved_required: bool = False, deciding: bool = False):
    """A guard: the topic's (or rules version's) newest decided motion in a meeting of ``kinds`` must be adopted.
    Stores the motion's id and its meeting in the step's data."""

    def guard(step):
        case = step.case
        motion = meetings_link.latest_decided(case.subject, kinds)
        if motion is None:
            raise DomainError(
                _(
                    "No %(body)s has decided this yet: put it on the agenda of one (from this page) and let the "
                    "meeting vote first."
                )
                % {"body": label},
                code="motion",
            )
        if motion.outcome != "adopted":
            raise DomainError(
                _("The %(body)s did not adopt it (%(outcome)s); this step needs an adopted motion.")
                % {"body": label, "outcome": motion.get_outcome_display()},
                code="motion",
            )
        matter = getattr(case, "reserved_matter", "") or ("village_rules" if reserved_required else "")
        if deciding and matter and motion.reserved_matter != matter:
            raise DomainError(
                _(
                    "This is a matter reserved to the villagers' assembly, but the motion was not put as that matter; "
                    "put it on the agenda again from this page."
                ),
                code="motion",
            )
        step.data["motion"] = motion.pk
        step.data["meeting"] = motion.meeting_id
        step.data["meeting_kind"] = motion.meeting.kind
        step.data["meeting_title"] = motion.meeting.title

    return guard


def _party_masses_if_needed(step):
    topic = step.case
    if not topic.needs_party_masses:
        return
    _needs_motion(COUNCIL_KINDS, label=_("party-masses council (党群议事会)"))(step)


def _decision_is_public(step):
    from deliberation.models import Decision
    from transparency.privacy import check_public_text

    decision = Decision.objects.filter(topic=step.case).first()
    if decision is not None:
        check_public_text(decision=decision.text)
    if step.data.get("result"):
        check_public_text(result=str(step.data["result"]))


def _tasks_finished(step):
    from deliberation.models import Task

    open_tasks = Task.objects.filter(decision__topic=step.case).exclude(state__in=("done", "cancelled")).count()
    if open_tasks:
        raise DomainError(
            _("%(n)s task(s) of this decision are not finished yet; report the result when they are.")
            % {"n": open_tasks},
            code="tasks",
        )


def _rules_text_ok(step):
    check_no_coercion(step.case.text)


def _keep_comments(step):
    step.case.review_comments = str(step.data.get("comments") or "").strip()[:4000]
    return ["review_comments"]


def _promulgated(step):
    step.case.promulgated_at = step.now
    return ["promulgated_at"]


def _owner_test(actor, task):
    return task.owner_id is not None and task.owner_id == actor.pk


OWNER = Party(gettext_lazy("the task's owner"), _owner_test)


def _extend_due(step):
    days = int(step.data.get("days") or 0)
    if days and step.case.deadline_at is not None:
        from django.utils import timezone

        step.case.due_date = timezone.localtime(step.calendar.add_working_days(step.case.deadline_at, days)).date()
        return ["due_date"]
    return []


def _task_result(step):
    from transparency.privacy import check_public_text

    result = str(step.data.get("result") or "").strip()
    check_public_text(result=result)
    step.case.result = result[:4000]
    return ["result"]


# -- the declarations -----------------------------------------------------------------------------------------

_DROP_LABEL = gettext_lazy("Stop this topic")

SIX_STEPS = Flow(
    "deliberation_six",
    label=gettext_lazy("Six-step deliberation (六步议事)"),
    model="deliberation.Topic",
    initial="proposed",
    start_allow=(Role.VILLAGE_CADRE, Role.VILLAGER),
    viewers=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL, Role.COUNTY_ADMIN, Role.REVIEWER, Role.VILLAGE_SUPERVISOR),
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
        Transition(
            "confirm",
            source="proposed",
            target="confirmed",
            label=gettext_lazy("Confirm the topic (确定议题)"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_enough_cosigners,),
        ),
        Transition(
            "vet",
            source="confirmed",
            target="vetted",
            label=gettext_lazy("Vet the content (内容审定)"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("note",),
        ),
        Transition(
            "deliberate",
            source="vetted",
            target="deliberated",
            label=gettext_lazy("Record the deliberation (协商议事)"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("outcome",),
            guards=(_party_masses_if_needed,),
        ),
        Transition(
            "publish",
            source="deliberated",
            target="published",
            label=gettext_lazy("Publish (公开公示)"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_decision_is_public,),
        ),
        Transition(
            "implement",
            source="published",
            target="done",
            label=gettext_lazy("Report the implementation (研究落实)"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("result",),
            guards=(_tasks_finished, _decision_is_public),
        ),
        Transition(
            "drop",
            source={"proposed", "confirmed", "vetted"},
            target="dropped",
            label=_DROP_LABEL,
            allow=(Role.VILLAGE_CADRE,),
            requires=("reason",),
        ),
    ],
)

FOUR_TWO = Flow(
    "deliberation_four",
    label=gettext_lazy("Four deliberations, two disclosures (四议两公开)"),
    model="deliberation.Topic",
    initial="proposed",
    start_allow=(Role.VILLAGE_CADRE, Role.VILLAGER),
    viewers=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL, Role.COUNTY_ADMIN, Role.REVIEWER, Role.VILLAGE_SUPERVISOR),
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
        Transition(
            "branch_propose",
            source="proposed",
            target="branch_proposed",
            label=gettext_lazy("Proposal of the party branch (村党组织提议)"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_enough_cosigners,),
        ),
        Transition(
            "committees",
            source="branch_proposed",
            target="discussed",
            label=gettext_lazy("Discussion of the two committees (两委会议商议)"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("note",),
        ),
        Transition(
            "members",
            source="discussed",
            target="members_reviewed",
            label=gettext_lazy("Review by the party members' meeting (党员大会审议)"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_needs_motion(PARTY_KINDS, label=gettext_lazy("party members' meeting (党员大会)")),),
        ),
        Transition(
            "resolve",
            source="members_reviewed",
            target="resolved",
            label=gettext_lazy("Resolution of the villagers' (representatives') meeting (决议)"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(
                _needs_motion(
                    DECIDING_KINDS,
                    label=gettext_lazy("villagers' assembly or representatives meeting (村民会议或村民代表会议)"),
                    deciding=True,
                ),
            ),
        ),
        Transition(
            "publish_decision",
            source="resolved",
            target="published",
            label=gettext_lazy("Publish the decision (决议公开)"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_decision_is_public,),
        ),
        Transition(
            "publish_result",
            source="published",
            target="done",
            label=gettext_lazy("Publish the result (实施结果公开)"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("result",),
            guards=(_tasks_finished, _decision_is_public),
        ),
        Transition(
            "drop",
            source={"proposed", "branch_proposed", "discussed", "members_reviewed"},
            target="dropped",
            label=_DROP_LABEL,
            allow=(Role.VILLAGE_CADRE,),
            requires=("reason",),
        ),
    ],
)

TOPIC_FLOWS = {"six_steps": SIX_STEPS, "four_two": FOUR_TWO}
DECIDING_STEPS = {"deliberate", "resolve"}
PUBLISH_STEPS = {"publish", "publish_decision"}
RESULT_STEPS = {"implement", "publish_result"}
FINAL_TOPIC_STATES = ("done", "dropped")


def flow_of(topic):
    return TOPIC_FLOWS[topic.procedure]


TASK = Flow(
    "deliberation_task",
    label=gettext_lazy("Task carrying out a decision (落实任务)"),
    model="deliberation.Task",
    initial="in_progress",
    start_allow=(Role.VILLAGE_CADRE,),
    viewers=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL, Role.COUNTY_ADMIN, Role.REVIEWER, Role.VILLAGE_SUPERVISOR),
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
            requires=("note",),
        ),
        Transition(
            "extend",
            source="in_progress",
            target="in_progress",
            label=gettext_lazy("Extend the deadline"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("days", "note"),
            deadline=Extend(field="days", max_total=10),
            effects=(_extend_due,),
        ),
        Transition(
            "complete",
            source="in_progress",
            target="done",
            label=gettext_lazy("Report it done"),
            allow=(Role.VILLAGE_CADRE, OWNER),
            requires=("result",),
            effects=(_task_result,),
        ),
        Transition(
            "cancel",
            source="in_progress",
            target="cancelled",
            label=gettext_lazy("Cancel the task"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("reason",),
        ),
    ],
)

RULES = Flow(
    "village_rules",
    label=gettext_lazy("Village rules (村规民约)"),
    model="deliberation.RulesVersion",
    initial="collecting",
    start_allow=(Role.VILLAGE_CADRE,),
    viewers=(Role.COUNTY_OFFICIAL, Role.COUNTY_ADMIN, Role.REVIEWER, Role.VILLAGE_SUPERVISOR),
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
        Transition(
            "draft",
            source="collecting",
            target="drafted",
            label=gettext_lazy("Draft written (拟定草案)"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("note",),
        ),
        Transition(
            "submit",
            source="drafted",
            target="submitted",
            label=gettext_lazy("Submit to the township for review (提请乡镇审核)"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_rules_text_ok,),
        ),
        Transition(
            "return",
            source="submitted",
            target="drafted",
            label=gettext_lazy("Return with comments (退回修改)"),
            allow=(Role.TOWNSHIP_OFFICIAL,),
            requires=("comments",),
            effects=(_keep_comments,),
        ),
        Transition(
            "approve",
            source="submitted",
            target="approved",
            label=gettext_lazy("Approve the draft (审核通过)"),
            allow=(Role.TOWNSHIP_OFFICIAL,),
            guards=(_rules_text_ok,),
            effects=(_keep_comments,),
        ),
        Transition(
            "adopt",
            source="approved",
            target="adopted",
            label=gettext_lazy("Adopted by the villagers' assembly (村民会议审议表决)"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(
                _needs_motion(
                    ASSEMBLY_KINDS,
                    label=gettext_lazy("villagers' assembly (村民会议)"),
                    reserved_required=True,
                    deciding=True,
                ),
            ),
        ),
        Transition(
            "file",
            source="adopted",
            target="filed",
            label=gettext_lazy("File it (备案)"),
            allow=(Role.TOWNSHIP_OFFICIAL,),
        ),
        Transition(
            "promulgate",
            source="filed",
            target="in_force",
            label=gettext_lazy("Promulgate (公布)"),
            allow=(Role.VILLAGE_CADRE,),
            effects=(_promulgated,),
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
            requires=("reason",),
        ),
    ],
)

RULES_EDITABLE = ("collecting", "drafted")
RULES_SIGNABLE = ("adopted", "filed", "in_force")
RULES_PUBLIC = ("in_force",)
