"""The procedures of the small-power list, declared for core.workflow (docs/workflow.md, docs/powers.md).

低保评议 (seed 003 #11: 低保 passes the 党群议事会; 最低生活保障审核确认办法)::

    applied ─survey (村, 入户调查)─► surveyed ─deliberate (党群议事会/村民代表)─► deliberated
    ─publicize (≥7 days)─►
    publicized ─submit_review (window over, every objection answered)─► township ─township_approve─► county
    ─county_approve (县民政审批)─► approved ─publish_result (结果公开)─► closed
    applied ⇄ documents (ask_documents / supply); refusals: village_reject, township_reject, county_reject → rejected;
    the applicant may withdraw before the survey.

宅基地申请::

    applied ─group_meeting (村民小组会议)─► group_discussed ─village_review (+ 公示)─► publicized ─submit_review─►
    township ─township_opinions (农业农村/自然资源)─► reviewed ─approve─► approved ─start_check (开工查验)─►
    building ─completion_check (竣工验收)─► closed

集体资产处置 (Organic Law Art. 24: lending or leasing collective property is for the 村民会议)::

    proposed (opened by the 两委商议) ─resolve (村民会议/代表会议)─► resolved ─publicize─► publicized
    ─trade (评估/公开交易)─►
    traded ─sign (合同签订)─► signed ─publish_result (结果公开)─► closed

一般程序 (the other powers of the list)::

    applied ─handle (村两委办理)─► handled ─publish_result─► closed

Deadlines: each village step has the power's ``step_days`` working days, the township's review its
``review_days`` (copied onto the matter when it is opened); a step not taken in time is flagged overdue.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.errors import DomainError
from core.fields import Choice, Date, Decimal, Files, Integer, Text
from core.roles import Action, Role
from core.workflow import Deadline, Flow, Party, State, Transition
from powers import people, rules

APPLICANT = Party(_("the applicant"), lambda actor, case: case.applicant_id == actor.pk)
# the applicant and the accounts of the household the matter is for (told of its outcome)
HOUSEHOLD = Party(_("the household"), lambda actor, case: False, people=people.household_side)

VILLAGE = (Role.VILLAGE_CADRE,)
TOWNSHIP = (Role.TOWNSHIP_OFFICIAL,)
# the household itself, the grid worker of its grid, a cadre of its village (代办), or whoever applied
HOUSEHOLD_SIDE = (Role.VILLAGER, Role.GRID_WORKER, Role.VILLAGE_CADRE, APPLICANT)

STEP = Deadline(field="step_days", working_days=5)
REVIEW = Deadline(field="review_days", working_days=10)
DOCUMENTS = Deadline(working_days=10)

# -- the fields the steps take ----------------------------------------------------------------------------------

DOCUMENTS_HELP = _("PDF or photos, at most 10 MB each.")


def _area(name, label, *, required=True, help=""):
    return Text(name, label, max_length=2000, required=required, help=help)


def _line(name, label, *, max_length=100, help=""):
    return Text(name, label, max_length=max_length, multiline=False, help=help)


def _files(label, *, required=False):
    return Files(label=label, required=required, max_count=10, help=DOCUMENTS_HELP)


def _posted_until(actor, case):
    return timezone.localdate() + timedelta(days=rules.posting_days(case))


POSTED_UNTIL = Date("publicity_until", _("Posted until"), initial=_posted_until)


def _with_meetings(actor, case) -> bool:
    return rules.meetings_selector() is not None


def _without_meetings(actor, case) -> bool:
    return rules.meetings_selector() is None


def _meeting_fields(*kinds: str) -> tuple:
    """The meeting that decided: an adopted motion of the meetings app, or (without it) the meeting's facts."""
    count = {"min": 0, "max": 100000, "when": _without_meetings}
    return (
        Text(
            "motion",
            _("Adopted motion"),
            required=False,
            multiline=False,
            help=_("The motion on this matter adopted at the meeting (meetings). Leave empty to take the latest."),
            when=_with_meetings,
        ),
        Choice("body", _("Meeting"), options=rules.body_choices(kinds), when=_without_meetings),
        Text(
            "meeting_ref",
            _("Meeting reference"),
            multiline=False,
            help=_("e.g. 安家村党群议事会 2026 年第 11 次会议"),
            when=_without_meetings,
        ),
        Date("meeting_date", _("Meeting date"), when=_without_meetings),
        Integer("members", _("Members entitled to attend"), **count),
        Integer("present", _("Present"), **count),
        Integer("votes_for", _("Votes for"), **count),
    )


