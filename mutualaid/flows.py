"""The procedure of a mutual-aid application, declared for core.workflow (docs/workflow.md, docs/mutualaid.md).

禹王宫村's five steps: 群众申请 → 村民小组长核实 → 邻里互助会核实 → 村“两委”审核 → 邻里互助会实施救助::

    applied ─group_verify─► group_verified ─association_verify─► association_verified ─approve─► approved ─pay─► paid
     │  ▲ ◄──────── send_back ───────┘ ◄──────────── send_back ──────────┘
     │  └─resubmit─ returned ◄─return_to_applicant─┘ (applied)
     └ decline (each verifier, and the two committees) ─► declined      withdraw (the villager) ─► withdrawn

The group leader (村民小组长) of the applicant's household group verifies first; where the group has no leader a
village cadre stands in. The association (邻里互助会) verifies, the two committees (村“两委”: village cadres) approve
an amount within the association's bands, and the association pays from the fund: paying writes exactly one
payout entry of the fund in the same transaction, and is refused when the fund lacks the money.
"""

from __future__ import annotations

import decimal
from datetime import date

from django.utils.translation import gettext_lazy as _

from committees.models import CommitteeKind
from committees.parties import group_leader, member_of
from core.fields import Date, Decimal, Text
from core.roles import Action, roles_with
from core.workflow import Deadline, Flow, Party, State, Transition
from mutualaid import people

APPLICANT = Party(_("the villager the application is for"), people.is_applicant, people=people.applicant_ids)
RECORDER = Party(_("whoever filed it on the villager's behalf"), people.is_recorder, people=people.recorder_ids)
GROUP_LEADER = group_leader(people.group_of, _("the leader of the applicant's village group"))
STAND_IN = Party(_("a village cadre, where the group has no leader"), people.stands_in, people=people.stand_in_ids)
ASSOCIATION = member_of(CommitteeKind.MUTUAL_AID, _("the mutual-aid association"))
COMMITTEES = roles_with(Action.AID_HANDLE)  # 村“两委”: the village cadres

VERIFIERS = (GROUP_LEADER, STAND_IN)
OPEN = {"applied", "returned", "group_verified", "association_verified", "approved"}


def _told(text):
    def build(step):
        return text % {"number": step.case.number, "reason": step.case.get_reason_display()}

    return build


def _today(actor, case):
    from django.utils import timezone

    return timezone.localdate()


def _asked(actor, case):
    return case.amount_asked


def amount_within_bands(step):
    from mutualaid import bands

    bands.check_amount(step.case.village_id, decimal.Decimal(step.data["approved_amount"]), field="approved_amount")


def set_approved(step):
    from mutualaid import bands

    amount = decimal.Decimal(step.data["approved_amount"])
    step.case.approved_amount = amount
    step.case.band_name = bands.band_for(step.case.village_id, amount).name
    return ["approved_amount", "band_name"]


def pay(step):
    """实施救助: the payout entry, under the fund's lock, in the step's transaction (refused when short)."""
    from mutualaid import fund

    fund.pay_out(step.case, actor=step.actor, on=step.data["paid_on"], how=step.data.get("how", ""), now=step.now)
    step.case.paid_on = date.fromisoformat(step.data["paid_on"])
    return ["paid_on"]


def declined(step):
    step.case.decline_reason = step.data["reason"]
    return ["decline_reason"]


_FINDING = Text("finding", _("What was found (核实情况)"), max_length=2000)
_REASON = Text("reason", _("Why no help is given"), max_length=1000)
_BACK = Text("reason", _("What is to be checked again"), max_length=1000)
_DECLINE_CONFIRM = _("The application ends here; the villager is told why.")


def _decline(name, source, allow):
    return Transition(
        name,
        source=source,
        target="declined",
        label=_("Decline (不予救助)"),
        allow=allow,
        fields=(_REASON,),
        effects=(declined,),
        confirm=_DECLINE_CONFIRM,
        notify=(APPLICANT, RECORDER),
        notify_text=_told(_("Mutual-aid application %(number)s (%(reason)s) was declined")),
        note=False,
    )


