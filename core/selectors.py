"""Reads shared by every domain: the audit trail and the home page summary, scoped to the actor."""

from django.db.models import Q

from core import scope
from core.models import AuditEvent
from core.roles import Action


def audit_events(actor, *, action: str = "", who: str = "", target: str = ""):
    """Audit events in the actor's scope, newest first, optionally filtered."""
    qs = scope.scope_filter(actor, Action.AUDIT_VIEW, AuditEvent.objects.select_related("actor"))
    if action:
        qs = qs.filter(action__startswith=action)
    if who:
        qs = qs.filter(actor_label__contains=who)
    if target:
        qs = qs.filter(Q(target_label__contains=target) | Q(target_id=target))
    return qs.order_by("-at", "-id")


def home_summary(actor) -> dict:
    """Counts the actor's home page shows, computed from the records (never typed)."""
    from regions.models import Grid
    from registry.models import Household, Organization, Person

    summary: dict = {}
    if scope.can(actor, Action.REGISTRY_VIEW):
        households = scope.scope_filter(actor, Action.REGISTRY_VIEW, Household.objects.all())
        people = scope.scope_filter(actor, Action.REGISTRY_VIEW, Person.objects.filter(is_deceased=False))
        summary["households"] = households.count()
        summary["people"] = people.count()
        summary["grids"] = scope.scope_filter(actor, Action.REGISTRY_VIEW, Grid.objects.filter(is_active=True)).count()
        summary["organizations"] = scope.scope_filter(actor, Action.REGISTRY_VIEW, Organization.objects.all()).count()
        summary["party_members"] = people.filter(party_membership__isnull=False).count()
        summary["without_grid"] = households.filter(grid__isnull=True).count()
    if scope.can(actor, Action.REGISTRY_VIEW_OWN):
        own = scope.scope_filter(actor, Action.REGISTRY_VIEW_OWN, Household.objects.select_related("village", "grid"))
        summary["own_households"] = list(own)
    if scope.can(actor, Action.AUDIT_VIEW):
        summary["recent_events"] = list(audit_events(actor)[:8])
    summary["incidents"] = _incident_summary(actor)
    return summary


def _incident_summary(actor) -> dict | None:
    """The grid incidents card: my queue, waiting for dispatch, overdue under my supervision, my open reports."""
    from django.utils import timezone

    from incidents import selectors as incidents
    from incidents.supervision import ACTIVE_STATES

    card = {}
    if scope.can(actor, Action.INCIDENT_HANDLE):
        card["queue"] = incidents.queue(actor).count()
    if scope.can(actor, Action.INCIDENT_DISPATCH):
        card["to_dispatch"] = incidents.to_dispatch(actor).count()
    if scope.can(actor, Action.INCIDENT_SUPERVISE):
        card["overdue"] = (
            incidents.supervised(actor).filter(state__in=ACTIVE_STATES, deadline_at__lt=timezone.now()).count()
        )
    if scope.can(actor, Action.INCIDENT_REPORT):
        card["my_open"] = incidents.my_reports(actor).filter(closed_at__isnull=True).count()
    return card or None
