"""Writes of 议事协商 and 村规民约. Every function checks the actor's scope (outside it: NotFound, answered as 404),
runs in one transaction and records an audit event (steps go through core.workflow, which also writes the CaseEvent and
the ``casework.*`` event); bad input raises DomainError with a message and writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.calendar import WorkingCalendar
from core.errors import DomainError, NotFound, PermissionDenied
from core.roles import ROLE_ACTIONS, Action
from deliberation import meetings_link
from deliberation.flows import (
    DECIDING_KINDS,
    FINAL_TOPIC_STATES,
    MAX_TEXT,
    RULES,
    RULES_EDITABLE,
    RULES_SIGNABLE,
    TASK,
    flow_of,
)
from deliberation.models import (
    Comment,
    CoSignature,
    Decision,
    DeliberationList,
    ListEntry,
    Origin,
    Poll,
    PollAnswer,
    Procedure,
    RulesSignature,
    RulesVersion,
    SignMethod,
    Task,
    Topic,
)
from regions.models import Region, RegionLevel
from registry.models import Household
from transparency.privacy import check_public_text

# The default 议事协商清单 (米易's seven kinds of matter, 三堆镇's matters that must pass the 党群议事会, the reserved
# matters of Organic Law Art. 24 and the 村规民约 of Art. 27): (name, procedure, reserved matter, party-masses council)
DEFAULT_ENTRIES = [
    ("公共服务设施建设（小型）", Procedure.SIX_STEPS, "", False),
    ("人居环境整治、移风易俗", Procedure.SIX_STEPS, "", False),
    ("涉及村民切身利益的其他公共事务", Procedure.SIX_STEPS, "", False),
    ("最低生活保障评议", Procedure.SIX_STEPS, "", True),
    ("医疗救助、救灾补助评议", Procedure.SIX_STEPS, "", True),
    ("村办公用房选址", Procedure.FOUR_TWO, "", False),
    ("村建设发展规划编制", Procedure.FOUR_TWO, "", False),
    ("村民自治章程", Procedure.FOUR_TWO, "", False),
    ("误工补贴人员及标准", Procedure.FOUR_TWO, "allowances", False),
    ("集体收益使用", Procedure.FOUR_TWO, "collective_income", False),
    ("公益事业筹资筹劳及承包方案", Procedure.FOUR_TWO, "public_works", False),
    ("土地承包经营方案", Procedure.FOUR_TWO, "land_contracting", False),
    ("集体经济项目立项及承包方案", Procedure.FOUR_TWO, "collective_projects", False),
    ("宅基地使用方案", Procedure.FOUR_TWO, "homesteads", True),
    ("征地补偿费使用分配方案", Procedure.FOUR_TWO, "land_compensation", False),
    ("集体财产借贷、租赁及其他处分", Procedure.FOUR_TWO, "collective_property", False),
    ("村规民约（在“村规民约”页面起草）", Procedure.FOUR_TWO, "village_rules", False),
]


# -- checks ---------------------------------------------------------------------------------------------------


def _text(value, field: str, *, max_length: int, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise DomainError({field: _("This field is required.")})
    if len(text) > max_length:
        raise DomainError({field: _("At most %(n)s characters.") % {"n": max_length}})
    return text


def _village(actor, village, action: str) -> Region:
    if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
        raise NotFound()
    if not scope.region_in_scope(actor, action, village):
        raise NotFound()
    return village


def household_of(actor, village_id: int, action: str = Action.DELIBERATION_PROPOSE) -> Household | None:
    """The actor's own household in the village (a villager's household grant), or None."""
    for g in scope.grants(actor):
        if g.level == "household" and g.village_id == village_id and action in ROLE_ACTIONS.get(g.role, ()):
            return Household.objects.filter(pk=g.target_id).first()
    return None


def _manages(actor, row) -> bool:
    return scope.in_scope(actor, Action.DELIBERATION_MANAGE, row)


def _lock(model, actor, obj, action: str = Action.DELIBERATION_MANAGE):
    locked = model.objects.select_for_update().filter(pk=getattr(obj, "pk", obj)).first()
    if locked is None or not scope.in_scope(actor, action, locked):
        raise NotFound()
    return locked


def _person_name(actor) -> str:
    from registry.models import Person

    person = Person.objects.filter(user=actor).only("name").first()
    return (person.name if person else (getattr(actor, "display_name", "") or actor.get_username()))[:50]


def _date(value, field: str) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError({field: _("Give a date, e.g. 2026-06-01.")}) from None


# -- the deliberation list -------------------------------------------------------------------------------------


def _ensure_list(village: Region, actor=None) -> DeliberationList:
    found = DeliberationList.objects.filter(village=village).first()
    if found is not None:
        return found
    dlist = DeliberationList(updated_by=actor if getattr(actor, "pk", None) else None)
    dlist.place_in(village)
    dlist.save()
    for n, (name, procedure, matter, council) in enumerate(DEFAULT_ENTRIES, start=1):
        ListEntry.objects.create(
            dlist=dlist,
            name=name,
            procedure=procedure,
            reserved_matter=matter,
            needs_party_masses=council,
            position=n * 10,
        )
    audit.record(
        actor,
        "deliberation.list.create",
        dlist,
        after={"entries": len(DEFAULT_ENTRIES), "co_sign_min": dlist.co_sign_min},
        note=_("Default deliberation list"),
    )
    return dlist


@transaction.atomic
def list_ensure(*, actor, village: Region) -> DeliberationList:
    """The village's list, created from the default template the first time (a cadre of the village)."""
    village = _village(actor, village, Action.DELIBERATION_MANAGE)
    return _ensure_list(village, actor)


