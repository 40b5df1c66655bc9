"""Reads of service requests, each scoped to the actor: the counter (cadres and township officials with
doorstep.handle over the request's place), the agents serving its village (for items an agent may take), the
villager it is for, and whoever filed it for them. The same answer as the procedure's parties
(core.workflow.can_see)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import scope, workflow
from core.errors import NotFound
from core.roles import Action
from doorstep import people
from doorstep.flows import DOORSTEP
from doorstep.models import Material, ServiceRequest

OPEN_STATES = ("submitted", "incomplete", "handling")
DONE_STATES = ("completed", "rated", "closed")


def _base() -> QuerySet:
    return ServiceRequest.objects.filter(flow=DOORSTEP.name).select_related(
        "item_version", "village", "person", "household", "agent"
    )


ROW_COLUMNS = (
    "id",
    "number",
    "state",
    "overdue",
    "deadline_at",
    "closed_at",
    "redo_count",
    "rating",
    "opened_at",
    "completed_at",
    "item_id",
    "level",
    "channel",
    "item_version__name",
    "village__name",
    "person__name",
    "agent__name",
)


def _listed() -> QuerySet:
    """Rows of a list: the columns a list shows and the names of its item version, village, person and agent."""
    return (
        ServiceRequest.objects.filter(flow=DOORSTEP.name)
        .select_related("item_version", "village", "person", "agent")
        .only(*ROW_COLUMNS)
    )


def _agent_q(actor) -> Q:
    served = people.serving_villages(actor)
    if not served:
        return Q(pk__in=[])
    return Q(village_id__in=served, item_version__agent_may=True)


def _own_q(actor) -> Q:
    return Q(applicant_id=actor.pk) | Q(on_behalf=True, recorded_by_id=actor.pk)


def visible(actor) -> QuerySet:
    """Every request the actor may see."""
    if actor is None or not actor.is_authenticated:
        return ServiceRequest.objects.none()
    q = _own_q(actor) | _agent_q(actor)
    if scope.can(actor, Action.SERVICE_HANDLE):
        q |= scope.scope_q(actor, Action.SERVICE_HANDLE, ServiceRequest)
    return _base().filter(q)


def request_for(actor, pk) -> ServiceRequest:
    """One request for the actor, NotFound when missing or not theirs."""
    case = visible(actor).select_related("item", "bundle", "applicant", "recorded_by").filter(pk=pk).first()
    if case is None or not workflow.can_see(actor, case, DOORSTEP):
        raise NotFound()
    return case


def handling_queue(actor) -> QuerySet:
    """The open requests the actor handles: at the counter of their villages or township, and as an agent in the
    villages they serve; the most pressing first."""
    q = _agent_q(actor)
    if scope.can(actor, Action.SERVICE_HANDLE):
        q |= scope.scope_q(actor, Action.SERVICE_HANDLE, ServiceRequest)
    return _listed().filter(q, state__in=OPEN_STATES).order_by("deadline_at", "pk")


def my_requests(actor) -> QuerySet:
    """The requests the villager made or that are for them, and those the actor filed on someone's behalf."""
    if actor is None or not actor.is_authenticated:
        return ServiceRequest.objects.none()
    return _listed().filter(_own_q(actor)).order_by("-opened_at", "-pk")


def to_rate(actor) -> QuerySet:
    return _listed().filter(applicant_id=actor.pk, state="completed").order_by("deadline_at")


def revisit_list(actor, *, year: int, month: int) -> QuerySet:
    """每月回访: the requests completed in the month and waiting for their revisit, in the actor's places."""
    if not scope.can(actor, Action.SERVICE_HANDLE):
        return ServiceRequest.objects.none()
    return (
        _base()
        .filter(scope.scope_q(actor, Action.SERVICE_HANDLE, ServiceRequest))
        .filter(state="rated", completed_at__year=year, completed_at__month=month)
        .order_by("village_id", "completed_at")
    )


def materials(actor, case: ServiceRequest) -> QuerySet:
    """The application's materials, for someone who may see the request (NotFound otherwise)."""
    if not workflow.can_see(actor, case, DOORSTEP):
        raise NotFound()
    return Material.objects.filter(group=case.group).order_by("id")


def request_villages(actor):
    """The villages where the actor may make requests: at the counter, as an agent, or for their own household."""
    from regions.models import Region
    from regions.selectors import villages

    served = people.serving_villages(actor)
    q = Q(pk__in=villages(actor, Action.SERVICE_HANDLE).values("pk")) | Q(pk__in=served)
    return Region.objects.filter(q)


def people_to_serve(actor, text: str, *, limit: int = 20):
    """Residents the actor may make a request for: a villager's own household; at the counter or as an agent, the
    living residents of their villages whose name or household number starts with ``text``."""
    from registry.models import Person

    base = Person.objects.filter(is_deceased=False).select_related("household", "village")
    own = scope.targets(actor, "household", Action.SERVICE_APPLY)
    found = base.filter(household_id__in=own).order_by("household_id", "id")
    text = (text or "").strip()
    if text:
        theirs = base.filter(village__in=request_villages(actor)).filter(
            Q(name__startswith=text) | Q(household__number=text)
        )
        found = found | theirs
    return found.order_by("name", "id")[:limit]


def can_request_for(actor, person) -> bool:
    from doorstep.services import acting_as

    return acting_as(actor, person.village_id) is not None


def person_for_request(actor, pk):
    """The resident a request is to be made for, when the actor may make it for them (else None)."""
    from registry.models import Person

    person = Person.objects.filter(pk=pk, is_deceased=False).select_related("household", "village", "user").first()
    if person is None:
        return None
    if person.household_id in scope.targets(actor, "household", Action.SERVICE_APPLY):
        return person
    return person if request_villages(actor).filter(pk=person.village_id).exists() else None
