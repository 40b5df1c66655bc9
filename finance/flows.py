"""The expense procedure (支出审批, 逐级审签), declared for core.workflow (docs/workflow.md, docs/finance.md)::

    pending ──sign (holder of the step's post)──► pending ── … ──sign_last──► approved ──pay (村干部)──► paid
       │  └─return (reason) ─► returned ──resubmit (requester)─► pending (the chain starts again)
       │  └─reject (reason) ─► rejected               └──withdraw──► withdrawn
       └──withdraw (requester, reason)──► withdrawn

The chain (a list of posts) is copied onto the expense when it is submitted; ``step_index`` is the step waiting for
a signature. Only a person holding that post in the expense's village may sign, return or reject it, and one person
signs at most one step of a submission.

Each step is declared once (docs/workflow.md §7): its fields (the page's step forms, the API's description, the
engine's checks), whether it cannot be undone (reject, withdraw, pay: ``confirm``) and who is told (the holders of
the next post, the requester). The page offers "sign" before the last step and "sign_last" at it; "resubmit" is
taken by the correction page, which changes the expense itself.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.fields import NOTE, Date, Files, Text
from core.roles import Action, Role
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


def holders_to_sign(case) -> list[int]:
    """Who is told that the expense waits for them: the holders of the current step's post in its village who have
    not signed this submission yet (one person never signs two steps)."""
    from finance.models import PostAssignment

    post = case.current_post
    if post is None:
        return []
    signed = signers_of_round(case)
    holders = PostAssignment.objects.filter(village_id=case.village_id, post=post, ended_at__isnull=True)
    return [user for user in holders.values_list("user_id", flat=True) if user not in signed]


current_holder = Party(
    gettext_lazy("the holder of the post whose turn it is"),
    lambda actor, case: case.state == "pending" and holds_post(actor, case.village_id, case.current_post),
    people=holders_to_sign,
)
requester = Party(
    gettext_lazy("the person who requested the expense"),
    lambda actor, case: case.requester_id == actor.pk,
    people=lambda case: [case.requester_id],
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
    """The reason (a declared field, cleaned by the engine) is kept on the expense and is the step's note."""
    reason = str(step.data.get("reason") or "").strip()
    step.case.reason = reason
    step.note = step.note or reason
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


def _before_last(case) -> bool:
    return case.step_index + 1 < len(case.chain)


def _last(case) -> bool:
    return case.step_index + 1 == len(case.chain)


def _today(actor, case):
    return timezone.localdate()


# -- who is told, in the words of the old 站内提醒 (kind "finance", linking to the expense page) -------------------


def _to_sign(step) -> str:
    from finance.rules import yuan

    return _("Expense to sign: %(title)s (%(amount)s yuan)") % {
        "title": step.case.title,
        "amount": yuan(step.case.amount),
    }


def _approved(step) -> str:
    return _("Expense approved, record the payment: %(title)s") % {"title": step.case.title}


def _returned(step) -> str:
    return _("Expense returned for correction: %(title)s") % {"title": step.case.title}


def _rejected(step) -> str:
    return _("Expense rejected: %(title)s") % {"title": step.case.title}


REMARK = Text(NOTE, gettext_lazy("Remark (optional)"), max_length=300, required=False, multiline=False)
REASON = Text("reason", gettext_lazy("Reason"), max_length=300)
PAY_FIELDS = (
    Text(
        "reference",
        gettext_lazy("Bank transfer reference (银行流水号)"),
        max_length=60,
        multiline=False,
        help=gettext_lazy(
            "Expenses are paid by bank transfer only; recording the payment posts one entry to the ledger."
        ),
    ),
    Date("date", gettext_lazy("Date paid"), latest=0, required=False, initial=_today),
    Files(label=gettext_lazy("Bank slip (PDF or image)"), max_count=10, max_mb=10, accept="application/pdf,image/*"),
)