@transaction.atomic
def list_settings(*, actor, village: Region, co_sign_min) -> DeliberationList:
    village = _village(actor, village, Action.DELIBERATION_MANAGE)
    dlist = _ensure_list(village, actor)
    dlist = DeliberationList.objects.select_for_update().get(pk=dlist.pk)
    try:
        value = int(str(co_sign_min).strip())
    except (TypeError, ValueError):
        raise DomainError({"co_sign_min": _("Give a whole number from 2 to 200.")}) from None
    if not 2 <= value <= 200:
        raise DomainError({"co_sign_min": _("Give a whole number from 2 to 200.")})
    before = dlist.co_sign_min
    dlist.co_sign_min, dlist.updated_by, dlist.updated_at = value, actor, timezone.now()
    dlist.save(update_fields=["co_sign_min", "updated_by", "updated_at"])
    audit.record(
        actor, "deliberation.list.settings", dlist, before={"co_sign_min": before}, after={"co_sign_min": value}
    )
    return dlist


def _clean_entry(data: dict) -> dict:
    out = {
        "name": _text(data.get("name"), "name", max_length=100),
        "procedure": data.get("procedure"),
        "reserved_matter": (data.get("reserved_matter") or "").strip(),
        "needs_party_masses": bool(data.get("needs_party_masses")),
    }
    if out["procedure"] not in Procedure.values:
        raise DomainError({"procedure": _("Choose the procedure.")})
    if out["reserved_matter"]:
        if out["reserved_matter"] not in dict(meetings_link.reserved_choices()):
            raise DomainError({"reserved_matter": _("Choose one of the reserved matters.")})
        if out["procedure"] != Procedure.FOUR_TWO:
            raise DomainError(
                {
                    "procedure": _(
                        "A matter reserved to the villagers' assembly (Organic Law Art. 24, 27) goes through "
                        "四议两公开."
                    )
                }
            )
    return out


@transaction.atomic
def entry_add(*, actor, village: Region, **data) -> ListEntry:
    village = _village(actor, village, Action.DELIBERATION_MANAGE)
    dlist = _ensure_list(village, actor)
    fields = _clean_entry(data)
    last = dlist.entries.order_by("-position").values_list("position", flat=True).first() or 0
    entry = ListEntry.objects.create(dlist=dlist, position=last + 10, **fields)
    audit.record(actor, "deliberation.list.entry_add", dlist, after={"entry": entry.pk, **fields})
    return entry


