"""Reads of 议事协商 and 村规民约, always limited to what the actor may see.

Everyone with ``deliberation.view`` sees the topics, decisions, tasks and village rules of the villages in their
scope; a household- or grid-level grant (villager, grid worker) reaches the village it lies in (a topic belongs to
the whole village). Village rules still being drafted are seen by staff only, except the version open for opinions.
The public (no login) sees published decisions, their tasks and results, and the rules in force: ``public_*``.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import scope, workflow
from core.errors import NotFound
from core.roles import Action
from deliberation.flows import RULES_PUBLIC
from deliberation.models import (
    Comment,
    CoSignature,
    Decision,
    DeliberationList,
    ListEntry,
    Poll,
    PollAnswer,
    RulesSignature,
    RulesVersion,
    Task,
    Topic,
)
from regions import selectors as region_selectors
from registry.models import Household

STAFF_ACTIONS = (Action.DELIBERATION_MANAGE, Action.DELIBERATION_REVIEW)


def is_staff(actor) -> bool:
    return any(scope.can(actor, a) for a in STAFF_ACTIONS) or scope.has_place(actor, Action.DELIBERATION_VIEW)


def villages(actor, action: str = Action.DELIBERATION_VIEW) -> QuerySet:
    return region_selectors.villages(actor, action)


# -- the list -------------------------------------------------------------------------------------------------


def deliberation_list(village) -> DeliberationList | None:
    return DeliberationList.objects.filter(village=village).first()


def entries(village, *, active_only: bool = True) -> list[ListEntry]:
    dlist = deliberation_list(village)
    if dlist is None:
        return []
    qs = dlist.entries.all()
    if active_only:
        qs = qs.filter(active=True)
    return list(qs)


# -- topics ---------------------------------------------------------------------------------------------------


def topics(actor) -> QuerySet:
    return Topic.objects.filter(scope.place_q(actor, Action.DELIBERATION_VIEW)).select_related("village", "entry")


def topic(actor, pk) -> Topic:
    found = topics(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def search_topics(actor, *, state: str = "", procedure: str = "", village=None, text: str = "", open_only=False):
    qs = topics(actor)
    if state:
        qs = qs.filter(state=state)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if village:
        qs = qs.filter(village_id=getattr(village, "pk", village))
    if text:
        qs = qs.filter(title__icontains=text)
    if open_only:
        qs = qs.exclude(state__in=("done", "dropped"))
    return qs.annotate(signatures=Count("cosignatures")).order_by("-created_at", "-pk")


def cosignatures(topic_obj: Topic) -> int:
    return CoSignature.objects.filter(topic=topic_obj).count()


def has_cosigned(topic_obj: Topic, household) -> bool:
    return household is not None and CoSignature.objects.filter(topic=topic_obj, household=household).exists()


def comments(obj) -> list[Comment]:
    field = "topic" if isinstance(obj, Topic) else "rules"
    return list(Comment.objects.filter(**{field: obj}).order_by("created_at", "id"))


def polls(topic_obj: Topic) -> list[Poll]:
    return list(Poll.objects.filter(topic=topic_obj).order_by("-created_at", "-id"))


def poll_counts(poll: Poll) -> list[int]:
    counts = [0] * len(poll.options)
    for option, n in PollAnswer.objects.filter(poll=poll).values_list("option").annotate(n=Count("id")):
        if 0 <= option < len(counts):
            counts[option] = n
    return counts


def my_answer(poll: Poll, household) -> int | None:
    if household is None:
        return None
    return PollAnswer.objects.filter(poll=poll, household=household).values_list("option", flat=True).first()


# -- decisions and tasks ----------------------------------------------------------------------------------------


def decisions(actor) -> QuerySet:
    return Decision.objects.filter(scope.place_q(actor, Action.DELIBERATION_VIEW)).select_related(
        "village", "topic", "rules"
    )


def decision(actor, pk) -> Decision:
    found = decisions(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def decision_of(topic_obj: Topic) -> Decision | None:
    return Decision.objects.filter(topic=topic_obj).first()


def tasks(actor) -> QuerySet:
    return Task.objects.filter(scope.place_q(actor, Action.DELIBERATION_VIEW)).select_related(
        "village", "decision", "decision__topic", "owner"
    )


def task(actor, pk) -> Task:
    found = tasks(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def search_tasks(actor, *, state: str = "", overdue: bool = False, village=None, mine: bool = False, now=None):
    qs = tasks(actor)
    if state:
        qs = qs.filter(state=state)
    if village:
        qs = qs.filter(village_id=getattr(village, "pk", village))
    if mine:
        qs = qs.filter(owner=actor)
    if overdue:
        qs = workflow.overdue_cases(qs, now=now)
    return qs.order_by("due_date", "pk")


def is_late(task_obj: Task, now=None) -> bool:
    now = now or timezone.now()
    return task_obj.state == "in_progress" and (
        task_obj.overdue or (task_obj.deadline_at is not None and task_obj.deadline_at < now)
    )


def decision_tasks(decision_obj: Decision) -> list[Task]:
    return list(Task.objects.filter(decision=decision_obj).order_by("due_date", "pk"))


# -- village rules --------------------------------------------------------------------------------------------


def rules_versions(actor) -> QuerySet:
    staff = Q(pk__in=[])
    for action in (Action.DELIBERATION_MANAGE, Action.DELIBERATION_REVIEW):
        staff |= scope.place_q(actor, action)
    staff |= scope.place_q(actor, Action.DELIBERATION_VIEW, whole_village=False)
    villagers = scope.place_q(actor, Action.DELIBERATION_VIEW) & Q(
        state__in=("collecting", "drafted", "adopted", "filed", "in_force", "superseded")
    )
    return RulesVersion.objects.filter(staff | villagers).select_related("village")


def rules(actor, pk) -> RulesVersion:
    found = rules_versions(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def households_of(village_id: int) -> QuerySet:
    return Household.objects.filter(village_id=village_id)


def coverage(rules_obj: RulesVersion) -> tuple[int, int]:
    """(households signed, households of the village)."""
    return (
        RulesSignature.objects.filter(rules=rules_obj).count(),
        households_of(rules_obj.village_id).count(),
    )


def signatures(rules_obj: RulesVersion) -> QuerySet:
    return RulesSignature.objects.filter(rules=rules_obj).select_related("household").order_by("household__number")


def has_signed(rules_obj: RulesVersion, household) -> bool:
    return household is not None and RulesSignature.objects.filter(rules=rules_obj, household=household).exists()


def unsigned_households(rules_obj: RulesVersion) -> QuerySet:
    signed = RulesSignature.objects.filter(rules=rules_obj).values("household_id")
    return households_of(rules_obj.village_id).exclude(pk__in=signed).order_by("number")


def rules_to_sign(actor) -> QuerySet:
    """The village rules the actor's household may sign and has not signed (a villager's 待我办理)."""
    from deliberation.flows import RULES_SIGNABLE

    households = scope.targets(actor, "household", Action.DELIBERATION_VIEW)
    if not households:
        return RulesVersion.objects.none()
    villages = Household.objects.filter(pk__in=households).values("village_id")
    signed = RulesSignature.objects.filter(household_id__in=households).values("rules_id")
    return RulesVersion.objects.filter(village_id__in=villages, state__in=RULES_SIGNABLE).exclude(pk__in=signed)


# -- the township's queue -------------------------------------------------------------------------------------


def review_queue(actor) -> list[RulesVersion]:
    q = scope.place_q(actor, Action.DELIBERATION_REVIEW)
    return list(
        RulesVersion.objects.filter(q, state__in=("submitted", "adopted"))
        .select_related("village")
        .order_by("state_entered_at", "pk")
    )


def overdue_tasks(actor, action: str = Action.DELIBERATION_VIEW, now=None) -> list[Task]:
    qs = Task.objects.filter(scope.place_q(actor, action)).select_related("village", "decision")
    return list(workflow.overdue_cases(qs, now=now))


# -- public (no login) ----------------------------------------------------------------------------------------


def public_decisions(village) -> QuerySet:
    return (
        Decision.objects.filter(village=village, published_at__isnull=False)
        .select_related("topic", "rules")
        .order_by("-published_at", "-pk")
    )


def public_decision(village, pk) -> Decision:
    found = public_decisions(village).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def public_rules(village) -> RulesVersion | None:
    return RulesVersion.objects.filter(village=village, state__in=RULES_PUBLIC).order_by("-edition").first()


# A task's owner is usually a post (村委会主任, 红白理事会会长): shown as it is. Anything else is taken for a person's
# name and shown masked (王*) on the public page.
POST_WORDS = ("主任", "书记", "委员", "会长", "专干", "组长", "队长", "员", "会", "组", "村", "站", "所", "办", "队")


def public_owner(name: str) -> str:
    from core.masking import mask_name

    name = (name or "").strip()
    if any(word in name for word in POST_WORDS):
        return name
    return mask_name(name)


def public_tasks(decision_obj: Decision) -> list[Task]:
    return [t for t in decision_tasks(decision_obj) if t.state != "cancelled"]
