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

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.roles import Role
from core.workflow import Deadline, Flow, Party, State, Transition
from powers import rules

APPLICANT = Party(_("the applicant"), lambda actor, case: case.applicant_id == actor.pk)

VILLAGE = (Role.VILLAGE_CADRE,)
TOWNSHIP = (Role.TOWNSHIP_OFFICIAL,)
# the household itself, the grid worker of its grid, a cadre of its village (代办), or whoever applied
HOUSEHOLD_SIDE = (Role.VILLAGER, Role.GRID_WORKER, Role.VILLAGE_CADRE, APPLICANT)
VIEWERS = (Role.REVIEWER, Role.VILLAGE_SUPERVISOR, Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL, Role.COUNTY_ADMIN)

STEP = Deadline(field="step_days", working_days=5)
REVIEW = Deadline(field="review_days", working_days=10)
DOCUMENTS = Deadline(working_days=10)

FINAL_OK = "closed"
FINAL_STATES = ("closed", "rejected", "withdrawn")
PUBLICITY_STATE = "publicized"


def _documents_steps(source: str) -> list[Transition]:
    return [
        Transition(
            "ask_documents",
            source=source,
            target="documents",
            label=_("Ask for more documents"),
            allow=VILLAGE,
            requires=("documents",),
            guards=(rules.long_text("documents"),),
        ),
        Transition(
            "supply",
            source="documents",
            target=source,
            label=_("Hand in the documents"),
            allow=HOUSEHOLD_SIDE,
            requires=("attachments",),
        ),
    ]


def _withdraw(source) -> Transition:
    return Transition(
        "withdraw",
        source=source,
        target="withdrawn",
        label=_("Withdraw the application"),
        allow=(Role.VILLAGER, APPLICANT),
        requires=("reason",),
        guards=(rules.long_text("reason", max_length=500),),
    )


def _reject(name: str, source, allow, label) -> Transition:
    return Transition(
        name,
        source=source,
        target="rejected",
        label=label,
        allow=allow,
        requires=("reason",),
        guards=(rules.long_text("reason"),),
        effects=(rules.keep("outcome", "reason"),),
    )


DIBAO = Flow(
    "powers_dibao",
    label=pgettext_lazy("powers procedure", "Minimum living allowance assessment (低保评议)"),
    model="powers.PowerCase",
    initial="applied",
    start_allow=(Role.VILLAGER, Role.GRID_WORKER, Role.VILLAGE_CADRE),
    viewers=VIEWERS,
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
        *_documents_steps("applied"),
        Transition(
            "survey",
            source="applied",
            target="surveyed",
            label=_("Household survey (入户调查)"),
            allow=VILLAGE,
            requires=("visited_on", "findings"),
            guards=(rules.long_text("findings"),),
        ),
        Transition(
            "deliberate",
            source="surveyed",
            target="deliberated",
            label=_("Democratic assessment (民主评议)"),
            allow=VILLAGE,
            effects=(rules.meeting("council", "representatives"),),
        ),
        Transition(
            "publicize",
            source="deliberated",
            target=PUBLICITY_STATE,
            label=_("Post in the village (村内公示)"),
            allow=VILLAGE,
            requires=("publicity_until",),
            effects=(rules.publicize,),
        ),
        Transition(
            "submit_review",
            source=PUBLICITY_STATE,
            target="township",
            label=_("Send to the township for review"),
            allow=VILLAGE,
            guards=(rules.posting_over, rules.objections_answered),
        ),
        Transition(
            "township_approve",
            source="township",
            target="county",
            label=_("Township review passed (乡镇审核)"),
            allow=TOWNSHIP,
            requires=("opinion",),
            guards=(rules.long_text("opinion"),),
        ),
        Transition(
            "township_return",
            source="township",
            target="applied",
            label=_("Send back for a new survey"),
            allow=TOWNSHIP,
            requires=("reason",),
            guards=(rules.long_text("reason"),),
        ),
        Transition(
            "county_approve",
            source="county",
            target="approved",
            label=_("Record the county's approval (县民政审批)"),
            allow=TOWNSHIP,
            requires=("decision_ref", "outcome"),
            effects=(rules.keep("decision_ref", max_length=60), rules.keep("outcome")),
        ),
        _reject("county_reject", "county", TOWNSHIP, _("Record the county's refusal")),
        _reject("township_reject", "township", TOWNSHIP, _("Township review not passed")),
        _reject("village_reject", {"applied", "surveyed"}, VILLAGE, _("Not passed in the village")),
        Transition(
            "publish_result",
            source="approved",
            target="closed",
            label=_("Publish the result (结果公开)"),
            allow=VILLAGE,
            effects=(rules.publish_result,),
        ),
        _withdraw({"applied", "documents"}),
    ],
)