@transaction.atomic
def entry_update(*, actor, entry: ListEntry, **data) -> ListEntry:
    locked = ListEntry.objects.select_for_update().select_related("dlist").filter(pk=entry.pk).first()
    if locked is None or not scope.in_scope(actor, Action.DELIBERATION_MANAGE, locked.dlist):
        raise NotFound()
    fields = _clean_entry({**{k: getattr(locked, k) for k in ("name", "procedure", "reserved_matter")}, **data})
    fields["needs_party_masses"] = bool(data.get("needs_party_masses", locked.needs_party_masses))
    before = audit.snapshot(locked, [*fields, "active"])
    for key, value in fields.items():
        setattr(locked, key, value)
    if "active" in data:
        locked.active = bool(data["active"])
    locked.save()
    old, new = audit.diff(before, audit.snapshot(locked, [*fields, "active"]))
    if new:
        audit.record(
            actor, "deliberation.list.entry_update", locked.dlist, before=old, after={"entry": locked.pk, **new}
        )
    return locked


# -- topics ---------------------------------------------------------------------------------------------------


def topic_propose(*, actor, village: Region, title, text, entry, origin: str = "", now=None) -> Topic:
    """A topic of ``village`` on the procedure of its kind of matter. A cadre proposes for the party branch or the
    two committees; a villager proposes for the villagers jointly and the household's signature is the first."""
    if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
        raise NotFound()
    is_cadre = scope.region_in_scope(actor, Action.DELIBERATION_MANAGE, village)
    household = None if is_cadre else household_of(actor, village.pk)
    if not is_cadre and household is None:
        raise NotFound()
    now = now or timezone.now()
    errors = {}
    try:
        title = _text(title, "title", max_length=100)
    except DomainError as exc:
        errors.update(exc.message_dict)
    try:
        text = _text(text, "text", max_length=MAX_TEXT)
    except DomainError as exc:
        errors.update(exc.message_dict)
    if is_cadre:
        if origin not in (Origin.BRANCH, Origin.COMMITTEES):
            errors["origin"] = [_("Say who proposes it: the party branch or the two committees.")]
    else:
        origin = Origin.VILLAGERS
    with transaction.atomic():
        dlist = _ensure_list(village, actor)
        entry_pk = getattr(entry, "pk", entry)
        if isinstance(entry_pk, str) and not entry_pk.isdigit():
            found = dlist.entries.filter(name=entry_pk, active=True).first()
        elif entry_pk not in (None, ""):
            found = dlist.entries.filter(pk=entry_pk, active=True).first()
        else:
            found = None
        if found is None:
            errors["entry"] = [_("Choose the kind of matter from the village's deliberation list.")]
        elif found.reserved_matter == "village_rules":
            errors["entry"] = [_("The village rules are drafted on the village rules page, not as a topic.")]
        if errors:
            raise DomainError(errors)
        for field, value in (("title", title), ("text", text)):
            check_public_text(**{field: value})
        topic = Topic(
            title=title,
            text=text,
            origin=origin,
            procedure=found.procedure,
            entry=found,
            reserved_matter=found.reserved_matter,
            needs_party_masses=found.needs_party_masses,
            proposer=actor,
            household=household,
            co_sign_min=dlist.co_sign_min if origin == Origin.VILLAGERS else 0,
            created_at=now,
        )
        topic.place_in(village)
        flow = flow_of(topic)
        workflow.start(actor=actor, case=topic, flow=flow, note=title, now=now)
        audit.record(
            actor,
            "deliberation.topic.propose",
            topic,
            after=audit.snapshot(topic, ["title", "origin", "procedure", "reserved_matter", "entry"]),
        )
        if origin == Origin.VILLAGERS:
            CoSignature.objects.create(topic=topic, household=household, user=actor, signed_at=now)
        elif topic.procedure == Procedure.FOUR_TWO:
            workflow.transition(
                actor=actor,
                case=topic,
                flow=flow,
                name="branch_propose",
                note=_("Proposed by the party branch.")
                if origin == Origin.BRANCH
                else _("Proposed by the two committees on behalf of the party branch."),
                now=now,
            )
    return topic


