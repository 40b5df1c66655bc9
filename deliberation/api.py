"""议事协商 API (/api/deliberation): the village's deliberation list, topics (propose, co-sign, agenda of a meeting),
online consultation (comments, non-binding polls), decisions and their tasks, the village rules (draft, agenda,
signatures), the township's queue, and the public decisions of a village (no login).

The steps of 六步议事, 四议两公开, a task and the village rules are taken through casework's generic step endpoint
(``POST /api/casework/cases/<flow>/<id>/steps/<step>``, the flows ``deliberation_six``, ``deliberation_four``,
``deliberation_task``, ``village_rules``); ``steps`` of a topic, task or rules version here say which the caller may
take now, with their fields (casework.steps.describe), and the generic case answer carries this module's keys
(``topic_case``, ``task_case``, ``rules_case``).

Same selectors and services as the pages: a row outside the caller's scope is 404; a refused step answers 422 with
the message and changes nothing.
"""

from __future__ import annotations

from django.utils import timezone
from ninja import Router

from casework import steps as casework_steps
from core import scope, workflow
from core.errors import NotFound, PermissionDenied
from core.masking import mask_name
from core.roles import Action
from deliberation import meetings_link, selectors, services
from deliberation.flows import RULES, RULES_SIGNABLE, START_LABELS, TASK, coercive_clauses, flow_of
from deliberation.models import ListEntry, Origin, Poll, Procedure
from deliberation.schemas import (
    AgendaIn,
    AnswerIn,
    CommentIn,
    DecisionOut,
    EntryIn,
    ListOut,
    PaperIn,
    PollIn,
    PollOut,
    PublicOut,
    RulesDetail,
    RulesIn,
    RulesRow,
    RulesUpdateIn,
    SettingsIn,
    SignatureOut,
    TaskDetail,
    TaskIn,
    TaskOut,
    TopicDetail,
    TopicIn,
    TopicPage,
)
from regions.models import Region, RegionLevel

router = Router(tags=["deliberation"])
MAX_PAGE_SIZE = 100