def _after_posting(case, now) -> str:
    """Why a step that follows the posting (公示) cannot be taken yet — the window is still open or an objection
    waits for its answer — in the words the engine would refuse it with; "" when it can."""
    check = SimpleNamespace(case=case, now=now)
    for guard in (rules.posting_over, rules.objections_answered):
        try:
            guard(check)
        except DomainError as exc:
            return " ".join(exc.messages)
    return ""


# what every procedure of the list shares: its cases, who sees them, the module's service, page, API keys and
# selector (casework.steps), and who hears of a new application
MODULE = {
    "model": "powers.PowerCase",
    "view": (Action.POWER_VIEW,),
    "service": "powers.services.case_step",
    "page": "powers.views.case_page",
    "detail": "powers.api.case_facts",
    "find": "powers.selectors.get",
}
# an application by the household side (every procedure but the asset disposal, which the two committees open)
APPLIED = {
    "initial": "applied",
    "start_allow": (Role.VILLAGER, Role.GRID_WORKER, Role.VILLAGE_CADRE),
    "start_notify": VILLAGE,
    "start_notify_text": _("New application: %(case)s"),
}

FINAL_OK = "closed"
PUBLICITY_STATE = "publicized"
# the queue of the steps the township (or, for a few, the county through it) takes: its review queue
TOWNSHIP_QUEUE = "township"


def _documents_steps(source: str) -> list[Transition]:
    return [
        Transition(
            "ask_documents",
            source=source,
            target="documents",
            label=_("Ask for more documents"),
            allow=VILLAGE,
            fields=(_area("documents", _("Which documents are missing")),),
            notify=(HOUSEHOLD,),
            notify_text=_("Please hand in more documents for %(case)s"),
        ),
        Transition(
            "supply",
            source="documents",
            target=source,
            label=_("Hand in the documents"),
            allow=HOUSEHOLD_SIDE,
            fields=(_files(_("Documents"), required=True), _area("note", _("Note"), required=False)),
            notify=VILLAGE,
            notify_text=_("Documents handed in: %(case)s"),
        ),
    ]


def _withdraw(source) -> Transition:
    return Transition(
        "withdraw",
        source=source,
        target="withdrawn",
        label=_("Withdraw the application"),
        allow=(Role.VILLAGER, APPLICANT),
        fields=(Text("reason", _("Reason"), max_length=500),),
        confirm=_("The application is withdrawn for good; to go on, the household must apply again."),
    )


def _meeting_step(name: str, source: str, target: str, label, *kinds: str) -> Transition:
    """The meeting that decided the matter (民主评议, 村民小组会议, 村民会议): its motion or its facts and votes."""
    return Transition(
        name,
        source=source,
        target=target,
        label=label,
        allow=VILLAGE,
        fields=_meeting_fields(*kinds),
        effects=(rules.meeting(*kinds),),
    )


def _publicize(source: str) -> Transition:
    return Transition(
        "publicize",
        source=source,
        target=PUBLICITY_STATE,
        label=_("Post in the village (村内公示)"),
        allow=VILLAGE,
        fields=(POSTED_UNTIL,),
        effects=(rules.publicize,),
    )