@transaction.atomic
def topic_cosign(*, actor, topic: Topic, now=None) -> CoSignature:
    """联名: the actor's household signs a villagers' joint proposal of its village (once)."""
    locked = Topic.objects.select_for_update().filter(pk=topic.pk).first()
    if locked is None:
        raise NotFound()
    household = household_of(actor, locked.village_id)
    if household is None:
        raise NotFound()
    if locked.origin != Origin.VILLAGERS:
        raise DomainError(_("Only a villagers' joint proposal is co-signed."), code="origin")
    if locked.state != "proposed":
        raise DomainError(_("This proposal has been taken up already; no more signatures are needed."), code="state")
    if CoSignature.objects.filter(topic=locked, household=household).exists():
        raise DomainError(_("Your household has already signed this proposal."), code="duplicate")
    try:
        with transaction.atomic():
            sig = CoSignature.objects.create(
                topic=locked, household=household, user=actor, signed_at=now or timezone.now()
            )
    except IntegrityError:
        raise DomainError(_("Your household has already signed this proposal."), code="duplicate") from None
    audit.record(actor, "deliberation.topic.cosign", locked, after={"household": household.pk})
    return sig


def topic_step(*, actor, topic: Topic, step: str, data: dict | None = None, note: str = "", version=None, now=None):
    """Take a step of the topic's procedure. What a deciding or publishing step writes besides the topic (the
    decision, its publication on the public page and the 村务 board) is declared with the step (effects.py)."""
    return workflow.transition(
        actor=actor,
        case=topic,
        flow=flow_of(topic),
        name=step,
        data=dict(data or {}),
        note=note,
        expected_version=version,
        now=now,
    )


def take_topic_step(*, actor, case: Topic, step: str, data: dict, note: str = "", attachments=(), version=None):
    """The topic procedures' service for casework's step view and API: the steps of a topic are the village cadres'
    (anyone else is refused with 403, as the topic's step page always did); then ``topic_step``."""
    if not scope.can(actor, Action.DELIBERATION_MANAGE):
        raise PermissionDenied()
    return topic_step(actor=actor, topic=case, step=step, data=data, note=note, version=version)


@transaction.atomic
def topic_to_agenda(*, actor, topic: Topic, meeting):
    """Put the topic on a meeting's agenda: a motion of that meeting whose subject names the topic (the meetings app
    refuses a reserved matter in a body that may not decide it)."""
    locked = _lock(Topic, actor, topic)
    if locked.state in FINAL_TOPIC_STATES:
        raise DomainError(_("This topic is closed; it cannot go on an agenda."), code="state")
    if meeting is None or meeting.village_id != locked.village_id:
        raise NotFound()
    if any(m.meeting_id == meeting.pk for m in meetings_link.pending_motions(locked.subject)):
        raise DomainError({"meeting": _("This topic is already on that meeting's agenda.")})
    motion = meetings_link.add_to_agenda(
        actor,
        meeting,
        title=locked.title[:150],
        text=locked.text,
        reserved_matter=locked.reserved_matter if meeting.kind in DECIDING_KINDS else "",
        subject=locked.subject,
    )
    audit.record(actor, "deliberation.topic.agenda", locked, after={"meeting": meeting.pk, "motion": motion.pk})
    return motion


# -- consultation ---------------------------------------------------------------------------------------------


def _may_take_part(actor, village_id: int) -> bool:
    return household_of(actor, village_id, Action.DELIBERATION_VIEW) is not None or scope.region_in_scope(
        actor, Action.DELIBERATION_MANAGE, Region.objects.get(pk=village_id)
    )


@transaction.atomic
def comment_add(*, actor, topic: Topic | None = None, rules: RulesVersion | None = None, text, now=None) -> Comment:
    """线上协商: a comment on an open topic, or an opinion on village rules being drafted (征集民意)."""
    target = topic if topic is not None else rules
    model = Topic if topic is not None else RulesVersion
    locked = model.objects.select_for_update().filter(pk=getattr(target, "pk", None)).first()
    if locked is None or not _may_take_part(actor, locked.village_id):
        raise NotFound()
    if topic is not None and locked.state in FINAL_TOPIC_STATES:
        raise DomainError(_("This topic is closed; comments are no longer taken."), code="state")
    if rules is not None and locked.state not in RULES_EDITABLE:
        raise DomainError(_("Opinions are collected while the rules are being drafted."), code="state")
    text = _text(text, "text", max_length=2000)
    check_public_text(text=text)
    staff = scope.in_scope(actor, Action.DELIBERATION_MANAGE, locked)
    comment = Comment.objects.create(
        topic=locked if topic is not None else None,
        rules=locked if rules is not None else None,
        author=actor,
        author_name=_person_name(actor),
        is_staff=staff,
        text=text,
        created_at=now or timezone.now(),
    )
    audit.record(actor, "deliberation.comment.add", locked, after={"comment": comment.pk})
    return comment