def _signature(name, target, *, label, offered, position, effect, notify, notify_text):
    """A signature of the chain (``sign`` before the last step, ``sign_last`` at it): the holder of the step's post,
    once a submission, with an optional remark; ``position`` checks which of the two it is."""
    return Transition(
        name,
        source="pending",
        target=target,
        label=label,
        allow=(current_holder,),
        offered=offered,
        guards=(_expected_step, position, _not_signed_before),
        effects=(effect,),
        fields=(REMARK,),
        notify=(notify,),
        notify_text=notify_text,
        done_text=gettext_lazy("Signed."),
    )


def _sent_back(name, target, *, label, notify_text, **more):
    """The holder of the step's post sends the expense back to the requester with a reason (return, reject)."""
    return Transition(
        name,
        source="pending",
        target=target,
        label=label,
        allow=(current_holder,),
        guards=(_expected_step,),
        effects=(_keep_reason,),
        fields=(REASON,),
        note=False,
        notify=(requester,),
        notify_text=notify_text,
        **more,
    )


EXPENSE = Flow(
    "expense",
    label=gettext_lazy("Expense approval (支出审批)"),
    model="finance.Expense",
    initial="pending",
    start_allow=(Role.VILLAGE_CADRE,),
    start_notify=(current_holder,),
    start_notify_text=_to_sign,
    view=(Action.FINANCE_VIEW,),
    # the expense steps' own services (the clear refusals of signing, the one ledger entry of a payment), the
    # expense page with the step panels, the expense's own keys in the case API, and the app's scoped selector
    service="finance.services.expense_step",
    page="finance.views.expense_page",
    detail="finance.api.expense_keys",
    find="finance.selectors.expense",
    states=[
        State("pending", gettext_lazy("Being signed")),
        State("returned", gettext_lazy("Returned for correction")),
        State("approved", gettext_lazy("Approved, waiting for payment")),
        State("paid", gettext_lazy("Paid")),
        State("rejected", gettext_lazy("Rejected")),
        State("withdrawn", gettext_lazy("Withdrawn")),
    ],
    transitions=[
        _signature(
            "sign",
            "pending",
            label=gettext_lazy("Sign"),
            offered=_before_last,
            position=_not_last,
            effect=_record_signature,
            notify=current_holder,
            notify_text=_to_sign,
        ),
        _signature(
            "sign_last",
            "approved",
            label=gettext_lazy("Sign as the final approval"),
            offered=_last,
            position=_is_last,
            effect=_approve,
            notify=requester,
            notify_text=_approved,
        ),
        _sent_back(
            "return",
            "returned",
            label=gettext_lazy("Return for correction"),
            notify_text=_returned,
            done_text=gettext_lazy("Returned for correction."),
        ),
        _sent_back(
            "reject",
            "rejected",
            label=gettext_lazy("Reject"),
            notify_text=_rejected,
            done_text=gettext_lazy("Rejected."),
            confirm=gettext_lazy("The expense is rejected for good: it can no longer be signed, corrected or paid."),
        ),
        Transition(
            # taken by the correction page and POST /api/finance/expenses/{id}/resubmit (lines, total, payee…)
            "resubmit",
            source="returned",
            target="pending",
            label=gettext_lazy("Submit again"),
            allow=(requester,),
            offered=lambda case: False,
            effects=(_restart,),
            notify=(current_holder,),
            notify_text=_to_sign,
        ),
        Transition(
            "withdraw",
            source={"pending", "returned", "approved"},
            target="withdrawn",
            label=gettext_lazy("Withdraw"),
            allow=(requester,),
            effects=(_keep_reason,),
            fields=(REASON,),
            note=False,
            confirm=gettext_lazy("The expense is withdrawn for good: it can no longer be signed or paid."),
            done_text=gettext_lazy("Withdrawn."),
        ),
        Transition(
            "pay",
            source="approved",
            target="paid",
            label=gettext_lazy("Record the payment"),
            allow=(Role.VILLAGE_CADRE,),
            effects=(_mark_paid,),
            fields=PAY_FIELDS,
            note=False,
            confirm=gettext_lazy(
                "One expense entry is posted to the village ledger at once; it cannot be undone, only reversed by a "
                "new entry."
            ),
        ),
    ],
)
