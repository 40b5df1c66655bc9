"""Pages of the small-power list (小微权力清单): the list and each power, applying (a villager for their household,
a grid worker or cadre on its behalf), a matter with its whole timeline and the steps the actor may take, the
village's queue, the township's review queue, the overview by power and state with overdue matters, the print views
(the 公示 and the case record for the archive), and the public postings (no login); the county's list is kept in
config_views.py. Thin: reads through powers.selectors, writes through powers.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import steps
from casework.models import CaseAttachment
from core import scope, workflow
from core.errors import DomainError, NotFound
from core.masking import mask_name
from core.params import id_param
from core.roles import Action
from core.views import api_twin, apply_domain_errors, file_response, paginate, require_action, section_links, submit
from powers import publicity, rules, selectors, services
from powers.flows import FINAL_STATES, FLOWS, PUBLICITY_STATE, flow_of
from powers.forms import AnswerForm, ApplyForm, ObjectionForm
from powers.models import PowerClass, Template
from regions import selectors as region_selectors

LINKS = [
    ("powers:home", gettext_lazy("Small powers"), (Action.POWER_VIEW, Action.POWER_APPLY)),
    ("powers:list", gettext_lazy("The list"), (Action.POWER_VIEW, Action.POWER_APPLY)),
    ("powers:queue", gettext_lazy("Village queue"), (Action.POWER_HANDLE,)),
    ("powers:review", gettext_lazy("Township review"), (Action.POWER_REVIEW,)),
    ("powers:overview", gettext_lazy("Overview"), (Action.POWER_VIEW,)),
    ("powers:configure", gettext_lazy("Keep the list"), (Action.POWER_CONFIGURE,)),
]
READ = (Action.POWER_VIEW, Action.POWER_APPLY)


def _render(request, template, context, status=200):
    return render(request, template, {**context, "powers_links": section_links(request, LINKS)}, status=status)


def _require_any(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def _found(fn, *args):
    try:
        return fn(*args)
    except NotFound:
        raise Http404() from None


def decorate(cases, now=None):
    now = now or timezone.now()
    for c in cases:
        flow = FLOWS.get(c.flow)
        c.state_label = flow.state_label(c.state) if flow else c.state
        c.is_open = c.state not in FINAL_STATES
        c.is_overdue = c.is_open and (c.overdue or (c.deadline_at is not None and c.deadline_at < now))
    return cases


def _who(allow) -> str:
    from core.roles import Role
    from core.workflow import SYSTEM, Party

    labels = []
    for who in allow:
        if who is SYSTEM:
            labels.append(str(who.label))
        elif isinstance(who, Party):
            labels.append(str(who.label))
        else:
            labels.append(str(Role(who).label))
    return "、".join(labels)


def _group_by_class(powers):
    groups = []
    for value, label in PowerClass.choices:
        items = [p for p in powers if p.power_class == value]
        if items:
            groups.append({"label": label, "powers": items})
    return groups


# -- home, the list ---------------------------------------------------------------------------------------------


@login_required
def home(request):
    actor = request.user
    _require_any(actor, *READ)
    staff = scope.can(actor, Action.POWER_VIEW)
    context = {
        "staff": staff,
        "mine": decorate(list(selectors.my_cases(actor)[:20])),
        "can_apply": scope.can(actor, Action.POWER_APPLY),
        "can_open": scope.can(actor, Action.POWER_HANDLE),
        "groups": _group_by_class(
            [
                p
                for p in selectors.powers(actor, active_only=True)
                if p.for_households or scope.can(actor, Action.POWER_HANDLE)
            ]
        ),
    }
    if staff:
        summary = selectors.overview(actor)
        context.update(
            queue=len(selectors.village_queue(actor)) if scope.can(actor, Action.POWER_HANDLE) else None,
            review=len(selectors.township_queue(actor)) if scope.can(actor, Action.POWER_REVIEW) else None,
            overdue=summary["overdue"],
            total=summary["total"],
        )
    return _render(request, "powers/home.html", context)


@login_required
def power_list(request):
    _require_any(request.user, *READ)
    return _render(
        request,
        "powers/list.html",
        {
            "groups": _group_by_class(list(selectors.powers(request.user, active_only=True))),
            "can_apply": scope.can(request.user, Action.POWER_APPLY),
            "can_open": scope.can(request.user, Action.POWER_HANDLE),
        },
    )


@login_required
def power_detail(request, pk):
    _require_any(request.user, *READ)
    power = _found(selectors.power, request.user, pk)
    flow = FLOWS[power.template]
    procedure = [
        {
            "label": tr.label,
            "who": _who(tr.allow),
            "from": [flow.state_label(s) for s in sorted(tr.source)],
            "to": flow.state_label(tr.target),
        }
        for tr in flow.transitions.values()
    ]
    states = [{"label": s.label, "deadline": s.deadline} for s in flow.states.values()]
    return _render(
        request,
        "powers/power.html",
        {
            "power": power,
            "flow": flow,
            "steps": procedure,
            "states": states,
            "publicity_days": max(power.publicity_days, rules.MIN_DIBAO_PUBLICITY_DAYS)
            if power.template == Template.DIBAO
            else power.publicity_days,
            "can_apply": power.active
            and scope.can(request.user, Action.POWER_APPLY if power.for_households else Action.POWER_HANDLE),
        },
    )


# -- applying ---------------------------------------------------------------------------------------------------


@login_required
@require_action(Action.POWER_APPLY)
@api_twin("POST /api/powers/cases")
def apply(request, power_pk):
    actor = request.user
    power = _found(selectors.power, actor, power_pk)
    if not power.active:
        raise Http404()
    households = list(selectors.households(actor)[:2000]) if power.for_households else []
    villages = list(selectors.apply_villages(actor)) if not power.for_households else []
    if (power.for_households and not households) or (not power.for_households and not villages):
        raise PermissionDenied()
    kwargs = {"power": power, "households": households, "villages": villages}
    if request.method == "POST":
        form = ApplyForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            household = next((h for h in households if str(h.pk) == data.pop("household", "")), None)
            village = next((v for v in villages if str(v.pk) == data.pop("village", "")), None)
            try:
                case = services.case_apply(
                    actor=actor,
                    power=power,
                    household=household,
                    village=village,
                    **{k: v for k, v in data.items() if v not in (None, "")},
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(
                    request, _("Your application has been received: %(number)s.") % {"number": case.number}
                )
                return redirect("powers:case", pk=case.pk)
        status = 400
    else:
        form = ApplyForm(**kwargs)
        status = 200
    return _render(request, "powers/apply.html", {"power": power, "form": form}, status=status)


# -- lists ------------------------------------------------------------------------------------------------------


@login_required
def case_list(request):
    actor = request.user
    _require_any(actor, *READ)
    if not scope.can(actor, Action.POWER_VIEW):
        page = paginate(request, selectors.my_cases(actor), 20, decorate)
        return _render(request, "powers/cases.html", {"page": page, "mine": True})
    power = request.GET.get("power", "")
    state = request.GET.get("state", "")
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.search(
        actor,
        power=id_param(power),
        state=state,
        overdue=overdue,
        open_only=request.GET.get("open") == "1",
    )
    states = {}
    for flow in FLOWS.values():
        for s in flow.states.values():
            states.setdefault(s.name, str(s.label))
    return _render(
        request,
        "powers/cases.html",
        {
            "page": paginate(request, qs, 20, decorate),
            "powers": selectors.powers(actor),
            "states": sorted(states.items()),
            "power": power,
            "state": state,
            "overdue": overdue,
            "filtered": bool(power or state or overdue),
        },
    )


@login_required
@require_action(Action.POWER_HANDLE)
def queue(request):
    cases = decorate(selectors.village_queue(request.user))
    return _render(request, "powers/queue.html", {"cases": cases, "title": _("Village queue"), "township": False})


@login_required
@require_action(Action.POWER_REVIEW)
def review(request):
    cases = decorate(selectors.township_queue(request.user))
    return _render(request, "powers/queue.html", {"cases": cases, "title": _("Township review"), "township": True})


@login_required
@require_action(Action.POWER_VIEW)
def overview(request):
    data = selectors.overview(request.user)
    late = decorate(list(selectors.overdue(request.user)[:50]))
    return _render(request, "powers/overview.html", {"data": data, "late": late})


# -- a matter ---------------------------------------------------------------------------------------------------


def _timeline(case):
    flow = flow_of(case)
    rows = []
    for event in workflow.history(case):
        data = {k: v for k, v in (event.data or {}).items() if k not in ("notice",)}
        rows.append(
            {
                "event": event,
                "label": _("Applied") if event.transition == "start" else flow.step_label(event.transition),
                "who": event.actor_label or (str(event.actor) if event.actor_id else _("System")),
                "data": data,
                "files": [
                    {"name": a.name, "url": reverse("powers:file", args=[case.pk, a.pk])}
                    for a in event.attachments.all()
                ],
            }
        )
    return rows


DATA_LABELS = {
    "visited_on": gettext_lazy("Visited on"),
    "findings": gettext_lazy("Findings"),
    "body": gettext_lazy("Meeting"),
    "meeting_ref": gettext_lazy("Meeting reference"),
    "meeting_date": gettext_lazy("Meeting date"),
    "members": gettext_lazy("Members"),
    "present": gettext_lazy("Present"),
    "votes_for": gettext_lazy("Votes for"),
    "motion": gettext_lazy("Adopted motion"),
    "outcome": gettext_lazy("Outcome"),
    "publicity_from": gettext_lazy("Posted from"),
    "publicity_until": gettext_lazy("Posted until"),
    "opinion": gettext_lazy("Opinion"),
    "agriculture_opinion": gettext_lazy("Agriculture and rural affairs"),
    "resources_opinion": gettext_lazy("Natural resources"),
    "decision_ref": gettext_lazy("Approval document number"),
    "documents": gettext_lazy("Documents asked for"),
    "reason": gettext_lazy("Reason"),
    "appraisal": gettext_lazy("Appraisal"),
    "bidders": gettext_lazy("Bidders"),
    "winner": gettext_lazy("Winning bidder"),
    "winning_price": gettext_lazy("Winning price (yuan)"),
    "contract_ref": gettext_lazy("Contract number"),
}


def _labelled(data: dict, note: str = "") -> list[tuple[str, str]]:
    out = []
    for key, label in DATA_LABELS.items():
        value = data.get(key)
        if value in (None, "") or str(value) == note:
            continue
        if key == "body" and value in rules.BODIES:
            value = rules.BODIES[value][0]
        if key == "outcome" and value == "adopted":
            value = _("Adopted")
        out.append((str(label), str(value)))
    return out


def case_page(request, case, *, failed=None, status=200):
    """The matter's page (Flow.page): what casework draws again, with the refused step's form, after a refusal."""
    return _render_case(request, case, failed=failed, status=status)


def _render_case(request, case, *, failed=None, objection_form=None, status=200):
    actor = request.user
    (case,) = decorate([case])
    staff = scope.can(actor, Action.POWER_VIEW)
    timeline = _timeline(case)
    for row in timeline:
        row["facts"] = _labelled(row["data"], row["event"].note)
    objection_rows = []
    for o in selectors.objections(case):
        form = None
        if not o.answer and scope.in_scope(actor, Action.POWER_HANDLE, o):
            form = AnswerForm(prefix=f"o{o.pk}")
        objection_rows.append({"o": o, "who": o.raised_by_name if staff else mask_name(o.raised_by_name), "form": form})
    today = timezone.localdate()
    may_object = (
        case.state == PUBLICITY_STATE
        and case.publicity_until is not None
        and today <= case.publicity_until
        and services.may_object(actor, case)
    )
    return _render(
        request,
        "powers/case.html",
        {
            "case": case,
            "flow": flow_of(case),
            "staff": staff,
            "timeline": timeline,
            "steps": steps.panels(actor, case, flow_of(case), failed=failed),
            "objections": objection_rows,
            "objection_form": objection_form or (ObjectionForm() if may_object else None),
            "public_lines": publicity.lines(case, "publicity"),
        },
        status=status,
    )


@login_required
def case_detail(request, pk):
    _require_any(request.user, *READ)
    return _render_case(request, _found(selectors.get, request.user, pk))


@login_required
@require_POST
@api_twin("POST /api/powers/cases/{case_id}/objections")
def object_(request, pk):
    case = _found(selectors.objectable_case, request.user, pk)
    form = ObjectionForm(request.POST)
    # the case's own page for those who see it, else the village's public page (both where scope says, unchanged
    # by the objection)
    own = scope.in_scope(request.user, Action.POWER_VIEW, case) or scope.in_scope(
        request.user, Action.POWER_APPLY, case
    )
    done = submit(
        request,
        form,
        lambda data: services.objection_raise(actor=request.user, case=case, text=data["text"]),
        done=_("Your objection has been recorded; the village will answer it."),
        to=("powers:case", {"pk": case.pk})
        if own
        else ("powers:public_case", {"village_code": case.village.code, "pk": case.pk}),
    )
    if done:
        return done
    if own:
        return _render_case(request, case, objection_form=form, status=400)
    return _render_public(request, case.village, case, objection_form=form, status=400)


@login_required
@require_POST
@require_action(Action.POWER_HANDLE)
@api_twin("POST /api/powers/objections/{objection_id}/answer")
def answer(request, pk, objection_pk):
    case = _found(selectors.get, request.user, pk)
    objection = selectors.objections(case).filter(pk=objection_pk).first()
    if objection is None:
        raise Http404()
    form = AnswerForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            services.objection_answer(actor=request.user, objection=objection, answer=form.cleaned_data["answer"])
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("powers:case", pk=case.pk)
        messages.success(request, _("The answer has been recorded."))
        return redirect("powers:case", pk=case.pk)
    messages.error(request, _("Write the answer."))
    return redirect("powers:case", pk=case.pk)


@login_required
def attachment(request, pk, file_pk):
    case = _found(selectors.get, request.user, pk)
    found = CaseAttachment.objects.filter(pk=file_pk, event__object_id=case.pk, event__flow=case.flow).first()
    if found is None or not workflow.can_see(request.user, case, flow_of(case)):
        raise Http404()
    return file_response(found.file, content_type=found.content_type, name=found.name)


@login_required
@require_action(Action.POWER_VIEW)
def case_print(request, pk):
    """The case record for the village archive (Organic Law Art. 34): every step, who and when."""
    case = _found(selectors.get, request.user, pk)
    (case,) = decorate([case])
    timeline = _timeline(case)
    for row in timeline:
        row["facts"] = _labelled(row["data"], row["event"].note)
    return render(
        request,
        "powers/print_case.html",
        {
            "case": case,
            "flow": flow_of(case),
            "timeline": timeline,
            "objections": selectors.objections(case),
            "printed_at": timezone.now(),
        },
    )


@login_required
def notice_print(request, pk):
    """The 公示 for the village board (A4), de-identified."""
    _require_any(request.user, *READ)
    case = _found(selectors.get, request.user, pk)
    kind = "result" if request.GET.get("kind") == "result" and case.result_notice_id else "publicity"
    if kind == "publicity" and not case.publicity_from:
        raise Http404()
    return render(request, "powers/print_notice.html", _public_context(case, kind))


def _public_context(case, kind: str) -> dict:
    if kind == "result":
        notice = case.result_notice
    else:
        notice = case.notice
    return {
        "case": case,
        "kind": kind,
        "title": publicity.title(case, kind),
        "lines": publicity.lines(case, kind),
        "posted_from": notice.posted_from if notice else case.publicity_from,
        "posted_until": notice.posted_until if notice else case.publicity_until,
        "village": case.village,
    }


# -- public (no login) ------------------------------------------------------------------------------------------


def _public(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def public_board(request, village_code):
    try:
        village = region_selectors.public_village(village_code)
    except NotFound:
        raise Http404() from None
    rows = []
    for case in selectors.public_postings(village):
        kind = "publicity" if case.state == PUBLICITY_STATE else "result"
        rows.append({"case": case, **_public_context(case, kind)})
    return _public(render(request, "powers/public_board.html", {"village": village, "rows": rows}))


def _render_public(request, village, case, *, objection_form=None, status=200):
    kind = "publicity" if case.state == PUBLICITY_STATE else "result"
    may_object = (
        kind == "publicity"
        and request.user.is_authenticated
        and case.publicity_until is not None
        and timezone.localdate() <= case.publicity_until
        and services.may_object(request.user, case)
    )
    context = {
        **_public_context(case, kind),
        "objection_form": objection_form or (ObjectionForm() if may_object else None),
    }
    return _public(render(request, "powers/public_case.html", context, status=status))


def public_case(request, village_code, pk):
    try:
        village = region_selectors.public_village(village_code)
        case = selectors.public_case(village, pk)
    except NotFound:
        raise Http404() from None
    return _render_public(request, village, case)
