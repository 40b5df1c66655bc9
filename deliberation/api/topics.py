"""Topics over the API: list, detail, propose, co-sign, agenda, and online consultation (comments, polls)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from casework import steps as casework_steps
from core import scope
from core.api_types import Id, Page, PageSize
from core.errors import NotFound
from core.masking import mask_name
from core.roles import Action
from deliberation import meetings_link, selectors, services
from deliberation.api._common import MAX_PAGE_SIZE, _ref, _require, _timeline, _village, router
from deliberation.flows import TASK, flow_of
from deliberation.models import Origin, Poll, Procedure
from deliberation.schemas import AgendaIn, CommentIn, PollAnswerIn, PollIn, PollOut, TopicDetail, TopicIn, TopicPage

# -- topics ---------------------------------------------------------------------------------------------------


def _row(t) -> dict:
    return {
        "id": t.pk,
        "number": t.number,
        "village": _ref(t.village),
        "title": t.title,
        "origin": t.origin,
        "origin_label": str(Origin(t.origin).label),
        "procedure": t.procedure,
        "procedure_label": str(Procedure(t.procedure).label),
        "reserved_matter": t.reserved_matter,
        "state": t.state,
        "state_label": flow_of(t).state_label(t.state),
        "signatures": getattr(t, "signatures", None)
        if getattr(t, "signatures", None) is not None
        else selectors.cosignatures(t),
        "co_sign_min": t.co_sign_min,
        "created_at": t.created_at,
        "version": t.version,
    }


def _task(t, now=None) -> dict:
    return {
        "id": t.pk,
        "decision_id": t.decision_id,
        "title": t.title,
        "owner_name": t.owner_name,
        "due_date": t.due_date,
        "deadline_at": t.deadline_at,
        "state": t.state,
        "state_label": TASK.state_label(t.state),
        "overdue": selectors.is_late(t, now),
        "result": t.result,
        "version": t.version,
    }


def _decision(d) -> dict | None:
    if d is None:
        return None
    return {
        "id": d.pk,
        "number": d.number,
        "title": d.title,
        "text": d.text,
        "body_label": d.body_label,
        "motion_id": d.motion_id,
        "decided_at": d.decided_at,
        "published_at": d.published_at,
        "result": d.result,
        "result_published_at": d.result_published_at,
        "tasks": [_task(t) for t in selectors.decision_tasks(d)],
    }


def _polls(actor, topic) -> list[dict]:
    household = services.household_of(actor, topic.village_id, Action.DELIBERATION_VIEW)
    out = []
    for p in selectors.polls(topic):
        counts = selectors.poll_counts(p)
        out.append(
            {
                "id": p.pk,
                "question": p.question,
                "closes_at": p.closed_early_at or p.closes_at,
                "open": p.is_open(),
                "binding": False,
                "options": [
                    {"index": i, "label": o, "count": c}
                    for i, (o, c) in enumerate(zip(p.options, counts, strict=False))
                ],
                "my_answer": selectors.my_answer(p, household),
            }
        )
    return out


def _topic_detail(actor, topic) -> dict:
    staff = selectors.is_staff(actor)
    flow = flow_of(topic)
    data = _row(topic)
    household = services.household_of(actor, topic.village_id, Action.DELIBERATION_PROPOSE)
    motions = meetings_link.decided_motions(topic.subject) + meetings_link.pending_motions(topic.subject)
    data.update(
        {
            "text": topic.text,
            "entry": topic.entry.name if topic.entry_id else "",
            "needs_party_masses": topic.needs_party_masses,
            "decision": _decision(selectors.decision_of(topic)),
            "polls": _polls(actor, topic),
            "comments": [
                {
                    "id": c.pk,
                    "who": c.author_name
                    if staff or c.is_staff or c.author_id == actor.pk
                    else mask_name(c.author_name),
                    "text": c.text,
                    "at": c.created_at,
                }
                for c in selectors.comments(topic)
            ],
            "motions": [
                {
                    "id": m.pk,
                    "meeting_id": m.meeting_id,
                    "meeting_title": m.meeting.title,
                    "meeting_kind": m.meeting.kind,
                    "outcome": m.outcome,
                    "decided_at": m.decided_at,
                }
                for m in motions
            ],
            "steps": casework_steps.describe(actor, topic, flow)
            if scope.in_scope(actor, Action.DELIBERATION_MANAGE, topic)
            else [],
            "timeline": _timeline(actor, topic, flow, staff),
            "may_cosign": topic.origin == Origin.VILLAGERS
            and topic.state == "proposed"
            and household is not None
            and not selectors.has_cosigned(topic, household),
        }
    )
    return data


@router.get(
    "/topics", response=TopicPage, summary=gettext_lazy("Topics the caller may see, newest first, with filters")
)
def topic_list(
    request,
    state: str = "",
    procedure: str = "",
    village: Id | None = None,
    q: str = "",
    page: Page = 1,
    page_size: PageSize = 20,
):
    actor = request.auth
    _require(actor, Action.DELIBERATION_VIEW)
    qs = selectors.search_topics(
        actor, state=state, procedure=procedure if procedure in Procedure.values else "", village=village, text=q[:50]
    )
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    rows = qs[(page - 1) * page_size : page * page_size]
    return {"count": qs.count(), "page": page, "page_size": page_size, "items": [_row(t) for t in rows]}


@router.get(
    "/topics/{int:topic_id}",
    response=TopicDetail,
    summary=gettext_lazy("A topic with its decision, tasks, consultation"),
)
def topic_detail(request, topic_id: Id):
    return _topic_detail(request.auth, selectors.topic(request.auth, topic_id))


@router.post(
    "/topics",
    response={201: TopicDetail},
    summary=gettext_lazy(
        "Propose a topic: a cadre for the party branch or the two committees (origin), a villager jointly (联名)"
    ),
)
def topic_propose(request, payload: TopicIn):
    actor = request.auth
    _require(actor, Action.DELIBERATION_PROPOSE)
    topic = services.topic_propose(
        actor=actor,
        village=_village(payload.village_id),
        entry=payload.entry_id,
        title=payload.title,
        text=payload.text,
        origin=payload.origin,
    )
    return 201, _topic_detail(actor, selectors.topic(actor, topic.pk))


@router.post(
    "/topics/{int:topic_id}/cosign",
    response=TopicDetail,
    summary=gettext_lazy("Co-sign a joint proposal for my household"),
)
def topic_cosign(request, topic_id: Id):
    actor = request.auth
    services.topic_cosign(actor=actor, topic=selectors.topic(actor, topic_id))
    return _topic_detail(actor, selectors.topic(actor, topic_id))


@router.post(
    "/topics/{int:topic_id}/agenda",
    response=TopicDetail,
    summary=gettext_lazy("Put the topic on a meeting's agenda (a motion whose subject names the topic)"),
)
def topic_agenda(request, topic_id: Id, payload: AgendaIn):
    actor = request.auth
    topic = selectors.topic(actor, topic_id)
    meeting = meetings_link.village_meeting(payload.meeting_id, topic.village_id)
    services.topic_to_agenda(actor=actor, topic=topic, meeting=meeting)
    return _topic_detail(actor, selectors.topic(actor, topic_id))


@router.post(
    "/topics/{int:topic_id}/comments", response={201: TopicDetail}, summary=gettext_lazy("线上协商: comment on a topic")
)
def topic_comment(request, topic_id: Id, payload: CommentIn):
    actor = request.auth
    services.comment_add(actor=actor, topic=selectors.topic(actor, topic_id), text=payload.text)
    return 201, _topic_detail(actor, selectors.topic(actor, topic_id))


@router.post(
    "/topics/{int:topic_id}/polls",
    response={201: TopicDetail},
    summary=gettext_lazy("Open a non-binding poll on a topic (not a vote; one answer per household)"),
)
def poll_open(request, topic_id: Id, payload: PollIn):
    actor = request.auth
    services.poll_open(
        actor=actor,
        topic=selectors.topic(actor, topic_id),
        question=payload.question,
        options=payload.options,
        closes_at=payload.closes_at,
    )
    return 201, _topic_detail(actor, selectors.topic(actor, topic_id))


def _poll(actor, poll_id: int) -> Poll:
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None:
        raise NotFound()
    selectors.topic(actor, poll.topic_id)
    return poll


def _poll_out(actor, poll) -> dict:
    """The poll as the topic's answer shows it, after a write."""
    topic = selectors.topic(actor, poll.topic_id)
    return next(p for p in _polls(actor, topic) if p["id"] == poll.pk)


@router.post(
    "/polls/{int:poll_id}/answer",
    response=PollOut,
    summary=gettext_lazy("My household's answer (changeable until close)"),
)
def poll_answer(request, poll_id: Id, payload: PollAnswerIn):
    actor = request.auth
    poll = _poll(actor, poll_id)
    services.poll_answer(actor=actor, poll=poll, option=payload.option)
    return _poll_out(actor, poll)


@router.post("/polls/{int:poll_id}/close", response=PollOut, summary=gettext_lazy("Close a poll before its time"))
def poll_close(request, poll_id: Id):
    actor = request.auth
    poll = _poll(actor, poll_id)
    services.poll_close(actor=actor, poll=poll)
    return _poll_out(actor, poll)