def _submit_review() -> Transition:
    return Transition(
        "submit_review",
        source=PUBLICITY_STATE,
        target="township",
        label=_("Send to the township for review"),
        allow=VILLAGE,
        guards=(rules.posting_over, rules.objections_answered),
        waiting=_after_posting,
        notify=TOWNSHIP,
        notify_text=_("To review: %(case)s"),
    )


def _publish_result(source: str) -> Transition:
    return Transition(
        "publish_result",
        source=source,
        target="closed",
        label=_("Publish the result (结果公开)"),
        allow=VILLAGE,
        effects=(rules.publish_result,),
        confirm=_("The result is posted on the village's public board at once and the matter is closed."),
        notify=(HOUSEHOLD,),
        notify_text=_("Your matter is done: %(case)s"),
    )


def _reject(name: str, source, allow, label, *, queue: str = "") -> Transition:
    return Transition(
        name,
        queue=queue,
        source=source,
        target="rejected",
        label=label,
        allow=allow,
        fields=(_area("reason", _("Reason")),),
        effects=(rules.keep("outcome", "reason"),),
        confirm=_("The matter ends as not approved; the household is told, and this cannot be undone."),
        notify=(HOUSEHOLD,),
        notify_text=_("Your matter is done: %(case)s"),
    )


DIBAO = Flow(
    "powers_dibao",
    label=pgettext_lazy("powers procedure", "Minimum living allowance assessment (低保评议)"),
    **MODULE,
    **APPLIED,
    states=[
        State("applied", _("Applied, waiting for the household survey"), deadline=STEP),
        State("documents", _("Waiting for more documents"), deadline=DOCUMENTS),
        State("surveyed", _("Surveyed, waiting for the democratic assessment"), deadline=STEP),
        State("deliberated", _("Assessed, waiting for the posting"), deadline=STEP),
        State(PUBLICITY_STATE, _("Posted in the village (公示)")),
        State("township", _("Waiting for the township's review"), deadline=REVIEW),
        State("county", _("Waiting for the county civil affairs bureau's approval"), deadline=REVIEW),
        State("approved", _("Approved, waiting for the result to be published"), deadline=STEP),
        State("closed", _("Done, result published")),
        State("rejected", _("Not approved")),
        State("withdrawn", _("Withdrawn")),
    ],
    transitions=[
        Transition(
            "survey",
            source="applied",
            target="surveyed",
            label=_("Household survey (入户调查)"),
            allow=VILLAGE,
            fields=(
                Date("visited_on", _("Visited on"), initial=lambda actor, case: timezone.localdate()),
                _area("findings", _("Findings of the household survey")),
                _files(_("Survey record or photos")),
            ),
        ),
        _meeting_step(
            "deliberate", "surveyed", "deliberated", _("Democratic assessment (民主评议)"), "council", "representatives"
        ),
        _publicize("deliberated"),
        _submit_review(),
        Transition(
            "township_approve",
            queue=TOWNSHIP_QUEUE,
            source="township",
            target="county",
            label=_("Township review passed (乡镇审核)"),
            allow=TOWNSHIP,
            fields=(_area("opinion", _("Township review opinion")),),
        ),
        Transition(
            "township_return",
            queue=TOWNSHIP_QUEUE,
            source="township",
            target="applied",
            label=_("Send back for a new survey"),
            allow=TOWNSHIP,
            fields=(_area("reason", _("Reason")),),
        ),
        Transition(
            "county_approve",
            queue=TOWNSHIP_QUEUE,
            source="county",
            target="approved",
            label=_("Record the county's approval (县民政审批)"),
            allow=TOWNSHIP,
            fields=(
                _line("decision_ref", _("Approval document number"), max_length=60),
                _line("outcome", _("What was approved"), max_length=200, help=_("e.g. 纳入低保，每月 450 元")),
            ),
            effects=(rules.keep("decision_ref", max_length=60), rules.keep("outcome")),
        ),
        _reject("county_reject", "county", TOWNSHIP, _("Record the county's refusal"), queue=TOWNSHIP_QUEUE),
        _reject("township_reject", "township", TOWNSHIP, _("Township review not passed"), queue=TOWNSHIP_QUEUE),
        _reject("village_reject", {"applied", "surveyed"}, VILLAGE, _("Not passed in the village")),
        _publish_result("approved"),
        *_documents_steps("applied"),
        _withdraw({"applied", "documents"}),
    ],
)