def _options(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    options = [str(o).strip()[:60] for o in (raw or []) if str(o).strip()]
    if len(options) < 2 or len(options) > 6:
        raise DomainError({"options": _("Give 2 to 6 answers, one a line.")})
    if len(set(options)) != len(options):
        raise DomainError({"options": _("Two answers are the same.")})
    return options


@transaction.atomic
def poll_open(*, actor, topic: Topic, question, options, closes_at, now=None) -> Poll:
    """意见征询 on a topic (non-binding). Closes at a moment within 60 days."""
    locked = _lock(Topic, actor, topic)
    if locked.state in FINAL_TOPIC_STATES:
        raise DomainError(_("This topic is closed; it cannot be put to a poll."), code="state")
    now = now or timezone.now()
    question = _text(question, "question", max_length=200)
    options = _options(options)
    if isinstance(closes_at, (date, str)) and not isinstance(closes_at, datetime):
        day = _date(closes_at, "closes_at")
        closes_at = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=20)))
    if closes_at is None or closes_at <= now:
        raise DomainError({"closes_at": _("The poll must close in the future.")})
    if closes_at > now + timedelta(days=60):
        raise DomainError({"closes_at": _("A poll stays open at most 60 days.")})
    if locked.polls.filter(closed_early_at__isnull=True, closes_at__gt=now).exists():
        raise DomainError(_("A poll on this topic is still open; close it first."), code="open")
    check_public_text(question=question)
    poll = Poll.objects.create(
        topic=locked, question=question, options=options, closes_at=closes_at, created_by=actor, created_at=now
    )
    audit.record(
        actor, "deliberation.poll.open", locked, after={"poll": poll.pk, "question": question, "options": options}
    )
    return poll


@transaction.atomic
def poll_close(*, actor, poll: Poll, now=None) -> Poll:
    locked = Poll.objects.select_for_update().select_related("topic").filter(pk=poll.pk).first()
    if locked is None or not _manages(actor, locked.topic):
        raise NotFound()
    now = now or timezone.now()
    if not locked.is_open(now):
        raise DomainError(_("This poll is closed already."), code="closed")
    locked.closed_early_at = now
    locked.save(update_fields=["closed_early_at"])
    audit.record(actor, "deliberation.poll.close", locked.topic, after={"poll": locked.pk})
    return locked


@transaction.atomic
def poll_answer(*, actor, poll: Poll, option, now=None) -> PollAnswer:
    """One answer per household; answering again changes it, until the poll closes."""
    locked = Poll.objects.select_for_update().select_related("topic").filter(pk=poll.pk).first()
    if locked is None:
        raise NotFound()
    household = household_of(actor, locked.topic.village_id, Action.DELIBERATION_VIEW)
    if household is None:
        raise NotFound()
    now = now or timezone.now()
    if not locked.is_open(now):
        raise DomainError(_("This poll is closed; answers can no longer be given or changed."), code="closed")
    try:
        index = int(option)
    except (TypeError, ValueError):
        index = -1
    if not 0 <= index < len(locked.options):
        raise DomainError({"option": _("Choose one of the answers.")})
    found = PollAnswer.objects.select_for_update().filter(poll=locked, household=household).first()
    if found is None:
        answer = PollAnswer.objects.create(poll=locked, household=household, user=actor, option=index, answered_at=now)
        audit.record(actor, "deliberation.poll.answer", locked.topic, after={"poll": locked.pk, "option": index})
    else:
        before = found.option
        found.option, found.user, found.answered_at = index, actor, now
        found.save(update_fields=["option", "user", "answered_at"])
        answer = found
        audit.record(
            actor,
            "deliberation.poll.answer",
            locked.topic,
            before={"option": before},
            after={"poll": locked.pk, "option": index},
        )
    return answer


# -- tasks ----------------------------------------------------------------------------------------------------


