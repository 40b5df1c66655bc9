"""The lists of 三务公开: the village's notices with their filters, the reviewer's check queue and the questions
waiting for an answer (or, for a villager, their own)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils import timezone

from core import scope
from core.roles import Action
from core.views import paginate, require_action
from regions import selectors as region_selectors
from transparency import selectors
from transparency.flows import NOTICE, NOTICE_QUESTION
from transparency.models import Stream
from transparency.views.common import _render, _require_any, decorate, period_text


@login_required
@require_action(Action.TRANSPARENCY_VIEW)
def notice_list(request):
    actor = request.user
    staff = selectors.is_staff(actor)
    stream = request.GET.get("stream", "")
    stream = stream if stream in Stream.values else ""
    state = request.GET.get("state", "") if staff else ""
    state = state if state in NOTICE.states else ""
    villages = list(region_selectors.villages(actor, Action.TRANSPARENCY_VIEW))
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), None)
    text = request.GET.get("q", "").strip()[:50]
    qs = selectors.search(actor, stream=stream, state=state, village=village, text=text)
    page = paginate(request, qs, 20, decorate=decorate)
    for notice in page.object_list:
        notice.period_label = period_text(notice)
    context = {
        "page": page,
        "staff": staff,
        "streams": Stream.choices,
        "states": [(name, NOTICE.state_label(name)) for name in NOTICE.states],
        "stream": stream,
        "state": state,
        "villages": villages,
        "village": village,
        "q": text,
        "filtered": bool(stream or state or village or text),
        "can_write": scope.can(actor, Action.TRANSPARENCY_PUBLISH),
        "open_questions": selectors.open_questions(actor).count()
        if scope.can(actor, Action.TRANSPARENCY_PUBLISH)
        else 0,
        "to_check": selectors.check_queue(actor).count() if scope.can(actor, Action.TRANSPARENCY_CHECK) else 0,
        "public_village": villages[0] if len(villages) == 1 else None,
    }
    return _render(request, "transparency/list.html", context)


@login_required
@require_action(Action.TRANSPARENCY_CHECK)
def check_queue(request):
    notices = decorate(selectors.check_queue(request.user))
    for notice in notices:
        notice.period_label = period_text(notice)
    return _render(request, "transparency/check_queue.html", {"notices": notices})


@login_required
def questions(request):
    """Cadres: the questions waiting for an answer, earliest deadline first. Villagers: their own questions."""
    actor = request.user
    _require_any(actor, Action.TRANSPARENCY_PUBLISH, Action.TRANSPARENCY_ASK)
    now = timezone.now()
    waiting = list(selectors.open_questions(actor)) if scope.can(actor, Action.TRANSPARENCY_PUBLISH) else []
    for q in waiting:
        q.is_overdue = q.overdue or (q.deadline_at is not None and q.deadline_at < now)
    mine = list(selectors.my_questions(actor)[:50]) if scope.can(actor, Action.TRANSPARENCY_ASK) else []
    for q in mine:
        q.state_label = NOTICE_QUESTION.state_label(q.state)
    return _render(request, "transparency/questions.html", {"waiting": waiting, "mine": mine})
