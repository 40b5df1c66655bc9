"""What every deliberation page shares: the sub-navigation, 404 for rows outside scope, names as the reader may see
them, the timeline and the step panels (from the steps' declaration, casework.steps), and the writes posted on a
topic's or village rules' page (a form, or a button)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import steps as casework_steps
from core import workflow
from core.errors import NotFound
from core.masking import mask_name
from core.roles import Action
from core.views import api_twin, require_action, section_links, submit
from deliberation import meetings_link, selectors
from deliberation.flows import START_LABELS

LINKS = [
    ("deliberation:home", gettext_lazy("Topics"), (Action.DELIBERATION_VIEW,)),
    ("deliberation:propose", gettext_lazy("Propose a topic"), (Action.DELIBERATION_PROPOSE,)),
    ("deliberation:tasks", gettext_lazy("Tasks"), (Action.DELIBERATION_VIEW,)),
    ("deliberation:rules", gettext_lazy("Village rules"), (Action.DELIBERATION_VIEW,)),
    ("deliberation:review", gettext_lazy("Township review"), (Action.DELIBERATION_REVIEW,)),
    ("deliberation:list", gettext_lazy("Deliberation list"), (Action.DELIBERATION_VIEW,)),
]


def render_page(request, template, context, status=200):
    return render(request, template, {**context, "deliberation_links": section_links(request, LINKS)}, status=status)


def get_or_404(fn, *args):
    try:
        return fn(*args)
    except NotFound:
        raise Http404() from None


def who(actor, user_obj, label: str, staff: bool) -> str:
    if user_obj is not None and user_obj == actor:
        return _("You")
    return label if staff else mask_name(label)


def comment_rows(actor, rows, staff: bool) -> list[dict]:
    return [
        {
            "c": c,
            "who": _("You")
            if c.author_id == actor.pk
            else (c.author_name if staff or c.is_staff else mask_name(c.author_name)),
        }
        for c in rows
    ]


def timeline(actor, obj, flow, staff: bool) -> list[dict]:
    """The case's events: the first one says what it means here (START_LABELS), a step's facts are its declared
    fields. Officials act in their office: their account's name (村支书, 镇干部) is shown to everyone; only a villager's
    name is masked for those who are not staff."""
    rows = []
    events = list(workflow.history(obj))
    officials = set()
    if not staff:
        from django.contrib.auth import get_user_model

        ids = {e.actor_id for e in events if e.actor_id}
        officials = {u.pk for u in get_user_model().objects.filter(pk__in=ids) if selectors.is_staff(u)}
    for event in events:
        name = event.actor_label or str(workflow.SYSTEM.label)
        start = event.transition == workflow.START and flow.name in START_LABELS
        rows.append(
            {
                "event": event,
                "label": START_LABELS[flow.name] if start else flow.step_label(event.transition),
                "who": name if staff or event.actor_id in officials else (mask_name(name) if event.actor_id else name),
                "meeting_title": event.data.get("meeting_title", ""),
                "facts": casework_steps.facts(flow, event),
            }
        )
    return rows


def step_panels(request, case, flow, *, failed=None) -> list[dict]:
    """The panels of the steps the person may take now (casework.steps.panels). A refused step that is not possible
    now (the case moved on, or it was never possible) is shown too, open, with its message and what was typed."""
    panels = casework_steps.panels(request.user, case, flow, failed=failed)
    if failed is not None and failed.step in flow.transitions and not any(p["name"] == failed.step for p in panels):
        tr = flow.transitions[failed.step]
        panels.append(
            {
                "name": tr.name,
                "label": str(tr.label),
                "url": reverse("casework:step", args=[flow.name, case.pk, tr.name]),
                "form": failed,
                "confirm": str(tr.confirm or ""),
                "multipart": False,
                "open": True,
                "waiting": "",
            }
        )
    return panels


def case_form(*, action, twin, find, page, slot, form, write, done, anchor="", form_kwargs=None):
    """The view of a form posted on a case's page (an opinion, a poll, the agenda of a meeting): the case is
    ``find(actor, pk)``, the form ``form(request.POST, **form_kwargs(actor, case))``, the write
    ``write(actor, case, cleaned_data)`` (core.views.submit). On success the ``done`` message and the case's page (at
    ``anchor``); on a refusal ``page`` draws the case again with the form in ``slot`` and its messages (422)."""

    @login_required
    @require_POST
    @require_action(action)
    @api_twin(twin)
    def view(request, pk):
        actor = request.user
        case = get_or_404(find, actor, pk)
        bound = form(request.POST, **(form_kwargs(actor, case) if form_kwargs else {}))
        to = case.get_absolute_url() + anchor
        written = submit(request, bound, lambda data: write(actor, case, data), done=done, to=to)
        return written or page(request, case, status=422, **{slot: bound})

    return view


def agenda_meetings(actor, case) -> dict:
    """What an agenda form offers: the village's meetings still open for motions."""
    return {"meetings": meetings_link.open_meetings(actor, case.village)}
