"""线上协商: comments on a topic or a draft of the rules, and non-binding polls."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from core.roles import Action
from deliberation.flows import FINAL_TOPIC_STATES, RULES_EDITABLE
from deliberation.models import Comment, Poll, PollAnswer, RulesVersion, Topic
from deliberation.services._common import _date, _lock, _manages, _person_name, household_of
from regions.models import Region
from transparency.privacy import check_public_text

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