def task_create(*, actor, decision: Decision, title, owner_name, due_date, owner=None, now=None) -> Task:
    """A task carrying out a decision: owner, due date (its deadline is 18:00 of the last working day up to it)."""
    locked = Decision.objects.select_related("topic", "rules").filter(pk=getattr(decision, "pk", decision)).first()
    if locked is None or not scope.in_scope(actor, Action.DELIBERATION_MANAGE, locked):
        raise NotFound()
    if locked.topic is not None and locked.topic.state in FINAL_TOPIC_STATES:
        raise DomainError(_("The result of this decision has been published; no new task can be added."), code="state")
    now = now or timezone.now()
    errors = {}
    try:
        title = _text(title, "title", max_length=150)
    except DomainError as exc:
        errors.update(exc.message_dict)
    try:
        owner_name = _text(owner_name, "owner_name", max_length=50)
    except DomainError as exc:
        errors.update(exc.message_dict)
    due = None
    try:
        due = _date(due_date, "due_date")
    except DomainError as exc:
        errors.update(exc.message_dict)
    today = timezone.localtime(now).date()
    if due is not None and "due_date" not in errors:
        if due <= today:
            errors["due_date"] = [_("The task must be due after today.")]
        elif due > today + timedelta(days=366):
            errors["due_date"] = [_("A task is due within a year.")]
    if owner is not None and not any(g.village_id == locked.village_id for g in scope.grants(owner)):
        errors["owner"] = [_("Choose an account of the village.")]
    if errors:
        raise DomainError(errors)
    check_public_text(title=title)
    days = WorkingCalendar(locked.county_id).working_days_between(today, due)
    task = Task(
        decision=locked,
        title=title,
        owner=owner,
        owner_name=owner_name,
        due_date=due,
        working_days=max(days, 0),
        created_by=actor,
        created_at=now,
    )
    task.place_in(locked.village)
    with transaction.atomic():
        workflow.start(actor=actor, case=task, flow=TASK, note=title, now=now)
        audit.record(
            actor,
            "deliberation.task.create",
            task,
            after=audit.snapshot(task, ["title", "owner_name", "due_date", "decision"]),
        )
    return task


def task_step(*, actor, task: Task, step: str, data: dict | None = None, note: str = "", version=None, now=None):
    return workflow.transition(
        actor=actor, case=task, flow=TASK, name=step, data=data or {}, note=note, expected_version=version, now=now
    )


# -- village rules --------------------------------------------------------------------------------------------


def rules_create(*, actor, village: Region, title, text, now=None) -> RulesVersion:
    """A new version of the village rules, opened for opinions (征集民意)."""
    village = _village(actor, village, Action.DELIBERATION_MANAGE)
    now = now or timezone.now()
    errors = {}
    try:
        title = _text(title, "title", max_length=100)
    except DomainError as exc:
        errors.update(exc.message_dict)
    try:
        text = _text(text, "text", max_length=20000)
    except DomainError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise DomainError(errors)
    check_public_text(text=text)
    with transaction.atomic():
        last = (
            RulesVersion.objects.filter(village=village).order_by("-edition").values_list("edition", flat=True).first()
        )
        rules = RulesVersion(
            title=title, text=text, edition=(last or 0) + 1, created_by=actor, created_at=now, updated_at=now
        )
        rules.place_in(village)
        workflow.start(actor=actor, case=rules, flow=RULES, note=title, now=now)
        audit.record(
            actor, "deliberation.rules.create", rules, after=audit.snapshot(rules, ["title", "edition", "text"])
        )
    return rules


@transaction.atomic
def rules_update(*, actor, rules: RulesVersion, title=None, text=None, version=None) -> RulesVersion:
    locked = _lock(RulesVersion, actor, rules)
    if version is not None and locked.version != int(version):
        raise DomainError(
            _("Someone else changed these rules meanwhile; look at them again before you change them."), code="stale"
        )
    if locked.state not in RULES_EDITABLE:
        raise DomainError(
            _("Only a draft being written can be changed; these rules are “%(state)s”.")
            % {"state": RULES.state_label(locked.state)},
            code="state",
        )
    before = audit.snapshot(locked, ["title", "text"])
    locked.title = _text(title if title is not None else locked.title, "title", max_length=100)
    locked.text = _text(text if text is not None else locked.text, "text", max_length=20000)
    check_public_text(text=locked.text)
    locked.updated_at = timezone.now()
    locked.save(update_fields=["title", "text", "updated_at"])
    old, new = audit.diff(before, audit.snapshot(locked, ["title", "text"]))
    if new:
        audit.record(actor, "deliberation.rules.update", locked, before=old, after=new)
    return locked


