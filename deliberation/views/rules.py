"""The village rules pages (村规民约): the versions, start and edit a draft, a version with its steps (declared in
deliberation/flows.py and taken through casework's step view), the villagers' assembly's agenda, opinions while
drafting, and each household's signature (on the phone, or on paper recorded by the cadre)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import scope
from core.forms import ConfirmForm
from core.roles import Action
from core.views import api_twin, post_back, require_action, submit
from deliberation import meetings_link, selectors, services
from deliberation.flows import RULES, RULES_EDITABLE, RULES_SIGNABLE, coercive_clauses
from deliberation.forms import (
    PAPER_CONFIRM,
    SIGN_CONFIRM,
    AgendaForm,
    CommentForm,
    PaperSignatureForm,
    RulesForm,
)
from deliberation.models import SignMethod
from deliberation.views.common import (
    agenda_meetings,
    case_form,
    comment_rows,
    get_or_404,
    render_page,
    step_panels,
    timeline,
)


def _detail(rules) -> str:
    return reverse("deliberation:rules_detail", args=[rules.pk])


@login_required
@require_action(Action.DELIBERATION_VIEW)
def rules_list(request):
    actor = request.user
    rows = list(selectors.rules_versions(actor).order_by("village__code", "-edition"))
    for r in rows:
        r.state_label = RULES.state_label(r.state)
        r.signed, r.households = selectors.coverage(r)
        r.share = round(100 * r.signed / r.households) if r.households else 0
    return render_page(
        request,
        "deliberation/rules_list.html",
        {"rows": rows, "manage": scope.can(actor, Action.DELIBERATION_MANAGE)},
    )


@login_required
@require_action(Action.DELIBERATION_MANAGE)
@api_twin("POST /api/deliberation/rules")
def rules_create(request):
    actor = request.user
    villages = list(selectors.villages(actor, Action.DELIBERATION_MANAGE))
    if not villages:
        raise PermissionDenied()
    initial = {}
    current = selectors.public_rules(villages[0])
    if current is not None:
        initial = {"title": current.title, "text": current.text}
    form = RulesForm(request.POST or None, villages=villages, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.rules_create(
            actor=actor,
            village=next((v for v in villages if v.pk == data["village"]), villages[0]),
            title=data["title"],
            text=data["text"],
        ),
        done=_("Draft opened for opinions (征集民意)."),
        to=_detail,
    )
    return done or render_page(request, "deliberation/rules_form.html", {"form": form, "rules": None})


@login_required
@require_action(Action.DELIBERATION_MANAGE)
@api_twin("PUT /api/deliberation/rules/{rules_id}")
def rules_edit(request, pk):
    actor = request.user
    rules = get_or_404(selectors.rules, actor, pk)
    if not scope.in_scope(actor, Action.DELIBERATION_MANAGE, rules):
        raise Http404()
    if rules.state not in RULES_EDITABLE:
        messages.error(request, _("Only a draft being written can be changed."))
        return redirect("deliberation:rules_detail", pk=rules.pk)
    form = RulesForm(
        request.POST or None,
        villages=[rules.village],
        initial={"village": rules.village_id, "title": rules.title, "text": rules.text, "version": rules.version},
    )
    done = submit(
        request,
        form,
        lambda data: services.rules_update(
            actor=actor, rules=rules, title=data["title"], text=data["text"], version=data.get("version")
        ),
        done=_("Draft saved."),
        to=_detail(rules),
    )
    return done or render_page(request, "deliberation/rules_form.html", {"form": form, "rules": rules})


def rules_page(
    request,
    rules,
    *,
    failed=None,
    status=200,
    paper_form=None,
    comment_form=None,
    agenda_form=None,
    sign_form=None,
    paper_confirm=None,
):
    """A version of the village rules with its steps (the flow's ``page``: casework's step view draws it again with a
    refused step's form), clauses, opinions, the villagers' assembly and the signatures."""
    actor = request.user
    staff = selectors.is_staff(actor)
    manage = scope.in_scope(actor, Action.DELIBERATION_MANAGE, rules)
    rules.state_label = RULES.state_label(rules.state)
    household = services.household_of(actor, rules.village_id, Action.DELIBERATION_VIEW)
    signed, households = selectors.coverage(rules)
    flagged = {n: term for n, _c, term in coercive_clauses(rules.text)}
    clauses = [{"n": n, "text": c, "flag": flagged.get(n)} for n, c in enumerate(rules.clauses(), start=1)]
    meetings = []
    if manage and rules.state == "approved":
        meetings = meetings_link.open_meetings(actor, rules.village, kinds=("villagers_assembly",))
    motions = meetings_link.decided_motions(rules.subject) + meetings_link.pending_motions(rules.subject)
    for m in motions:
        m.kind_label = meetings_link.kind_label(m.meeting.kind)
    unsigned = list(selectors.unsigned_households(rules)) if manage and rules.state in RULES_SIGNABLE else []
    signatures = list(selectors.signatures(rules)) if staff else []
    for s in signatures:
        s.method_label = SignMethod(s.method).label
    comments = comment_rows(actor, selectors.comments(rules), staff)
    return render_page(
        request,
        "deliberation/rules_detail.html",
        {
            "rules": rules,
            "staff": staff,
            "manage": manage,
            "clauses": clauses,
            "flagged": bool(flagged),
            "steps": step_panels(request, rules, RULES, failed=failed),
            "timeline": timeline(actor, rules, RULES, staff),
            "signed": signed,
            "households": households,
            "share": round(100 * signed / households) if households else 0,
            "may_sign": rules.state in RULES_SIGNABLE
            and household is not None
            and not selectors.has_signed(rules, household),
            "has_signed": selectors.has_signed(rules, household),
            "household": household,
            "paper_form": paper_form
            or (
                PaperSignatureForm(households=unsigned, initial={"signed_on": timezone.localdate()})
                if unsigned
                else None
            ),
            "sign_form": sign_form or ConfirmForm(prefix="sign", what=SIGN_CONFIRM),
            "paper_confirm": paper_confirm or ConfirmForm(prefix="paper", what=PAPER_CONFIRM),
            "signatures": signatures,
            "comments": comments,
            "may_comment": rules.state in RULES_EDITABLE and (household is not None or manage),
            "comment_form": comment_form or CommentForm(),
            "agenda_form": agenda_form or (AgendaForm(meetings=meetings) if meetings else None),
            "motions": motions,
            "editable": manage and rules.state in RULES_EDITABLE,
            "decision": getattr(rules, "decision", None) if hasattr(rules, "decision") else None,
        },
        status=status,
    )


@login_required
@require_action(Action.DELIBERATION_VIEW)
def rules_detail(request, pk):
    return rules_page(request, get_or_404(selectors.rules, request.user, pk))


rules_agenda = case_form(
    action=Action.DELIBERATION_MANAGE,
    twin="POST /api/deliberation/rules/{rules_id}/agenda",
    find=selectors.rules,
    page=rules_page,
    slot="agenda_form",
    form=AgendaForm,
    form_kwargs=agenda_meetings,
    write=lambda actor, rules, data: services.rules_to_agenda(actor=actor, rules=rules, meeting=data["meeting"]),
    done=gettext_lazy("The rules are on the villagers' assembly's agenda."),
)

rules_comment = case_form(
    action=Action.DELIBERATION_VIEW,
    twin="POST /api/deliberation/rules/{rules_id}/comments",
    find=selectors.rules,
    page=rules_page,
    slot="comment_form",
    form=CommentForm,
    write=lambda actor, rules, data: services.comment_add(actor=actor, rules=rules, text=data["text"]),
    done=gettext_lazy("Opinion posted."),
)


@login_required
@require_POST
@require_action(Action.DELIBERATION_VIEW)
@api_twin("POST /api/deliberation/rules/{rules_id}/sign")
def rules_sign(request, pk):
    """Sign the household's consent. It cannot be undone: without the ticked confirmation (the dialog of
    static/js/steps.js ticks it) the page is drawn again with the box and its message (400), nothing written."""
    rules = get_or_404(selectors.rules, request.user, pk)
    confirm = ConfirmForm(request.POST, prefix="sign", what=SIGN_CONFIRM)
    if not confirm.confirmed():
        return rules_page(request, rules, sign_form=confirm, status=400)
    return post_back(
        request,
        lambda: services.rules_sign(actor=request.user, rules=rules),
        done=_("Your household's consent to the village rules is recorded."),
        to=_detail(rules),
    )


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
@api_twin("POST /api/deliberation/rules/{rules_id}/paper")
def rules_paper(request, pk):
    actor = request.user
    rules = get_or_404(selectors.rules, actor, pk)
    form = PaperSignatureForm(request.POST, households=list(selectors.unsigned_households(rules)))
    confirm = ConfirmForm(request.POST, prefix="paper", what=PAPER_CONFIRM)
    if form.is_valid() and not confirm.confirmed():
        # recording a signature cannot be undone: the form is kept with the box and its message (400)
        return rules_page(request, rules, paper_form=form, paper_confirm=confirm, status=400)
    done = submit(
        request,
        form,
        lambda data: services.rules_record_paper(
            actor=actor,
            rules=rules,
            household=data["household"],
            signer_name=data["signer_name"],
            signed_on=data["signed_on"],
        ),
        done=_("Paper signature recorded."),
        to=_detail(rules) + "#signatures",
    )
    return done or rules_page(request, rules, paper_form=form, paper_confirm=confirm, status=422)