def _require(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def _village(pk: int) -> Region:
    found = Region.objects.filter(pk=pk, level=RegionLevel.VILLAGE).first()
    if found is None:
        raise NotFound()
    return found


def _ref(region) -> dict:
    return {"id": region.pk, "name": region.name}


def _timeline(actor, obj, flow, staff: bool) -> list[dict]:
    """The case's events in the generic shape (casework's API) with ``by``: for those who are not staff, every name is
    masked (the generic answer's ``actor`` is replaced by this one)."""
    rows = []
    for e in workflow.history(obj):
        who = e.actor_label or str(workflow.SYSTEM.label)
        by = who if staff or not e.actor_id else mask_name(who)
        start = e.transition == workflow.START and flow.name in START_LABELS
        rows.append(
            {
                "id": e.pk,
                "step": e.transition,
                "label": str(START_LABELS[flow.name]) if start else flow.step_label(e.transition),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "by": by,
                "actor": by,
                "at": e.at,
                "note": e.note,
                "data": e.data or {},
                "deadline_at": e.deadline_at,
                "attachments": [],
            }
        )
    return rows


# -- the list -------------------------------------------------------------------------------------------------


def _list(village) -> dict:
    dlist = selectors.deliberation_list(village)
    if dlist is not None:
        rows = list(dlist.entries.all())
    else:
        rows = [
            ListEntry(name=n, procedure=p, reserved_matter=m, needs_party_masses=c, active=True)
            for n, p, m, c in services.DEFAULT_ENTRIES
        ]
    return {
        "village": _ref(village),
        "kept": dlist is not None,
        "co_sign_min": dlist.co_sign_min if dlist else 5,
        "entries": [
            {
                "id": e.pk,
                "name": e.name,
                "procedure": e.procedure,
                "procedure_label": str(Procedure(e.procedure).label),
                "reserved_matter": e.reserved_matter,
                "reserved_label": meetings_link.reserved_label(e.reserved_matter) if e.reserved_matter else "",
                "needs_party_masses": e.needs_party_masses,
                "active": e.active,
            }
            for e in rows
        ],
    }


def _viewable_village(actor, village_id: int) -> Region:
    village = selectors.villages(actor).filter(pk=village_id).first()
    if village is None:
        raise NotFound()
    return village


@router.get("/list", response=ListOut, summary="A village's deliberation list (议事协商清单), the default until kept")
def list_get(request, village_id: int):
    _require(request.auth, Action.DELIBERATION_VIEW)
    return _list(_viewable_village(request.auth, village_id))


@router.post("/list/entries", response={201: ListOut}, summary="Add a kind of matter to the list (village cadre)")
def list_entry_add(request, village_id: int, payload: EntryIn):
    village = _village(village_id)
    services.entry_add(actor=request.auth, village=village, **payload.model_dump())
    return 201, _list(village)


@router.put("/list/settings", response=ListOut, summary="Co-signing households a joint proposal needs")
def list_settings(request, village_id: int, payload: SettingsIn):
    village = _village(village_id)
    services.list_settings(actor=request.auth, village=village, co_sign_min=payload.co_sign_min)
    return _list(village)


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


@router.get("/topics", response=TopicPage, summary="Topics the caller may see, newest first, with filters")
def topic_list(
    request,
    state: str = "",
    procedure: str = "",
    village: int | None = None,
    q: str = "",
    page: int = 1,
    page_size: int = 20,
):
    actor = request.auth
    _require(actor, Action.DELIBERATION_VIEW)
    qs = selectors.search_topics(
        actor, state=state, procedure=procedure if procedure in Procedure.values else "", village=village, text=q[:50]
    )
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    rows = qs[(page - 1) * page_size : page * page_size]
    return {"count": qs.count(), "page": page, "page_size": page_size, "items": [_row(t) for t in rows]}


@router.get("/topics/{int:topic_id}", response=TopicDetail, summary="A topic with its decision, tasks, consultation")
def topic_detail(request, topic_id: int):
    return _topic_detail(request.auth, selectors.topic(request.auth, topic_id))


@router.post(
    "/topics",
    response={201: TopicDetail},
    summary="Propose a topic: a cadre for the party branch or the two committees (origin), a villager jointly (联名)",
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


@router.post("/topics/{int:topic_id}/cosign", response=TopicDetail, summary="Co-sign a joint proposal for my household")
def topic_cosign(request, topic_id: int):
    actor = request.auth
    services.topic_cosign(actor=actor, topic=selectors.topic(actor, topic_id))
    return _topic_detail(actor, selectors.topic(actor, topic_id))


@router.post(
    "/topics/{int:topic_id}/agenda",
    response=TopicDetail,
    summary="Put the topic on a meeting's agenda (a motion whose subject names the topic)",
)
def topic_agenda(request, topic_id: int, payload: AgendaIn):
    from meetings.models import Meeting

    actor = request.auth
    topic = selectors.topic(actor, topic_id)
    meeting = Meeting.objects.filter(pk=payload.meeting_id, village_id=topic.village_id).first()
    if meeting is None:
        raise NotFound()
    services.topic_to_agenda(actor=actor, topic=topic, meeting=meeting)
    return _topic_detail(actor, selectors.topic(actor, topic_id))


@router.post("/topics/{int:topic_id}/comments", response={201: TopicDetail}, summary="线上协商: comment on a topic")
def topic_comment(request, topic_id: int, payload: CommentIn):
    actor = request.auth
    services.comment_add(actor=actor, topic=selectors.topic(actor, topic_id), text=payload.text)
    return 201, _topic_detail(actor, selectors.topic(actor, topic_id))


@router.post(
    "/topics/{int:topic_id}/polls",
    response={201: TopicDetail},
    summary="Open a non-binding poll on a topic (not a vote; one answer per household)",
)
def poll_open(request, topic_id: int, payload: PollIn):
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


@router.post("/polls/{int:poll_id}/answer", response=PollOut, summary="My household's answer (changeable until close)")
def poll_answer(request, poll_id: int, payload: AnswerIn):
    actor = request.auth
    poll = _poll(actor, poll_id)
    services.poll_answer(actor=actor, poll=poll, option=payload.option)
    topic = selectors.topic(actor, poll.topic_id)
    return next(p for p in _polls(actor, topic) if p["id"] == poll.pk)


@router.post("/polls/{int:poll_id}/close", response=PollOut, summary="Close a poll before its time")
def poll_close(request, poll_id: int):
    actor = request.auth
    poll = _poll(actor, poll_id)
    services.poll_close(actor=actor, poll=poll)
    topic = selectors.topic(actor, poll.topic_id)
    return next(p for p in _polls(actor, topic) if p["id"] == poll.pk)


# -- decisions and tasks ----------------------------------------------------------------------------------------


@router.get("/decisions/{int:decision_id}", response=DecisionOut, summary="A decision with its tasks")
def decision_detail(request, decision_id: int):
    return _decision(selectors.decision(request.auth, decision_id))


@router.post("/decisions/{int:decision_id}/tasks", response={201: TaskDetail}, summary="Set a task for a decision")
def task_create(request, decision_id: int, payload: TaskIn):
    from accounts.models import User

    actor = request.auth
    decision = selectors.decision(actor, decision_id)
    owner = None
    if payload.owner_id is not None:
        owner = User.objects.filter(pk=payload.owner_id, assignments__region_id=decision.village_id).first()
        if owner is None:
            raise NotFound()
    task = services.task_create(
        actor=actor,
        decision=decision,
        title=payload.title,
        owner_name=payload.owner_name,
        due_date=payload.due_date,
        owner=owner,
    )
    return 201, _task_detail(actor, selectors.task(actor, task.pk))


def _task_detail(actor, task) -> dict:
    data = _task(task)
    data.update(
        {
            "steps": casework_steps.describe(actor, task, TASK),
            "timeline": _timeline(actor, task, TASK, selectors.is_staff(actor)),
        }
    )
    return data


@router.get("/tasks", response=list[TaskOut], summary="Tasks the caller may see; overdue=true for the late ones")
def task_list(request, overdue: bool = False, state: str = "", mine: bool = False):
    _require(request.auth, Action.DELIBERATION_VIEW)
    now = timezone.now()
    return [_task(t, now) for t in selectors.search_tasks(request.auth, state=state, overdue=overdue, mine=mine)[:500]]


@router.get("/tasks/{int:task_id}", response=TaskDetail, summary="A task with its progress notes")
def task_detail(request, task_id: int):
    return _task_detail(request.auth, selectors.task(request.auth, task_id))


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


@router.get("/rules", response=list[RulesRow], summary="Versions of the village rules the caller may see")
def rules_list(request):
    _require(request.auth, Action.DELIBERATION_VIEW)
    return [_rules_row(r) for r in selectors.rules_versions(request.auth).order_by("village__code", "-edition")]


@router.get("/rules/{int:rules_id}", response=RulesDetail, summary="A version of the village rules")
def rules_detail(request, rules_id: int):
    return _rules_detail(request.auth, selectors.rules(request.auth, rules_id))


@router.post("/rules", response={201: RulesDetail}, summary="Start a new version (征集民意), one clause a line")
def rules_create(request, payload: RulesIn):
    actor = request.auth
    rules = services.rules_create(
        actor=actor, village=_village(payload.village_id), title=payload.title, text=payload.text
    )
    return 201, _rules_detail(actor, selectors.rules(actor, rules.pk))


@router.put("/rules/{int:rules_id}", response=RulesDetail, summary="Change a draft (while collecting or drafted)")
def rules_update(request, rules_id: int, payload: RulesUpdateIn):
    actor = request.auth
    services.rules_update(
        actor=actor,
        rules=selectors.rules(actor, rules_id),
        title=payload.title,
        text=payload.text,
        version=payload.version,
    )
    return _rules_detail(actor, selectors.rules(actor, rules_id))


@router.post("/rules/{int:rules_id}/agenda", response=RulesDetail, summary="Put approved rules before a 村民会议")
def rules_agenda(request, rules_id: int, payload: AgendaIn):
    from meetings.models import Meeting

    actor = request.auth
    rules = selectors.rules(actor, rules_id)
    meeting = Meeting.objects.filter(pk=payload.meeting_id, village_id=rules.village_id).first()
    if meeting is None:
        raise NotFound()
    services.rules_to_agenda(actor=actor, rules=rules, meeting=meeting)
    return _rules_detail(actor, selectors.rules(actor, rules_id))


@router.post("/rules/{int:rules_id}/comments", response={201: RulesDetail}, summary="An opinion on a draft (征集民意)")
def rules_comment(request, rules_id: int, payload: CommentIn):
    actor = request.auth
    services.comment_add(actor=actor, rules=selectors.rules(actor, rules_id), text=payload.text)
    return 201, _rules_detail(actor, selectors.rules(actor, rules_id))


@router.post("/rules/{int:rules_id}/sign", response=RulesDetail, summary="Sign my household's consent on the phone")
def rules_sign(request, rules_id: int):
    actor = request.auth
    services.rules_sign(actor=actor, rules=selectors.rules(actor, rules_id))
    return _rules_detail(actor, selectors.rules(actor, rules_id))


@router.post("/rules/{int:rules_id}/paper", response={201: SignatureOut}, summary="Record a paper signature (cadre)")
def rules_paper(request, rules_id: int, payload: PaperIn):
    actor = request.auth
    sig = services.rules_record_paper(
        actor=actor,
        rules=selectors.rules(actor, rules_id),
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


@router.get("/rules/{int:rules_id}/signatures", response=list[SignatureOut], summary="Signatures (staff)")
def rules_signatures(request, rules_id: int):
    actor = request.auth
    rules = selectors.rules(actor, rules_id)
    if not selectors.is_staff(actor):
        raise PermissionDenied()
    return [_signature(s) for s in selectors.signatures(rules)]


@router.get("/review", response=list[RulesRow], summary="Village rules waiting for the township (review or filing)")
def review_queue(request):
    _require(request.auth, Action.DELIBERATION_REVIEW)
    return [_rules_row(r) for r in selectors.review_queue(request.auth)]


# -- public ---------------------------------------------------------------------------------------------------


@router.get(
    "/public/{village_code}",
    auth=None,
    response=PublicOut,
    summary="A village's published decisions, their tasks and results, and the rules in force (no login)",
)
def public(request, village_code: str):
    village = selectors.public_village(village_code)
    rules = selectors.public_rules(village)
    signed, households = selectors.coverage(rules) if rules else (0, 0)
    now = timezone.now()
    return {
        "village": village.name,
        "decisions": [
            {
                "id": d.pk,
                "number": d.number,
                "title": d.title,
                "text": d.text,
                "body_label": d.body_label,
                "decided_at": d.decided_at,
                "published_at": d.published_at,
                "result": d.result,
                "tasks": [
                    {
                        "title": t.title,
                        "owner": selectors.public_owner(t.owner_name),
                        "due_date": t.due_date,
                        "state": t.state,
                        "state_label": TASK.state_label(t.state),
                        "overdue": selectors.is_late(t, now),
                        "result": t.result,
                    }
                    for t in selectors.public_tasks(d)
                ],
            }
            for d in selectors.public_decisions(village)[:200]
        ],
        "rules_title": rules.title if rules else "",
        "rules_clauses": rules.clauses() if rules else [],
        "rules_signed": signed,
        "rules_households": households,
    }


# -- what the generic case answer adds (Flow.detail) ------------------------------------------------------------


def topic_case(request, case) -> dict:
    """``GET``/``POST …/api/casework/cases/deliberation_six|deliberation_four/<id>``: the topic's own keys."""
    return _topic_detail(request.auth, case)


def task_case(request, case) -> dict:
    return _task_detail(request.auth, case)


def rules_case(request, case) -> dict:
    return _rules_detail(request.auth, case)