def rules_step(
    *, actor, rules: RulesVersion, step: str, data: dict | None = None, note: str = "", version=None, now=None
):
    """Take a step of the village rules. The adoption's decision and the promulgation (the older version superseded,
    the decision published) are declared with the steps (deliberation/effects.py)."""
    return workflow.transition(
        actor=actor,
        case=rules,
        flow=RULES,
        name=step,
        data=dict(data or {}),
        note=note,
        expected_version=version,
        now=now,
    )


@transaction.atomic
def rules_to_agenda(*, actor, rules: RulesVersion, meeting):
    """Put the approved rules on a villagers' assembly's agenda as the reserved matter village_rules (the meetings app
    refuses it in any other body: Art. 27 is not delegable)."""
    locked = _lock(RulesVersion, actor, rules)
    if locked.state != "approved":
        raise DomainError(
            _("The rules go to the villagers' assembly after the township has approved the draft."), code="state"
        )
    if meeting is None or meeting.village_id != locked.village_id:
        raise NotFound()
    if any(m.meeting_id == meeting.pk for m in meetings_link.pending_motions(locked.subject)):
        raise DomainError({"meeting": _("These rules are already on that meeting's agenda.")})
    motion = meetings_link.add_to_agenda(
        actor,
        meeting,
        title=str(locked)[:150],
        text=locked.text,
        reserved_matter="village_rules",
        subject=locked.subject,
    )
    audit.record(actor, "deliberation.rules.agenda", locked, after={"meeting": meeting.pk, "motion": motion.pk})
    return motion


def _sign(actor, locked: RulesVersion, household: Household, *, method: str, signer_name: str, signed_on: date):
    if locked.state not in RULES_SIGNABLE:
        raise DomainError(
            _("Households sign the rules once the villagers' assembly has adopted them; these are “%(state)s”.")
            % {"state": RULES.state_label(locked.state)},
            code="state",
        )
    if RulesSignature.objects.filter(rules=locked, household=household).exists():
        raise DomainError(_("This household has signed these rules already."), code="duplicate")
    try:
        with transaction.atomic():
            sig = RulesSignature.objects.create(
                rules=locked,
                household=household,
                method=method,
                signer_name=signer_name,
                signed_on=signed_on,
                recorded_by=actor,
            )
    except IntegrityError:
        raise DomainError(_("This household has signed these rules already."), code="duplicate") from None
    audit.record(
        actor,
        "deliberation.rules.sign",
        locked,
        after={"household": household.pk, "method": method, "signed_on": signed_on.isoformat()},
    )
    return sig


@transaction.atomic
def rules_sign(*, actor, rules: RulesVersion, now=None) -> RulesSignature:
    """The villager signs the household's consent on the phone."""
    locked = RulesVersion.objects.select_for_update().filter(pk=rules.pk).first()
    if locked is None:
        raise NotFound()
    household = household_of(actor, locked.village_id, Action.DELIBERATION_VIEW)
    if household is None:
        raise NotFound()
    today = timezone.localtime(now or timezone.now()).date()
    return _sign(actor, locked, household, method=SignMethod.PHONE, signer_name=_person_name(actor), signed_on=today)


@transaction.atomic
def rules_record_paper(*, actor, rules: RulesVersion, household, signer_name, signed_on) -> RulesSignature:
    """The cadre records a household's paper signature, with the date it was signed."""
    locked = _lock(RulesVersion, actor, rules)
    found = Household.objects.filter(pk=getattr(household, "pk", household), village_id=locked.village_id).first()
    if found is None:
        raise DomainError({"household": _("Choose a household of this village.")})
    signer_name = _text(signer_name, "signer_name", max_length=50)
    day = _date(signed_on, "signed_on")
    if day > timezone.localdate():
        raise DomainError({"signed_on": _("The signature cannot be dated in the future.")})
    adopted_at = Decision.objects.filter(rules=locked).values_list("decided_at", flat=True).first()
    if adopted_at is not None and day < timezone.localtime(adopted_at).date():
        raise DomainError({"signed_on": _("The signature cannot be dated before the rules were adopted.")})
    return _sign(actor, locked, found, method=SignMethod.PAPER, signer_name=signer_name, signed_on=day)
