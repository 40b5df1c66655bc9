"""The topic pages of 议事协商: the list, propose, a topic with its steps (declared in deliberation/flows.py and taken
through casework's step view), co-signing on the phone, a meeting's agenda, online consultation."""

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
from core.errors import DomainError, NotFound
from core.roles import Action
from core.views import api_twin, apply_domain_errors, paginate, post_back, require_action
from deliberation import meetings_link, selectors, services
from deliberation.flows import FINAL_TOPIC_STATES, TASK, TOPIC_FLOWS, flow_of
from deliberation.forms import AgendaForm, CommentForm, PollForm, ProposeForm, TaskForm
from deliberation.models import Origin, Procedure
from deliberation.views.common import (
    agenda_meetings,
    case_form,
    comment_rows,
    get_or_404,
    render_page,
    step_panels,
    timeline,
    who,
)


def _topic_url(topic, anchor: str = "") -> str:
    return reverse("deliberation:topic", args=[topic.pk]) + anchor


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
    return render_page(request, "deliberation/home.html", context)


@login_required
@require_action(Action.DELIBERATION_PROPOSE)
@api_twin("POST /api/deliberation/topics")
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
    return render_page(request, "deliberation/propose.html", {"form": form, "cadre": cadre, "entries": entries})


def topic_page(
    request,
    topic,
    *,
    failed=None,
    status=200,
    comment_form=None,
    poll_form=None,
    task_form=None,
    agenda_form=None,
):
    """The topic with its steps (the flows' ``page``: casework's step view draws it again with a refused step's
    form), meetings, consultation, decision and tasks."""
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
    comments = comment_rows(actor, selectors.comments(topic), staff)
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
        "steps": step_panels(request, topic, flow, failed=failed) if manage else [],
        "timeline": timeline(actor, topic, flow, staff),
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
            TaskForm(owners=owner_choices(topic.village))
            if manage and decision and topic.state not in FINAL_TOPIC_STATES
            else None
        ),
        "agenda_form": agenda_form or (AgendaForm(meetings=meetings) if meetings else None),
        "motions": motions,
        "reserved_label": meetings_link.reserved_label(topic.reserved_matter) if topic.reserved_matter else "",
        "proposer": who(actor, topic.proposer, topic.proposer.display_name or str(topic.proposer), staff),
    }
    return render_page(request, "deliberation/topic.html", context, status=status)


def owner_choices(village):
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
    return topic_page(request, get_or_404(selectors.topic, request.user, pk))


@login_required
@require_POST
@require_action(Action.DELIBERATION_PROPOSE)
@api_twin("POST /api/deliberation/topics/{topic_id}/cosign")
def topic_cosign(request, pk):
    topic = get_or_404(selectors.topic, request.user, pk)
    return post_back(
        request,
        lambda: services.topic_cosign(actor=request.user, topic=topic),
        done=_("Your household has co-signed this proposal."),
        to=_topic_url(topic),
    )


topic_agenda = case_form(
    action=Action.DELIBERATION_MANAGE,
    twin="POST /api/deliberation/topics/{topic_id}/agenda",
    find=selectors.topic,
    page=topic_page,
    slot="agenda_form",
    form=AgendaForm,
    form_kwargs=agenda_meetings,
    write=lambda actor, topic, data: services.topic_to_agenda(actor=actor, topic=topic, meeting=data["meeting"]),
    done=gettext_lazy("The topic is on the meeting's agenda."),
)

topic_comment = case_form(
    action=Action.DELIBERATION_VIEW,
    twin="POST /api/deliberation/topics/{topic_id}/comments",
    find=selectors.topic,
    page=topic_page,
    slot="comment_form",
    form=CommentForm,
    write=lambda actor, topic, data: services.comment_add(actor=actor, topic=topic, text=data["text"]),
    done=gettext_lazy("Comment posted."),
    anchor="#consultation",
)

poll_open = case_form(
    action=Action.DELIBERATION_MANAGE,
    twin="POST /api/deliberation/topics/{topic_id}/polls",
    find=selectors.topic,
    page=topic_page,
    slot="poll_form",
    form=PollForm,
    write=lambda actor, topic, data: services.poll_open(actor=actor, topic=topic, **data),
    done=gettext_lazy("The poll is open."),
    anchor="#consultation",
)


def _poll(request, pk):
    """The poll and its topic (404 outside the person's scope)."""
    from deliberation.models import Poll

    poll = Poll.objects.filter(pk=pk).first()
    if poll is None:
        raise Http404()
    return poll, get_or_404(selectors.topic, request.user, poll.topic_id)


@login_required
@require_POST
@require_action(Action.DELIBERATION_VIEW)
@api_twin("POST /api/deliberation/polls/{poll_id}/answer")
def poll_answer(request, pk):
    poll, topic = _poll(request, pk)
    return post_back(
        request,
        lambda: services.poll_answer(actor=request.user, poll=poll, option=request.POST.get("option")),
        done=_("Your household's answer is recorded. You can change it until the poll closes."),
        to=_topic_url(topic, "#consultation"),
    )


@login_required
@require_POST
@require_action(Action.DELIBERATION_MANAGE)
@api_twin("POST /api/deliberation/polls/{poll_id}/close")
def poll_close(request, pk):
    poll, topic = _poll(request, pk)
    return post_back(
        request,
        lambda: services.poll_close(actor=request.user, poll=poll),
        done=_("The poll is closed."),
        to=_topic_url(topic, "#consultation"),
    )
