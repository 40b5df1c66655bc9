"""Reads of the 红白理事会's events, each scoped to the actor: cadres, township and county over their place (handle
or figures), grid workers over their grids, the household its own (all through core.scope), the council members of
the village, and whoever declared an event on a household's behalf. The same answer as core.workflow.can_see."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from committees.models import CommitteeKind, Member
from core import scope
from core.errors import NotFound
from core.roles import Action
from customs.models import Event, LimitSet

OPEN_STATES = ("declared", "registered", "supervised")


def council_villages(actor) -> list[int]:
    """The villages whose council the actor sits on now."""
    if not getattr(actor, "pk", None):
        return []
    cached = getattr(actor, "_customs_councils", None)
    if cached is None:
        cached = list(
            Member.objects.current()
            .filter(user_id=actor.pk, committee__kind=CommitteeKind.CUSTOMS_COUNCIL)
            .values_list("committee__village_id", flat=True)
        )
        actor._customs_councils = cached
    return cached


def visible(actor) -> QuerySet:
    if actor is None or not actor.is_authenticated:
        return Event.objects.none()
    q = Q(on_behalf=True, declared_by_id=actor.pk) | Q(village_id__in=council_villages(actor))
    for action in (Action.CUSTOMS_HANDLE, Action.CUSTOMS_FIGURES, Action.CUSTOMS_DECLARE):
        if scope.can(actor, action):
            q |= scope.scope_q(actor, action, Event)
    return Event.objects.filter(q).select_related("village", "household")


def event_for(actor, pk) -> Event:
    found = visible(actor).select_related("limits", "declared_by").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def handles(actor) -> bool:
    return scope.can(actor, Action.CUSTOMS_HANDLE) or bool(council_villages(actor))


def handling_villages_q(actor) -> Q:
    q = Q(village_id__in=council_villages(actor))
    if scope.can(actor, Action.CUSTOMS_HANDLE):
        q |= scope.scope_q(actor, Action.CUSTOMS_HANDLE, Event)
    return q


def to_answer(actor) -> QuerySet:
    """Declarations waiting for the council's answer, oldest first."""
    return Event.objects.filter(handling_villages_q(actor), state="declared").select_related("village")


def coming(actor, today: date) -> QuerySet:
    """Registered events from today on (to go and see), by date."""
    return (
        Event.objects.filter(handling_villages_q(actor), state="registered", event_date__gte=today)
        .select_related("village")
        .order_by("event_date", "pk")
    )


def to_assess(actor, today: date) -> QuerySet:
    """Events held (supervised, or registered with their day passed) waiting for the assessment."""
    return (
        Event.objects.filter(handling_villages_q(actor))
        .filter(Q(state="supervised") | Q(state="registered", event_date__lt=today))
        .select_related("village")
        .order_by("event_date", "pk")
    )


def of_household(actor, household_id) -> QuerySet:
    return visible(actor).filter(household_id=household_id).order_by("-event_date", "-pk")


def mine(actor) -> QuerySet:
    """The events of the actor's own households and those the actor declared for others."""
    households = scope.targets(actor, "household")
    return (
        Event.objects.filter(Q(household_id__in=households) | Q(declared_by_id=actor.pk))
        .select_related("village")
        .order_by("-event_date", "-pk")
    )


def limit_sets(village_id) -> QuerySet:
    return LimitSet.objects.filter(village_id=village_id).order_by("-version")
