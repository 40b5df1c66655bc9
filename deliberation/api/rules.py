"""The village rules (村规民约) over the API: versions, drafts, agenda, comments, signatures, the township's queue."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from casework import steps as casework_steps
from core.api_types import Id
from core.errors import DomainError, PermissionDenied
from core.forms import confirm_refusal
from core.roles import Action
from deliberation import meetings_link, selectors, services
from deliberation.api._common import _ref, _require, _timeline, _village, router
from deliberation.flows import RULES, RULES_SIGNABLE, coercive_clauses
from deliberation.forms import PAPER_CONFIRM, SIGN_CONFIRM
from deliberation.schemas import (
    AgendaIn,
    CommentIn,
    ConfirmIn,
    PaperIn,
    RulesDetail,
    RulesIn,
    RulesRow,
    RulesUpdateIn,
    SignatureOut,
)

# -- village rules --------------------------------------------------------------------------------------------


def _rules_row(r) -> dict:
    signed, households = selectors.coverage(r)
    return {
        "id": r.pk,
        "village": _ref(r.village),
        "title": r.title,
        "edition": r.edition,
        "state": r.state,
        "state_label": RULES.state_label(r.state),
        "signed": signed,
        "households": households,
        "version": r.version,
    }


def _rules_detail(actor, r) -> dict:
    data = _rules_row(r)
    household = services.household_of(actor, r.village_id, Action.DELIBERATION_VIEW)
    data.update(
        {
            "text": r.text,
            "clauses": r.clauses(),
            "flagged": [n for n, _c, _t in coercive_clauses(r.text)],
            "review_comments": r.review_comments,
            "promulgated_at": r.promulgated_at,
            "steps": casework_steps.describe(actor, r, RULES),
            "timeline": _timeline(actor, r, RULES, selectors.is_staff(actor)),
            "may_sign": r.state in RULES_SIGNABLE and household is not None and not selectors.has_signed(r, household),
        }
    )
    return data


@router.get("/rules", response=list[RulesRow], summary=gettext_lazy("Versions of the village rules the caller may see"))
def rules_list(request):
    _require(request.auth, Action.DELIBERATION_VIEW)
    return [_rules_row(r) for r in selectors.rules_versions(request.auth).order_by("village__code", "-edition")]


@router.get("/rules/{int:rules_id}", response=RulesDetail, summary=gettext_lazy("A version of the village rules"))
def rules_detail(request, rules_id: Id):
    return _rules_detail(request.auth, selectors.rules(request.auth, rules_id))


@router.post(
    "/rules", response={201: RulesDetail}, summary=gettext_lazy("Start a new version (征集民意), one clause a line")
)
def rules_create(request, payload: RulesIn):
    actor = request.auth
    rules = services.rules_create(
        actor=actor, village=_village(payload.village_id), title=payload.title, text=payload.text
    )
    return 201, _rules_detail(actor, selectors.rules(actor, rules.pk))


@router.put(
    "/rules/{int:rules_id}", response=RulesDetail, summary=gettext_lazy("Change a draft (while collecting or drafted)")
)
def rules_update(request, rules_id: Id, payload: RulesUpdateIn):
    actor = request.auth
    services.rules_update(
        actor=actor,
        rules=selectors.rules(actor, rules_id),
        title=payload.title,
        text=payload.text,
        version=payload.version,
    )
    return _rules_detail(actor, selectors.rules(actor, rules_id))


@router.post(
    "/rules/{int:rules_id}/agenda", response=RulesDetail, summary=gettext_lazy("Put approved rules before a 村民会议")
)
def rules_agenda(request, rules_id: Id, payload: AgendaIn):
    actor = request.auth
    rules = selectors.rules(actor, rules_id)
    meeting = meetings_link.village_meeting(payload.meeting_id, rules.village_id)
    services.rules_to_agenda(actor=actor, rules=rules, meeting=meeting)
    return _rules_detail(actor, selectors.rules(actor, rules_id))


@router.post(
    "/rules/{int:rules_id}/comments",
    response={201: RulesDetail},
    summary=gettext_lazy("An opinion on a draft (征集民意)"),
)
def rules_comment(request, rules_id: Id, payload: CommentIn):
    actor = request.auth
    services.comment_add(actor=actor, rules=selectors.rules(actor, rules_id), text=payload.text)
    return 201, _rules_detail(actor, selectors.rules(actor, rules_id))


@router.post(
    "/rules/{int:rules_id}/sign",
    response=RulesDetail,
    summary=gettext_lazy("Sign my household's consent on the phone (cannot be undone: send confirm: true)"),
)
def rules_sign(request, rules_id: Id, payload: ConfirmIn):
    actor = request.auth
    rules = selectors.rules(actor, rules_id)
    if not payload.confirm:
        raise DomainError(confirm_refusal(SIGN_CONFIRM), code="confirm")
    services.rules_sign(actor=actor, rules=rules)
    return _rules_detail(actor, selectors.rules(actor, rules_id))


@router.post(
    "/rules/{int:rules_id}/paper",
    response={201: SignatureOut},
    summary=gettext_lazy("Record a paper signature (cadre; cannot be undone: send confirm: true)"),
)
def rules_paper(request, rules_id: Id, payload: PaperIn):
    actor = request.auth
    rules = selectors.rules(actor, rules_id)
    if not payload.confirm:
        raise DomainError(confirm_refusal(PAPER_CONFIRM), code="confirm")
    sig = services.rules_record_paper(
        actor=actor,
        rules=rules,
        household=payload.household_id,
        signer_name=payload.signer_name,
        signed_on=payload.signed_on,
    )
    return 201, _signature(sig)


def _signature(s) -> dict:
    return {
        "household_id": s.household_id,
        "household_number": s.household.number,
        "signer_name": s.signer_name,
        "method": s.method,
        "signed_on": s.signed_on,
    }


@router.get("/rules/{int:rules_id}/signatures", response=list[SignatureOut], summary=gettext_lazy("Signatures (staff)"))
def rules_signatures(request, rules_id: Id):
    actor = request.auth
    rules = selectors.rules(actor, rules_id)
    if not selectors.is_staff(actor):
        raise PermissionDenied()
    return [_signature(s) for s in selectors.signatures(rules)]


@router.get(
    "/review",
    response=list[RulesRow],
    summary=gettext_lazy("Village rules waiting for the township (review or filing)"),
)
def review_queue(request):
    _require(request.auth, Action.DELIBERATION_REVIEW)
    return [_rules_row(r) for r in selectors.review_queue(request.auth)]