MUTUAL_AID = Flow(
    "mutualaid",
    label=_("Mutual-aid application (邻里互助)"),
    model="mutualaid.Application",
    initial="applied",
    # the service decides who may apply where (a villager for their household, a grid worker or a cadre on behalf)
    start_allow=(APPLICANT, RECORDER, *roles_with(Action.AID_APPLY)),
    start_notify=(GROUP_LEADER, STAND_IN),
    start_notify_text=_told(_("Mutual-aid application %(number)s (%(reason)s) waits for your check")),
    view=(Action.AID_HANDLE,),
    service="mutualaid.services.application_step",
    page="mutualaid.views.case_page",
    find="mutualaid.selectors.application_for",
    detail="mutualaid.api.application_detail",
    states=[
        State("applied", _("Waiting for the group leader's check (待组长核实)"), deadline=Deadline(working_days=3)),
        State("returned", _("Returned to the villager for more (待补充)"), deadline=Deadline(working_days=10)),
        State(
            "group_verified",
            _("Waiting for the association's check (待互助会核实)"),
            deadline=Deadline(working_days=3),
        ),
        State(
            "association_verified",
            _("Waiting for the two committees' review (待两委审核)"),
            deadline=Deadline(working_days=3),
        ),
        State("approved", _("Approved: waiting for the payout (待实施救助)"), deadline=Deadline(working_days=5)),
        State("paid", _("Help given (已救助)")),
        State("declined", _("Declined (不予救助)")),
        State("withdrawn", _("Withdrawn (已撤回)")),
    ],
    transitions=[
        Transition(
            "group_verify",
            source="applied",
            target="group_verified",
            label=_("Confirm the facts (组长核实)"),
            allow=VERIFIERS,
            fields=(_FINDING,),
            notify=(ASSOCIATION,),
            notify_text=_told(_("Mutual-aid application %(number)s (%(reason)s) waits for the association's check")),
            note=False,
            queue="group",
        ),
        Transition(
            "return_to_applicant",
            source="applied",
            target="returned",
            label=_("Ask the villager for more (退回补充)"),
            allow=VERIFIERS,
            fields=(Text("missing", _("What is missing, all at once"), max_length=1000),),
            notify=(APPLICANT, RECORDER),
            notify_text=_told(_("Mutual-aid application %(number)s (%(reason)s): more is needed")),
            note=False,
        ),
        Transition(
            "resubmit",
            source="returned",
            target="applied",
            label=_("Hand in what was asked"),
            allow=(APPLICANT, RECORDER),
            fields=(Text("supplement", _("What you add"), max_length=2000),),
            notify=(GROUP_LEADER, STAND_IN),
            note=False,
        ),
        _decline("decline_at_group", "applied", VERIFIERS),
        Transition(
            "association_verify",
            source="group_verified",
            target="association_verified",
            label=_("Confirm the facts (互助会核实)"),
            allow=(ASSOCIATION,),
            fields=(
                _FINDING,
                Decimal(
                    "suggested_amount",
                    _("Amount the association suggests (yuan)"),
                    min=decimal.Decimal("0.01"),
                    required=False,
                    initial=_asked,
                ),
            ),
            notify=COMMITTEES,
            notify_text=_told(_("Mutual-aid application %(number)s (%(reason)s) waits for the committees' review")),
            note=False,
            queue="association",
        ),
        Transition(
            "send_back_to_group",
            source="group_verified",
            target="applied",
            label=_("Send back to the group leader"),
            allow=(ASSOCIATION,),
            fields=(_BACK,),
            notify=(GROUP_LEADER, STAND_IN),
            note=False,
        ),
        _decline("decline_at_association", "group_verified", (ASSOCIATION,)),
        Transition(
            "approve",
            source="association_verified",
            target="approved",
            label=_("Approve (两委审核通过)"),
            allow=COMMITTEES,
            fields=(
                Decimal(
                    "approved_amount",
                    _("Approved amount (yuan)"),
                    min=decimal.Decimal("0.01"),
                    initial=_asked,
                    help=_("Within the association's bands."),
                ),
                Text("opinion", _("The committees' opinion"), max_length=1000, required=False),
            ),
            guards=(amount_within_bands,),
            effects=(set_approved,),
            notify=(ASSOCIATION, APPLICANT, RECORDER),
            notify_text=_told(_("Mutual-aid application %(number)s (%(reason)s) is approved")),
            note=False,
            queue="committees",
        ),
        Transition(
            "send_back_to_association",
            source="association_verified",
            target="group_verified",
            label=_("Send back to the association"),
            allow=COMMITTEES,
            fields=(_BACK,),
            notify=(ASSOCIATION,),
            note=False,
        ),
        _decline("decline", "association_verified", COMMITTEES),
        Transition(
            "pay",
            source="approved",
            target="paid",
            label=_("Give the help (实施救助)"),
            allow=(ASSOCIATION,),
            fields=(
                Date("paid_on", _("Paid on"), latest=0, earliest=-60, initial=_today),
                Text("how", _("How it was given (转账/现金)"), max_length=100, multiline=False, required=False),
            ),
            guards=(),
            effects=(pay,),
            confirm=_(
                "The approved amount is paid from the fund, and the payout is published on the village's notice board "
                "with the name masked."
            ),
            notify=(APPLICANT, RECORDER),
            notify_text=_told(_("Mutual-aid application %(number)s (%(reason)s): the help was given")),
            queue="association",
        ),
        Transition(
            "withdraw",
            source={"applied", "returned", "group_verified", "association_verified"},
            target="withdrawn",
            label=_("Withdraw the application"),
            allow=(APPLICANT, RECORDER),
            confirm=_("The application ends here; a new one can be made."),
            notify=(GROUP_LEADER,),
        ),
    ],
)