HOMESTEAD = Flow(
    "powers_homestead",
    label=_("Homestead application (宅基地申请)"),
    **MODULE,
    **APPLIED,
    states=[
        State("applied", _("Applied, waiting for the group meeting"), deadline=STEP),
        State("documents", _("Waiting for more documents"), deadline=DOCUMENTS),
        State("group_discussed", _("Discussed by the group, waiting for the village review"), deadline=STEP),
        State(PUBLICITY_STATE, _("Posted in the village (公示)")),
        State("township", _("Waiting for the township's review"), deadline=REVIEW),
        State("reviewed", _("Reviewed, waiting for the township's approval"), deadline=REVIEW),
        State("approved", _("Approved, waiting for the on-site check before building")),
        State("building", _("Building, waiting for the completion check")),
        State("closed", _("Done, completion accepted")),
        State("rejected", _("Not approved")),
        State("withdrawn", _("Withdrawn")),
    ],
    transitions=[
        _meeting_step(
            "group_meeting", "applied", "group_discussed", _("Villager group meeting (村民小组会议讨论)"), "group"
        ),
        Transition(
            "village_review",
            source="group_discussed",
            target=PUBLICITY_STATE,
            label=_("Village review and posting (村级审查并公示)"),
            allow=VILLAGE,
            fields=(_area("opinion", _("Village review opinion")), POSTED_UNTIL),
            effects=(rules.publicize,),
        ),
        _submit_review(),
        Transition(
            "township_opinions",
            queue=TOWNSHIP_QUEUE,
            source="township",
            target="reviewed",
            label=_("Township review: agriculture and natural resources opinions (乡镇审核)"),
            allow=TOWNSHIP,
            fields=(
                _area("agriculture_opinion", _("Opinion of agriculture and rural affairs (农业农村)")),
                _area("resources_opinion", _("Opinion of natural resources (自然资源)")),
            ),
        ),
        Transition(
            "approve",
            queue=TOWNSHIP_QUEUE,
            source="reviewed",
            target="approved",
            label=_("Approve (乡镇审批)"),
            allow=TOWNSHIP,
            fields=(_line("decision_ref", _("Approval document number"), max_length=60),),
            effects=(rules.keep("decision_ref", max_length=60),),
        ),
        _reject("reject", {"township", "reviewed"}, TOWNSHIP, _("Refuse"), queue=TOWNSHIP_QUEUE),
        _reject("village_reject", {"applied", "group_discussed"}, VILLAGE, _("Not passed in the village")),
        Transition(
            "start_check",
            queue=TOWNSHIP_QUEUE,
            source="approved",
            target="building",
            label=_("On-site check before building (开工查验)"),
            allow=(Role.TOWNSHIP_OFFICIAL, Role.VILLAGE_CADRE),
            fields=(_area("findings", _("Findings on site")), _files(_("Photos"))),
        ),
        Transition(
            "completion_check",
            queue=TOWNSHIP_QUEUE,
            source="building",
            target="closed",
            label=_("Completion acceptance (竣工验收)"),
            allow=TOWNSHIP,
            fields=(_area("findings", _("Findings on acceptance")), _files(_("Photos"))),
            effects=(rules.keep("outcome", "findings"),),
            notify=(HOUSEHOLD,),
            notify_text=_("Your matter is done: %(case)s"),
        ),
        *_documents_steps("applied"),
        _withdraw({"applied", "documents"}),
    ],
)


