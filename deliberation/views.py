"""Pages of 议事协商 for people who sign in: topics (list, propose, co-sign on the phone, a topic with its steps,
meeting agenda, online consultation, decision and tasks), tasks, the village rules with their signatures, the
township's review queue and the village's deliberation list. Thin: reads go through deliberation.selectors, writes
through deliberation.services. The public pages (no login) are deliberation/public_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from core import scope, workflow
from core.errors import DomainError, NotFound
from core.masking import mask_name
from core.roles import Action
from core.views import apply_domain_errors, messages_from, paginate, require_action
from deliberation import meetings_link, selectors, services
from deliberation.flows import (
    FINAL_TOPIC_STATES,
    RULES,
    RULES_EDITABLE,
    RULES_SIGNABLE,
    TASK,
    TOPIC_FLOWS,
    coercive_clauses,
    flow_of,
)
from deliberation.forms import (
    AgendaForm,
    CommentForm,
    EntryForm,
    PaperSignatureForm,
    PollForm,
    ProposeForm,
    RulesForm,
    SettingsForm,
    StepForm,
    TaskForm,
)
from deliberation.models import Origin, Procedure, SignMethod

LINKS = [
    ("deliberation:home", gettext_lazy("Topics"), (Action.DELIBERATION_VIEW,)),
    ("deliberation:propose", gettext_lazy("Propose a topic"), (Action.DELIBERATION_PROPOSE,)),
    ("deliberation:tasks", gettext_lazy("Tasks"), (Action.DELIBERATION_VIEW,)),
    ("deliberation:rules", gettext_lazy("Village rules"), (Action.DELIBERATION_VIEW,)),
    ("deliberation:review", gettext_lazy("Township review"), (Action.DELIBERATION_REVIEW,)),
    ("deliberation:list", gettext_lazy("Deliberation list"), (Action.DELIBERATION_VIEW,)),
]
DANGER_STEPS = {"drop", "cancel", "return"}


def _render(request, template, context, status=200):
    links = []
    for name, label, actions in LINKS:
        if any(scope.can(request.user, a) for a in actions):
            url = reverse(name)
            links.append({"url": url, "label": label, "active": request.path == url})
    return render(request, template, {**context, "deliberation_links": links}, status=status)


def _get(fn, *args):
    try:
        return fn(*args)
    except NotFound:
        raise Http404() from None


def _who(actor, user_obj, label: str, staff: bool) -> str:
    if user_obj is not None and user_obj == actor:
        return _("You")
    return label if staff else mask_name(label)


#: What the first event of each flow means here (the engine's generic label reads as opening a case, 立案).
START_LABELS = {
    "deliberation_six": gettext_lazy("Topic proposed"),
    "deliberation_four": gettext_lazy("Topic proposed"),
    "deliberation_task": gettext_lazy("Task assigned"),
    "village_rules": gettext_lazy("Drafting of the village rules started"),
}


def _timeline(actor, obj, flow, staff: bool) -> list[dict]:
    rows = []
    events = list(workflow.history(obj))
    # Officials act in their office: their account's name (村支书, 镇干部) is shown to everyone. Only a villager's name
    # is masked for those who are not staff.
    officials = set()
    if not staff:
        from django.contrib.auth import get_user_model

        ids = {e.actor_id for e in events if e.actor_id}
        officials = {u.pk for u in get_user_model().objects.filter(pk__in=ids) if selectors.is_staff(u)}
    for event in events:
        who = event.actor_label or str(workflow.SYSTEM.label)
        start = event.transition == "start" and flow.name in START_LABELS
        rows.append(
            {
                "event": event,
                "label": START_LABELS[flow.name] if start else flow.step_label(event.transition),
                "who": who if staff or event.actor_id in officials else (mask_name(who) if event.actor_id else who),
                "motion": event.data.get("motion"),
                "meeting_title": event.data.get("meeting_title", ""),
                "extra": [
                    (services_label(k), v)
                    for k, v in (event.data or {}).items()
                    if k in ("outcome", "result", "reason", "comments", "days") and v not in (None, "")
                ],
            }
        )
    return rows


#: Timeline labels where the form's label speaks to the person typing (e.g. "shown on the public page").
TIMELINE_LABELS = {"result": pgettext_lazy("deliberation", "Result")}


def services_label(key: str) -> str:
    from deliberation.forms import FIELD_LABELS

    return str(TIMELINE_LABELS.get(key) or FIELD_LABELS.get(key, key))


def _step_forms(actor, obj, flow, *, failed=None, failed_step=None) -> list[dict]:
    forms_ = []
    for tr in workflow.available(actor, obj, flow):
        form = failed if tr.name == failed_step else StepForm(step=tr.name, initial={"version": obj.version})
        forms_.append(
            {
                "name": tr.name,
                "label": flow.step_label(tr.name),
                "form": form,
                "open": tr.name == failed_step,
                "danger": tr.name in DANGER_STEPS,
            }
        )
    if failed is not None and failed_step in flow.transitions and not any(f["name"] == failed_step for f in forms_):
        # a step that is not possible now: shown with its message and what was typed
        forms_.append(
            {"name": failed_step, "label": flow.step_label(failed_step), "form": failed, "open": True, "danger": False}
        )
    return forms_


# -- topics ---------------------------------------------------------------------------------------------------


def decorate_topics(rows):
    rows = list(rows)
    for t in rows:
        t.state_label = flow_of(t).state_label(t.state)
        t.procedure_label = Procedure(t.procedure).label
        t.origin_label = Origin(t.origin).label
    return rows


@login_required
@require_action(Action.DELIBERATION_VIEW)
def home(request):
    actor = request.user
    state = request.GET.get("state", "")
    procedure = request.GET.get("procedure", "")
    procedure = procedure if procedure in Procedure.values else ""
    text = request.GET.get("q", "").strip()[:50]
    villages = list(selectors.villages(actor))
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), None)
    states = {}
    for flow in TOPIC_FLOWS.values():
        for name in flow.states:
            states.setdefault(name, flow.state_label(name))
    state = state if state in states else ""
    qs = selectors.search_topics(actor, state=state, procedure=procedure, village=village, text=text)
    page = paginate(request, qs, 20, decorate=decorate_topics)
    manage = scope.can(actor, Action.DELIBERATION_MANAGE)
    context = {
        "page": page,
        "states": sorted(states.items()),
        "procedures": Procedure.choices,
        "state": state,
        "procedure": procedure,
        "villages": villages,
        "village": village,
        "q": text,
        "filtered": bool(state or procedure or village or text),
        "can_propose": scope.can(actor, Action.DELIBERATION_PROPOSE),
        "manage": manage,
        "overdue_tasks": len(selectors.overdue_tasks(actor)) if selectors.is_staff(actor) else 0,
        "can_review": scope.can(actor, Action.DELIBERATION_REVIEW),
        "to_review": len(selectors.review_queue(actor)) if scope.can(actor, Action.DELIBERATION_REVIEW) else 0,
        "public_village": villages[0] if len(villages) == 1 else None,
    }
    return _render(request, "deliberation/home.html", context)


@login_required
@require_action(Action.DELIBERATION_PROPOSE)
def propose(request):
    actor = request.user
    villages = list(selectors.villages(actor, Action.DELIBERATION_PROPOSE))
    if not villages:
        raise PermissionDenied()
    cadre = scope.can(actor, Action.DELIBERATION_MANAGE)
    chosen = next(
        (v for v in villages if str(v.pk) == (request.POST.get("village") or request.GET.get("village"))), villages[0]
    )
    entries = selectors.entries(chosen)
    if not entries:
        entries = [
            type("E", (), {"pk": -n, "name": name, "procedure": proc, "reserved_matter": matter})
            for n, (name, proc, matter, _c) in enumerate(services.DEFAULT_ENTRIES, start=1)
        ]
    form = ProposeForm(request.POST or None, villages=villages, entries=entries, cadre=cadre)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = next((v for v in villages if v.pk == data["village"]), villages[0])
        entry = data["entry"]
        try:
            if entry < 0:  # the default template, not kept yet: the service keeps it and finds the entry by name
                index = -entry - 1
                entry = services.DEFAULT_ENTRIES[index][0] if index < len(services.DEFAULT_ENTRIES) else None
            topic = services.topic_propose(
                actor=actor,
                village=village,
                title=data["title"],
                text=data["text"],
                entry=entry,
                origin=data.get("origin", ""),
            )
        except NotFound:
            form.add_error("entry", _("Choose the kind of matter from the village's deliberation list."))
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            if topic.origin == Origin.VILLAGERS:
                messages.success(
                    request,
                    _("Proposal saved. Ask other households to co-sign it on their phone: %(n)s households are needed.")
                    % {"n": topic.co_sign_min},
                )
            else:
                messages.success(request, _("Topic proposed."))
            return redirect("deliberation:topic", pk=topic.pk)
    return _render(request, "deliberation/propose.html", {"form": form, "cadre": cadre, "entries": entries})


def _render_topic(
    request,
    topic,
    *,
    failed=None,
    failed_step=None,
    comment_form=None,
    poll_form=None,
    task_form=None,
    agenda_form=None,
    status=200,
):
    actor = request.user
    staff = selectors.is_staff(actor)
    flow = flow_of(topic)
    (topic,) = decorate_topics([topic])
    manage = scope.in_scope(actor, Action.DELIBERATION_MANAGE, topic)
    household = services.household_of(actor, topic.village_id, Action.DELIBERATION_VIEW)
    signed = selectors.cosignatures(topic)
    now = timezone.now()
    polls = []
    for poll in selectors.polls(topic):
        counts = selectors.poll_counts(poll)
        total = sum(counts) or 1
        polls.append(
            {
                "poll": poll,
                "open": poll.is_open(now),
                "rows": [
                    {"index": i, "label": o, "count": c, "share": round(100 * c / total)}
                    for i, (o, c) in enumerate(zip(poll.options, counts, strict=False))
                ],
                "answered": sum(counts),
                "mine": selectors.my_answer(poll, household),
            }
        )
    comments = [
        {
            "c": c,
            "who": _("You")
            if c.author_id == actor.pk
            else (c.author_name if staff or c.is_staff else mask_name(c.author_name)),
        }
        for c in selectors.comments(topic)
    ]
    decision = selectors.decision_of(topic)
    tasks = []
    if decision is not None:
        for t in selectors.decision_tasks(decision):
            t.state_label = TASK.state_label(t.state)
            t.late = selectors.is_late(t, now)
            tasks.append(t)
    meetings = []
    if manage and topic.state not in FINAL_TOPIC_STATES:
        meetings = meetings_link.open_meetings(actor, topic.village)
    motions = meetings_link.decided_motions(topic.subject) + meetings_link.pending_motions(topic.subject)
    for m in motions:
        m.kind_label = meetings_link.kind_label(m.meeting.kind)
    context = {
        "topic": topic,
        "flow": flow,
        "staff": staff,
        "manage": manage,
        "steps": _step_forms(actor, topic, flow, failed=failed, failed_step=failed_step) if manage else [],
        "timeline": _timeline(actor, topic, flow, staff),
        "signed": signed,
        "may_cosign": topic.origin == Origin.VILLAGERS
        and topic.state == "proposed"
        and household is not None
        and not selectors.has_cosigned(topic, household),
        "has_cosigned": selectors.has_cosigned(topic, household),
        "open_topic": topic.state not in FINAL_TOPIC_STATES,
        "may_comment": topic.state not in FINAL_TOPIC_STATES and (household is not None or manage),
        "household": household,
        "comments": comments,
        "comment_form": comment_form or CommentForm(),
        "polls": polls,
        "poll_form": poll_form or (PollForm() if manage else None),
        "decision": decision,
        "tasks": tasks,
        "task_form": task_form
        or (
            TaskForm(owners=_owners(topic.village))
            if manage and decision and topic.state not in FINAL_TOPIC_STATES
            else None
        ),
        "agenda_form": agenda_form or (AgendaForm(meetings=meetings) if meetings else None),
        "motions": motions,
        "reserved_label": meetings_link.reserved_label(topic.reserved_matter) if topic.reserved_matter else "",
        "proposer": _who(actor, topic.proposer, topic.proposer.display_name or str(topic.proposer), staff),
    }
    return _render(request, "deliberation/topic.html", context, status=status)


def _owners(village):
    from accounts.models import User

    return list(
        User.objects.filter(assignments__region=village, is_active=True)
        .exclude(assignments__role="villager")
        .distinct()
        .order_by("username")[:50]
    )


@login_required
@require_action(Action.DELIBERATION_VIEW)
def topic_detail(request, pk):
    return _render_topic(request, _get(selectors.topic, request.user, pk))


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
def topic_step(request, pk, step):
    actor = request.user
    topic = _get(selectors.topic, actor, pk)
    form = StepForm(request.POST, step=step)
    if form.is_valid():
        data, note = form.step_data()
        try:
            services.topic_step(
                actor=actor, topic=topic, step=step, data=data, note=note, version=form.cleaned_data.get("version")
            )
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": flow_of(topic).step_label(step)})
            return redirect("deliberation:topic", pk=topic.pk)
    return _render_topic(request, topic, failed=form, failed_step=step, status=422)


@login_required
@require_POST
@require_action(Action.DELIBERATION_PROPOSE)
def topic_cosign(request, pk):
    topic = _get(selectors.topic, request.user, pk)
    try:
        services.topic_cosign(actor=request.user, topic=topic)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("Your household has co-signed this proposal."))
    return redirect("deliberation:topic", pk=topic.pk)


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
def topic_agenda(request, pk):
    actor = request.user
    topic = _get(selectors.topic, actor, pk)
    meetings = meetings_link.open_meetings(actor, topic.village)
    form = AgendaForm(request.POST, meetings=meetings)
    if form.is_valid():
        meeting = next((m for m in meetings if m.pk == form.cleaned_data["meeting"]), None)
        try:
            services.topic_to_agenda(actor=actor, topic=topic, meeting=meeting)
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The topic is on the meeting's agenda."))
            return redirect("deliberation:topic", pk=topic.pk)
    return _render_topic(request, topic, agenda_form=form, status=422)


@login_required
@require_POST
@require_action(Action.DELIBERATION_VIEW)
def topic_comment(request, pk):
    topic = _get(selectors.topic, request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, topic=topic, text=form.cleaned_data["text"])
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Comment posted."))
            return redirect(reverse("deliberation:topic", args=[topic.pk]) + "#consultation")
    return _render_topic(request, topic, comment_form=form, status=422)


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
def poll_open(request, pk):
    topic = _get(selectors.topic, request.user, pk)
    form = PollForm(request.POST)
    if form.is_valid():
        try:
            services.poll_open(
                actor=request.user,
                topic=topic,
                question=form.cleaned_data["question"],
                options=form.cleaned_data["options"],
                closes_at=form.cleaned_data["closes_at"],
            )
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The poll is open."))
            return redirect(reverse("deliberation:topic", args=[topic.pk]) + "#consultation")
    return _render_topic(request, topic, poll_form=form, status=422)


@login_required
@require_POST
@require_action(Action.DELIBERATION_VIEW)
def poll_answer(request, pk):
    from deliberation.models import Poll

    poll = Poll.objects.filter(pk=pk).first()
    if poll is None:
        raise Http404()
    topic = _get(selectors.topic, request.user, poll.topic_id)
    try:
        services.poll_answer(actor=request.user, poll=poll, option=request.POST.get("option"))
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("Your household's answer is recorded. You can change it until the poll closes."))
    return redirect(reverse("deliberation:topic", args=[topic.pk]) + "#consultation")


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
def poll_close(request, pk):
    from deliberation.models import Poll

    poll = Poll.objects.filter(pk=pk).first()
    if poll is None:
        raise Http404()
    topic = _get(selectors.topic, request.user, poll.topic_id)
    try:
        services.poll_close(actor=request.user, poll=poll)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("The poll is closed."))
    return redirect(reverse("deliberation:topic", args=[topic.pk]) + "#consultation")


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
def task_create(request, pk):
    actor = request.user
    decision = _get(selectors.decision, actor, pk)
    back = decision.topic if decision.topic_id else None
    owners = _owners(decision.village)
    form = TaskForm(request.POST, owners=owners)
    if form.is_valid():
        data = form.cleaned_data
        owner = next((u for u in owners if u.pk == data.get("owner")), None)
        try:
            services.task_create(
                actor=actor,
                decision=decision,
                title=data["title"],
                owner_name=data["owner_name"],
                due_date=data["due_date"],
                owner=owner,
            )
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Task added."))
            if back is not None:
                return redirect(reverse("deliberation:topic", args=[back.pk]) + "#tasks")
            return redirect("deliberation:rules_detail", pk=decision.rules_id)
    if back is not None:
        return _render_topic(request, back, task_form=form, status=422)
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)
    return redirect("deliberation:tasks")


# -- tasks ----------------------------------------------------------------------------------------------------


@login_required
@require_action(Action.DELIBERATION_VIEW)
def task_list(request):
    actor = request.user
    overdue = request.GET.get("overdue") == "1"
    mine = request.GET.get("mine") == "1"
    state = request.GET.get("state", "")
    state = state if state in TASK.states else ""
    qs = selectors.search_tasks(actor, state=state, overdue=overdue, mine=mine)
    now = timezone.now()

    def decorate(rows):
        rows = list(rows)
        for t in rows:
            t.state_label = TASK.state_label(t.state)
            t.late = selectors.is_late(t, now)
        return rows

    page = paginate(request, qs, 30, decorate=decorate)
    return _render(
        request,
        "deliberation/tasks.html",
        {
            "page": page,
            "overdue": overdue,
            "mine": mine,
            # "Mine" only for someone who can be given tasks (staff) or has been given one
            "show_mine": mine or selectors.is_staff(actor) or selectors.search_tasks(actor, mine=True).exists(),
            "state": state,
            "states": [(n, TASK.state_label(n)) for n in TASK.states],
            "filtered": overdue or mine or bool(state),
        },
    )


def _render_task(request, task, *, failed=None, failed_step=None, status=200):
    actor = request.user
    staff = selectors.is_staff(actor)
    task.state_label = TASK.state_label(task.state)
    task.late = selectors.is_late(task)
    return _render(
        request,
        "deliberation/task.html",
        {
            "task": task,
            "staff": staff,
            "steps": _step_forms(actor, task, TASK, failed=failed, failed_step=failed_step),
            "timeline": _timeline(actor, task, TASK, staff),
        },
        status=status,
    )


@login_required
@require_action(Action.DELIBERATION_VIEW)
def task_detail(request, pk):
    return _render_task(request, _get(selectors.task, request.user, pk))


@login_required
@require_POST
def task_step(request, pk, step):
    actor = request.user
    task = _get(selectors.task, actor, pk)
    form = StepForm(request.POST, step=step)
    if form.is_valid():
        data, note = form.step_data()
        try:
            services.task_step(
                actor=actor, task=task, step=step, data=data, note=note, version=form.cleaned_data.get("version")
            )
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": TASK.step_label(step)})
            return redirect("deliberation:task", pk=task.pk)
    return _render_task(request, task, failed=form, failed_step=step, status=422)


# -- village rules --------------------------------------------------------------------------------------------


@login_required
@require_action(Action.DELIBERATION_VIEW)
def rules_list(request):
    actor = request.user
    rows = list(selectors.rules_versions(actor).order_by("village__code", "-edition"))
    for r in rows:
        r.state_label = RULES.state_label(r.state)
        r.signed, r.households = selectors.coverage(r)
        r.share = round(100 * r.signed / r.households) if r.households else 0
    return _render(
        request,
        "deliberation/rules_list.html",
        {"rows": rows, "manage": scope.can(actor, Action.DELIBERATION_MANAGE)},
    )


@login_required
@require_action(Action.DELIBERATION_MANAGE)
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = next((v for v in villages if v.pk == data["village"]), villages[0])
        try:
            rules = services.rules_create(actor=actor, village=village, title=data["title"], text=data["text"])
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Draft opened for opinions (征集民意)."))
            return redirect("deliberation:rules_detail", pk=rules.pk)
    return _render(request, "deliberation/rules_form.html", {"form": form, "rules": None})


@login_required
@require_action(Action.DELIBERATION_MANAGE)
def rules_edit(request, pk):
    actor = request.user
    rules = _get(selectors.rules, actor, pk)
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
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_update(
                actor=actor,
                rules=rules,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                version=form.cleaned_data.get("version"),
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("deliberation:rules_detail", pk=rules.pk)
    return _render(request, "deliberation/rules_form.html", {"form": form, "rules": rules})


def _render_rules(
    request, rules, *, failed=None, failed_step=None, paper_form=None, comment_form=None, agenda_form=None, status=200
):
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
    comments = [
        {
            "c": c,
            "who": _("You")
            if c.author_id == actor.pk
            else (c.author_name if staff or c.is_staff else mask_name(c.author_name)),
        }
        for c in selectors.comments(rules)
    ]
    return _render(
        request,
        "deliberation/rules_detail.html",
        {
            "rules": rules,
            "staff": staff,
            "manage": manage,
            "clauses": clauses,
            "flagged": bool(flagged),
            "steps": _step_forms(actor, rules, RULES, failed=failed, failed_step=failed_step),
            "timeline": _timeline(actor, rules, RULES, staff),
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
    return _render_rules(request, _get(selectors.rules, request.user, pk))


@login_required
@require_POST
def rules_step(request, pk, step):
    actor = request.user
    rules = _get(selectors.rules, actor, pk)
    form = StepForm(request.POST, step=step)
    if form.is_valid():
        data, note = form.step_data()
        try:
            services.rules_step(
                actor=actor, rules=rules, step=step, data=data, note=note, version=form.cleaned_data.get("version")
            )
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": RULES.step_label(step)})
            return redirect("deliberation:rules_detail", pk=rules.pk)
    return _render_rules(request, rules, failed=form, failed_step=step, status=422)


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
def rules_agenda(request, pk):
    actor = request.user
    rules = _get(selectors.rules, actor, pk)
    meetings = meetings_link.open_meetings(actor, rules.village)
    form = AgendaForm(request.POST, meetings=meetings)
    if form.is_valid():
        meeting = next((m for m in meetings if m.pk == form.cleaned_data["meeting"]), None)
        try:
            services.rules_to_agenda(actor=actor, rules=rules, meeting=meeting)
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The rules are on the villagers' assembly's agenda."))
            return redirect("deliberation:rules_detail", pk=rules.pk)
    return _render_rules(request, rules, agenda_form=form, status=422)


@login_required
@require_POST
@require_action(Action.DELIBERATION_VIEW)
def rules_comment(request, pk):
    rules = _get(selectors.rules, request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, rules=rules, text=form.cleaned_data["text"])
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Opinion posted."))
            return redirect("deliberation:rules_detail", pk=rules.pk)
    return _render_rules(request, rules, comment_form=form, status=422)


@login_required
@require_POST
@require_action(Action.DELIBERATION_VIEW)
def rules_sign(request, pk):
    rules = _get(selectors.rules, request.user, pk)
    try:
        services.rules_sign(actor=request.user, rules=rules)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("Your household's consent to the village rules is recorded."))
    return redirect("deliberation:rules_detail", pk=rules.pk)


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
def rules_paper(request, pk):
    actor = request.user
    rules = _get(selectors.rules, actor, pk)
    form = PaperSignatureForm(request.POST, households=list(selectors.unsigned_households(rules)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.rules_record_paper(
                actor=actor,
                rules=rules,
                household=data["household"],
                signer_name=data["signer_name"],
                signed_on=data["signed_on"],
            )
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Paper signature recorded."))
            return redirect(reverse("deliberation:rules_detail", args=[rules.pk]) + "#signatures")
    return _render_rules(request, rules, paper_form=form, status=422)


# -- township review and the list -----------------------------------------------------------------------------


@login_required
@require_action(Action.DELIBERATION_REVIEW)
def review(request):
    actor = request.user
    queue = selectors.review_queue(actor)
    for r in queue:
        r.state_label = RULES.state_label(r.state)
        r.flags = coercive_clauses(r.text)
    overdue = selectors.overdue_tasks(actor, Action.DELIBERATION_REVIEW)
    for t in overdue:
        t.state_label = TASK.state_label(t.state)
    stuck = decorate_topics(
        selectors.topics(actor)
        .filter(village__in=selectors.villages(actor, Action.DELIBERATION_REVIEW))
        .exclude(state__in=FINAL_TOPIC_STATES)[:50]
    )
    return _render(request, "deliberation/review.html", {"queue": queue, "overdue": overdue, "open_topics": stuck})


@login_required
@require_action(Action.DELIBERATION_VIEW)
def deliberation_list(request):
    actor = request.user
    villages = list(selectors.villages(actor))
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), villages[0] if villages else None)
    if village is None:
        raise PermissionDenied()
    manage = scope.region_in_scope(actor, Action.DELIBERATION_MANAGE, village)
    dlist = selectors.deliberation_list(village)
    reserved = meetings_link.reserved_choices()
    settings_form = entry_form = None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied()
        what = request.POST.get("what")
        try:
            if what == "keep":
                services.list_ensure(actor=actor, village=village)
                messages.success(request, _("The village keeps this list."))
                return redirect(reverse("deliberation:list") + f"?village={village.pk}")
            if what == "settings":
                settings_form = SettingsForm(request.POST)
                if settings_form.is_valid():
                    services.list_settings(
                        actor=actor, village=village, co_sign_min=settings_form.cleaned_data["co_sign_min"]
                    )
                    messages.success(request, _("Saved."))
                    return redirect(reverse("deliberation:list") + f"?village={village.pk}")
            elif what == "add":
                entry_form = EntryForm(request.POST, reserved_choices=reserved)
                if entry_form.is_valid():
                    services.entry_add(actor=actor, village=village, **entry_form.cleaned_data)
                    messages.success(request, _("Kind of matter added."))
                    return redirect(reverse("deliberation:list") + f"?village={village.pk}")
            elif what == "toggle":
                from deliberation.models import ListEntry

                entry = ListEntry.objects.filter(pk=request.POST.get("entry"), dlist__village=village).first()
                if entry is None:
                    raise Http404()
                services.entry_update(actor=actor, entry=entry, active=not entry.active)
                messages.success(request, _("Saved."))
                return redirect(reverse("deliberation:list") + f"?village={village.pk}")
        except DomainError as exc:
            if what == "settings" and settings_form is not None:
                apply_domain_errors(settings_form, exc)
            elif what == "add" and entry_form is not None:
                apply_domain_errors(entry_form, exc)
            else:
                messages_from(request, exc)
    if dlist is not None:
        rows = list(dlist.entries.all())
    else:
        rows = [
            type(
                "E",
                (),
                {"pk": None, "name": n, "procedure": p, "reserved_matter": m, "needs_party_masses": c, "active": True},
            )
            for n, p, m, c in services.DEFAULT_ENTRIES
        ]
    for r in rows:
        r.procedure_label = Procedure(r.procedure).label
        r.reserved_label = meetings_link.reserved_label(r.reserved_matter) if r.reserved_matter else ""
    return _render(
        request,
        "deliberation/list.html",
        {
            "village": village,
            "villages": villages,
            "dlist": dlist,
            "rows": rows,
            "manage": manage,
            "settings_form": settings_form or SettingsForm(initial={"co_sign_min": dlist.co_sign_min if dlist else 5}),
            "entry_form": entry_form or EntryForm(reserved_choices=reserved),
        },
        status=422
        if (settings_form is not None and settings_form.errors) or (entry_form is not None and entry_form.errors)
        else 200,
    )