HOMESTEAD = Flow(
    "powers_homestead",
    label=_("Homestead application (宅基地申请)"),
    model="powers.PowerCase",
    initial="applied",
    start_allow=(Role.VILLAGER, Role.GRID_WORKER, Role.VILLAGE_CADRE),
    viewers=VIEWERS,
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
        *_documents_steps("applied"),
        Transition(
            "group_meeting",
            source="applied",
            target="group_discussed",
            label=_("Villager group meeting (村民小组会议讨论)"),
            allow=VILLAGE,
            effects=(rules.meeting("group"),),
        ),
        Transition(
            "village_review",
            source="group_discussed",
            target=PUBLICITY_STATE,
            label=_("Village review and posting (村级审查并公示)"),
            allow=VILLAGE,
            requires=("opinion", "publicity_until"),
            guards=(rules.long_text("opinion"),),
            effects=(rules.publicize,),
        ),
        Transition(
            "submit_review",
            source=PUBLICITY_STATE,
            target="township",
            label=_("Send to the township for review"),
            allow=VILLAGE,
            guards=(rules.posting_over, rules.objections_answered),
        ),
        Transition(
            "township_opinions",
            source="township",
            target="reviewed",
            label=_("Township review: agriculture and natural resources opinions (乡镇审核)"),
            allow=TOWNSHIP,
            requires=("agriculture_opinion", "resources_opinion"),
            guards=(rules.long_text("agriculture_opinion", "resources_opinion"),),
        ),
        Transition(
            "approve",
            source="reviewed",
            target="approved",
            label=_("Approve (乡镇审批)"),
            allow=TOWNSHIP,
            requires=("decision_ref",),
            effects=(rules.keep("decision_ref", max_length=60),),
        ),
        _reject("reject", {"township", "reviewed"}, TOWNSHIP, _("Refuse")),
        _reject("village_reject", {"applied", "group_discussed"}, VILLAGE, _("Not passed in the village")),
        Transition(
            "start_check",
            source="approved",
            target="building",
            label=_("On-site check before building (开工查验)"),
            allow=(Role.TOWNSHIP_OFFICIAL, Role.VILLAGE_CADRE),
            requires=("findings",),
            guards=(rules.long_text("findings"),),
        ),
        Transition(
            "completion_check",
            source="building",
            target="closed",
            label=_("Completion acceptance (竣工验收)"),
            allow=TOWNSHIP,
            requires=("findings",),
            guards=(rules.long_text("findings"),),
            effects=(rules.keep("outcome", "findings"),),
        ),
        _withdraw({"applied", "documents"}),
    ],
)


