"""The expense procedure (支出审批, 逐级审签), declared for core.workflow (docs/workflow.md, docs/finance.md)::

    pending ──sign (holder of the step's post)──► pending ── … ──sign_last──► approved ──pay (村干部)──► paid
       │  └─return (reason) ─► returned ──resubmit (requester)─► pending (the chain starts again)
       │  └─reject (reason) ─► rejected               └──withdraw──► withdrawn
       └──withdraw (requester, reason)──► withdrawn

The chain (a list of posts) is copied onto the expense when it is submitted; ``step_index`` is the step waiting for
a signature. Only a person holding that post in the expense's village may sign, return or reject it, and one person
signs at most one step of a submission.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.roles import Role
from core.workflow import Flow, Party, State, Transition


def holds_post(user, village_id: int, post: str | None) -> bool:
    from finance.models import PostAssignment

    if post is None or user is None or getattr(user, "pk", None) is None:
        return False
    return PostAssignment.objects.filter(
        village_id=village_id, post=post, user_id=user.pk, ended_at__isnull=True
    ).exists()


def signers_of_round(case) -> dict[int, int]:
    """user id → step index of the signatures of the expense's current submission (from its timeline)."""
    from core.workflow import history

    signed = {}
    for event in history(case):
        if event.transition in ("sign", "sign_last") and (event.data or {}).get("round") == case.round:
            signed[event.actor_id] = (event.data or {}).get("step")
    return signed


current_holder = Party(
    gettext_lazy("the holder of the post whose turn it is"),
    lambda actor, case: case.state == "pending" and holds_post(actor, case.village_id, case.current_post),
)
requester = Party(
    gettext_lazy("the person who requested the expense"), lambda actor, case: case.requester_id == actor.pk
)


def _not_signed_before(step):
    signed = signers_of_round(step.case)
    if step.actor.pk in signed:
        from finance.models import Post

        earlier = step.case.chain[signed[step.actor.pk]]
        raise DomainError(
            _(
                "You already signed this expense as %(post)s; one person signs only one step of a chain. "
                "Another holder of the post must sign."
            )
            % {"post": Post(earlier).label},
            code="signed",
        )


def _expected_step(step):
    expected = step.data.get("step")
    if expected not in (None, "") and str(expected) != str(step.case.step_index):
        raise DomainError(
            _("This expense is no longer at the step you looked at; look at it again before you sign."),
            code="stale",
        )


def _not_last(step):
    if step.case.step_index + 1 >= len(step.case.chain):
        raise DomainError(_("This is the last step of the chain: sign it as the final approval."), code="last")


def _is_last(step):
    if step.case.step_index + 1 != len(step.case.chain):
        raise DomainError(_("Steps of the chain are still waiting; the expense is not approved yet."), code="not_last")


def _record_signature(step):
    step.data.update(step=step.case.step_index, post=step.case.chain[step.case.step_index], round=step.case.round)
    step.case.step_index += 1
    return ["step_index"]


def _approve(step):
    fields = _record_signature(step)
    step.case.approved_at = step.now
    return [*fields, "approved_at"]


def _keep_reason(step):
    reason = str(step.data.get("reason") or "").strip()
    if len(reason) > 300:
        raise DomainError({"reason": _("At most %(n)s characters.") % {"n": 300}})
    step.case.reason = reason
    if step.case.state == "pending" and step.case.step_index < len(step.case.chain):
        step.data.update(step=step.case.step_index, post=step.case.chain[step.case.step_index], round=step.case.round)
    return ["reason"]


def _restart(step):
    step.case.step_index = 0
    step.case.round += 1
    step.case.reason = ""
    step.case.requested_at = step.now or timezone.now()
    return ["step_index", "round", "reason", "requested_at"]


def _mark_paid(step):
    step.case.paid_at = step.now
    return ["paid_at"]


EXPENSE = Flow(
    "expense",
    label=gettext_lazy("Expense approval (支出审批)"),
    model="finance.Expense",
    initial="pending",
    start_allow=(Role.VILLAGE_CADRE,),
    viewers=(
        Role.REVIEWER,
        Role.VILLAGE_SUPERVISOR,
        Role.TOWNSHIP_OFFICIAL,
        Role.COUNTY_OFFICIAL,
        Role.COUNTY_ADMIN,
    ),
    states=[
        State("pending", gettext_lazy("Being signed")),
        State("returned", gettext_lazy("Returned for correction")),
        State("approved", gettext_lazy("Approved, waiting for payment")),
        State("paid", gettext_lazy("Paid")),
        State("rejected", gettext_lazy("Rejected")),
        State("withdrawn", gettext_lazy("Withdrawn")),
    ],
    transitions=[
        Transition(
            "sign",
            source="pending",
            target="pending",
            label=gettext_lazy("Sign"),
            allow=(current_holder,),
            guards=(_expected_step, _not_last, _not_signed_before),
            effects=(_record_signature,),
        ),
        Transition(
            "sign_last",
            source="pending",
            target="approved",
            label=gettext_lazy("Sign as the final approval"),
            allow=(current_holder,),
            guards=(_expected_step, _is_last, _not_signed_before),
            effects=(_approve,),
        ),
        Transition(
            "return",
            source="pending",
            target="returned",
            label=gettext_lazy("Return for correction"),
            allow=(current_holder,),
            requires=("reason",),
            guards=(_expected_step,),
            effects=(_keep_reason,),
        ),
        Transition(
            "reject",
            source="pending",
            target="rejected",
            label=gettext_lazy("Reject"),
            allow=(current_holder,),
            requires=("reason",),
            guards=(_expected_step,),
            effects=(_keep_reason,),
        ),
        Transition(
            "resubmit",
            source="returned",
            target="pending",
            label=gettext_lazy("Submit again"),
            allow=(requester,),
            effects=(_restart,),
        ),
        Transition(
            "withdraw",
            source={"pending", "returned", "approved"},
            target="withdrawn",
            label=gettext_lazy("Withdraw"),
            allow=(requester,),
            requires=("reason",),
            effects=(_keep_reason,),
        ),
        Transition(
            "pay",
            source="approved",
            target="paid",
            label=gettext_lazy("Record the payment"),
            allow=(Role.VILLAGE_CADRE,),
            requires=("reference",),
            effects=(_mark_paid,),
        ),
    ],
)