ASSET = Flow(
    "powers_asset",
    label=_("Disposal of collective assets (集体资产处置)"),
    **MODULE,
    initial="proposed",
    start_allow=VILLAGE,
    start_requires=("meeting_ref", "meeting_date"),
    states=[
        State("proposed", _("Agreed by the two committees, waiting for the villagers' decision"), deadline=STEP),
        State("resolved", _("Resolved, waiting for the posting"), deadline=STEP),
        State(PUBLICITY_STATE, _("Posted in the village (公示)")),
        State("traded", _("Awarded, waiting for the contract"), deadline=STEP),
        State("signed", _("Contract signed, waiting for the result to be published"), deadline=STEP),
        State("closed", _("Done, result published")),
        State("withdrawn", _("Abandoned")),
    ],
    transitions=[
        _meeting_step(
            "resolve",
            "proposed",
            "resolved",
            _("Villagers' resolution (村民会议或代表会议决议)"),
            "villagers",
            "representatives",
        ),
        _publicize("resolved"),
        Transition(
            "trade",
            source=PUBLICITY_STATE,
            target="traded",
            label=_("Appraisal and open trading (评估、公开交易)"),
            allow=VILLAGE,
            fields=(
                _area("appraisal", _("Appraisal")),
                Integer("bidders", _("Number of bidders"), min=1, max=1000),
                _line("winner", _("Winning bidder")),
                Decimal("winning_price", _("Winning price (yuan)"), min=0),
                _files(_("Trading record")),
            ),
            guards=(rules.posting_over, rules.objections_answered),
            waiting=_after_posting,
            effects=(rules.trade,),
        ),
        Transition(
            "sign",
            source="traded",
            target="signed",
            label=_("Sign the contract (合同签订)"),
            allow=VILLAGE,
            fields=(
                _line("contract_ref", _("Contract number"), max_length=60),
                _files(_("Signed contract"), required=True),
            ),
            effects=(rules.keep("contract_ref", max_length=60),),
        ),
        _publish_result("signed"),
        Transition(
            "abandon",
            source={"proposed", "resolved", PUBLICITY_STATE, "traded"},
            target="withdrawn",
            label=_("Abandon the disposal"),
            allow=VILLAGE,
            fields=(_area("reason", _("Reason")),),
            effects=(rules.keep("outcome", "reason"),),
            confirm=_("The disposal is abandoned for good; a new one must start again from the two committees."),
        ),
    ],
)


GENERAL = Flow(
    "powers_general",
    label=_("General procedure (一般程序)"),
    **MODULE,
    **APPLIED,
    states=[
        State("applied", _("Applied, waiting for the village"), deadline=STEP),
        State("documents", _("Waiting for more documents"), deadline=DOCUMENTS),
        State("handled", _("Handled, waiting for the result to be published"), deadline=STEP),
        State("closed", _("Done, result published")),
        State("rejected", _("Not approved")),
        State("withdrawn", _("Withdrawn")),
    ],
    transitions=[
        Transition(
            "handle",
            source="applied",
            target="handled",
            label=_("Handle (村两委办理)"),
            allow=VILLAGE,
            fields=(_line("outcome", _("Outcome"), max_length=200), _files(_("Documents"))),
            effects=(rules.keep("outcome"),),
        ),
        _publish_result("handled"),
        _reject("village_reject", "applied", VILLAGE, _("Not passed in the village")),
        *_documents_steps("applied"),
        _withdraw({"applied", "documents"}),
    ],
)

FLOWS = {f.name: f for f in (DIBAO, HOMESTEAD, ASSET, GENERAL)}
# the states no step leaves, read from the declared flows (closed, rejected, withdrawn)
FINAL_STATES = tuple(sorted({s for f in FLOWS.values() for s in f.states if f.is_final(s)}))


def flow_of(case) -> Flow:
    return FLOWS[case.flow or case.power.template]