ASSET = Flow(
    "powers_asset",
    label=_("Disposal of collective assets (集体资产处置)"),
    model="powers.PowerCase",
    initial="proposed",
    start_allow=VILLAGE,
    start_requires=("meeting_ref", "meeting_date"),
    viewers=VIEWERS,
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
        Transition(
            "resolve",
            source="proposed",
            target="resolved",
            label=_("Villagers' resolution (村民会议或代表会议决议)"),
            allow=VILLAGE,
            effects=(rules.meeting("villagers", "representatives"),),
        ),
        Transition(
            "publicize",
            source="resolved",
            target=PUBLICITY_STATE,
            label=_("Post in the village (村内公示)"),
            allow=VILLAGE,
            requires=("publicity_until",),
            effects=(rules.publicize,),
        ),
        Transition(
            "trade",
            source=PUBLICITY_STATE,
            target="traded",
            label=_("Appraisal and open trading (评估、公开交易)"),
            allow=VILLAGE,
            requires=("appraisal", "bidders", "winner", "winning_price"),
            guards=(rules.posting_over, rules.objections_answered, rules.long_text("appraisal")),
            effects=(rules.trade,),
        ),
        Transition(
            "sign",
            source="traded",
            target="signed",
            label=_("Sign the contract (合同签订)"),
            allow=VILLAGE,
            requires=("contract_ref", "attachments"),
            effects=(rules.keep("contract_ref", max_length=60),),
        ),
        Transition(
            "publish_result",
            source="signed",
            target="closed",
            label=_("Publish the result (结果公开)"),
            allow=VILLAGE,
            effects=(rules.publish_result,),
        ),
        Transition(
            "abandon",
            source={"proposed", "resolved", PUBLICITY_STATE, "traded"},
            target="withdrawn",
            label=_("Abandon the disposal"),
            allow=VILLAGE,
            requires=("reason",),
            guards=(rules.long_text("reason"),),
            effects=(rules.keep("outcome", "reason"),),
        ),
    ],
)


GENERAL = Flow(
    "powers_general",
    label=_("General procedure (一般程序)"),
    model="powers.PowerCase",
    initial="applied",
    start_allow=(Role.VILLAGER, Role.GRID_WORKER, Role.VILLAGE_CADRE),
    viewers=VIEWERS,
    states=[
        State("applied", _("Applied, waiting for the village"), deadline=STEP),
        State("documents", _("Waiting for more documents"), deadline=DOCUMENTS),
        State("handled", _("Handled, waiting for the result to be published"), deadline=STEP),
        State("closed", _("Done, result published")),
        State("rejected", _("Not approved")),
        State("withdrawn", _("Withdrawn")),
    ],
    transitions=[
        *_documents_steps("applied"),
        Transition(
            "handle",
            source="applied",
            target="handled",
            label=_("Handle (村两委办理)"),
            allow=VILLAGE,
            requires=("outcome",),
            effects=(rules.keep("outcome"),),
        ),
        Transition(
            "publish_result",
            source="handled",
            target="closed",
            label=_("Publish the result (结果公开)"),
            allow=VILLAGE,
            effects=(rules.publish_result,),
        ),
        _reject("village_reject", "applied", VILLAGE, _("Not passed in the village")),
        _withdraw({"applied", "documents"}),
    ],
)

FLOWS = {f.name: f for f in (DIBAO, HOMESTEAD, ASSET, GENERAL)}

# The order steps are offered on a page (the way forward first, refusals last).
STEP_ORDER = [
    "survey",
    "group_meeting",
    "deliberate",
    "resolve",
    "handle",
    "publicize",
    "village_review",
    "submit_review",
    "township_approve",
    "township_opinions",
    "approve",
    "county_approve",
    "trade",
    "sign",
    "start_check",
    "completion_check",
    "publish_result",
    "ask_documents",
    "supply",
    "township_return",
    "county_reject",
    "township_reject",
    "reject",
    "village_reject",
    "abandon",
    "withdraw",
]
DANGER_STEPS = {
    "county_reject",
    "township_reject",
    "reject",
    "village_reject",
    "abandon",
    "withdraw",
    "township_return",
}
TOWNSHIP_STEPS = {
    "township_approve",
    "township_return",
    "township_reject",
    "county_approve",
    "county_reject",
    "township_opinions",
    "approve",
    "reject",
    "start_check",  # 开工查验: the township's (or the village's) on-site check
    "completion_check",
}


def flow_of(case) -> Flow:
    return FLOWS[case.flow or case.power.template]
