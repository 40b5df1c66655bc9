"""Reads of mediation, each scoped to the actor. A dispute is confidential (人民调解法 Art. 15): a person sees it
as one of its committee's leaders, its mediators, its parties or, for a high-risk case, a supervisor above; the
supervisor's every read is logged. Statistics are aggregates only."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import audit, scope, workflow
from core.errors import NotFound
from core.roles import Action
from mediation import people
from mediation.audit_labels import AuditAction
from mediation.flows import MEDIATION
from mediation.models import Body, Dispute, DisputeParty, Mediator, Risk
from regions.models import Region, RegionLevel

CLOSED = ("archived", "declined")


LONG_TEXT = ("facts", "claims", "agreed_facts", "terms", "perform_how", "risk_reason")


def _base() -> QuerySet:
    return Dispute.objects.filter(flow=MEDIATION.name).select_related("body", "village", "township")


def _listed() -> QuerySet:
    """Rows of a list: the dispute's own columns but its long texts, and its body's name."""
    return Dispute.objects.filter(flow=MEDIATION.name).select_related("body").defer(*LONG_TEXT)


def _working_q(actor) -> Q:
    """Disputes the actor works on: of a body they lead, or as one of their mediators. The two short lists are read
    first, so the dispute table is reached through its indexes (body, primary key) and a dispute comes once."""
    led = list(Mediator.objects.leaders().filter(user_id=actor.pk).values_list("body_id", flat=True))
    named = list(
        Dispute.mediators.through.objects.filter(mediator__user_id=actor.pk).values_list("dispute_id", flat=True)
    )
    return Q(body_id__in=led) | Q(pk__in=named)


def _supervised_q(actor) -> Q:
    return Q(risk=Risk.HIGH) & scope.scope_q(actor, Action.MEDIATION_SUPERVISE, Dispute)


def _party_q(actor) -> Q:
    return Q(pk__in=DisputeParty.objects.filter(user_id=actor.pk).values("dispute_id"))


def visible(actor) -> QuerySet:
    """Every dispute the actor may see (the same answer as the procedure's parties, core.workflow.can_see)."""
    if actor is None or not actor.is_authenticated:
        return Dispute.objects.none()
    q = _working_q(actor) | _party_q(actor)
    if scope.can(actor, Action.MEDIATION_SUPERVISE):
        q |= _supervised_q(actor)
    return _base().filter(q)


def dispute_for(actor, pk) -> Dispute:
    """One dispute for the actor, NotFound when missing or not theirs; a supervisor's read is logged."""
    case = visible(actor).filter(pk=pk).first()
    if case is None or not workflow.can_see(actor, case, MEDIATION):
        raise NotFound()
    if not (people.is_leader(actor, case) or people.is_mediator(actor, case) or people.is_disputant(actor, case)):
        audit.record(actor, AuditAction.DISPUTE_READ, case, note=case.number)
    return case


def working_queue(actor) -> QuerySet:
    """Open disputes of the actor's bodies and cases, the most pressing first."""
    return _listed().filter(_working_q(actor)).filter(closed_at__isnull=True).order_by("deadline_at", "pk")


def my_disputes(actor) -> QuerySet:
    return _listed().filter(_party_q(actor)).order_by("-received_on", "-pk")


def risk_board(actor) -> QuerySet:
    if not scope.can(actor, Action.MEDIATION_SUPERVISE):
        return Dispute.objects.none()
    return _listed().filter(_supervised_q(actor)).filter(closed_at__isnull=True).order_by("deadline_at", "pk")


def recorded_by_me(actor) -> QuerySet:
    """What the actor recorded (排查, 来访): the number, type and state only; the contents are the committee's."""
    return (
        Dispute.objects.filter(flow=MEDIATION.name, recorded_by_id=actor.pk)
        .only(
            "pk",
            "number",
            "kind",
            "state",
            "received_on",
            "body__name",
            "flow",
            "deadline_at",
            "overdue",
            "closed_at",
            "risk",
        )
        .select_related("body")
        .order_by("-received_on", "-pk")
    )


def statistics_scope(actor) -> QuerySet:
    """The disputes the actor may count (aggregates only): a supervisor's place, a leader's own bodies."""
    led = Mediator.objects.leaders().filter(user_id=actor.pk).values("body_id")
    q = Q(body_id__in=led)
    if scope.can(actor, Action.MEDIATION_SUPERVISE):
        q |= scope.scope_q(actor, Action.MEDIATION_SUPERVISE, Dispute)
    return Dispute.objects.filter(flow=MEDIATION.name).filter(q)


def may_count(actor) -> bool:
    return scope.can(actor, Action.MEDIATION_SUPERVISE) or Mediator.objects.leaders().filter(user_id=actor.pk).exists()


def subsidy_scope(actor) -> QuerySet:
    """The disputes whose subsidies the actor may list (numbers, types and amounts; no contents): the county
    administrator's county, a supervisor's place, a leader's bodies."""
    counties = scope.targets(actor, "county", Action.MEDIATION_CONFIGURE)
    return Dispute.objects.filter(flow=MEDIATION.name).filter(
        Q(county_id__in=counties) | Q(pk__in=statistics_scope(actor).values("pk"))
    )


def subsidy_counties(actor) -> list[Region]:
    """The counties whose subsidy table the actor keeps (their administrator)."""
    return list(Region.objects.filter(pk__in=scope.targets(actor, "county", Action.MEDIATION_CONFIGURE)))


def may_list_subsidies(actor) -> bool:
    return may_count(actor) or bool(scope.targets(actor, "county", Action.MEDIATION_CONFIGURE))


# -- bodies and the pool ----------------------------------------------------------------------------------------


def bodies(actor) -> QuerySet:
    """The bodies of the actor's county (everyone working there may read who mediates)."""
    return Body.objects.filter(county_id__in=scope.county_ids(actor)).select_related("village", "township")


def body(actor, pk) -> Body:
    return scope.fetch(bodies(actor), pk)


def configurable_regions(actor) -> list[Region]:
    """The regions where the actor may add bodies: their counties and townships and the villages under them."""
    ids = scope.targets(actor, "county", Action.MEDIATION_CONFIGURE) + scope.targets(
        actor, "township", Action.MEDIATION_CONFIGURE
    )
    return list(
        Region.objects.filter(
            Q(pk__in=ids)
            | Q(county_id__in=ids, level=RegionLevel.TOWNSHIP)
            | Q(township_id__in=ids)
            | Q(county_id__in=ids, level=RegionLevel.VILLAGE)
        )
        .filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
        .order_by("code")
    )


def can_configure(actor, body_row: Body) -> bool:
    return scope.region_in_scope(actor, Action.MEDIATION_CONFIGURE, body_row.level_region)


def pool(actor, *, body_id=None) -> QuerySet:
    qs = Mediator.objects.filter(county_id__in=scope.county_ids(actor)).select_related("body", "user")
    return qs.filter(body_id=body_id) if body_id else qs


def mediator(actor, pk) -> Mediator:
    return scope.fetch(pool(actor), pk)


def intake_villages(actor) -> list[Region]:
    """The villages the actor may record a dispute for (staff) or apply from (a villager: their own)."""
    from regions.selectors import villages

    found = {v.pk: v for v in villages(actor, Action.MEDIATION_APPLY)}
    found.update({v.pk: v for v in villages(actor, Action.MEDIATION_INTAKE)})
    return sorted(found.values(), key=lambda v: v.code)
