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
    summary["waiting"] = _waiting_for_me(actor)
    return summary


def _waiting_for_me(actor) -> list[dict]:
    """待我办理: what the village's procedures wait for from this person — signatures, small-power steps,
    meetings to attend, decisions' tasks past their deadline — each a count with the page that lists it."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from deliberation import selectors as deliberation
    from finance import selectors as finance
    from meetings import selectors as meetings
    from powers import selectors as powers

    items = []

    def add(count, label, url_name):
        items.append({"count": count, "label": label, "url": reverse(url_name)})

    if scope.can(actor, Action.FINANCE_APPROVE):
        add(sum(1 for e in finance.my_queue(actor) if not e.already_signed), _("Expenses to sign"), "finance:queue")
    if scope.can(actor, Action.POWER_HANDLE):
        add(len(powers.village_queue(actor)), _("Small-power matters for the village"), "powers:queue")
    if scope.can(actor, Action.POWER_REVIEW):
        add(len(powers.township_queue(actor)), _("Small-power matters to review"), "powers:review")
    if scope.can(actor, Action.POWER_APPLY):
        open_cases = powers.my_cases(actor).filter(closed_at__isnull=True).count()
        if open_cases:
            add(open_cases, _("My applications in progress"), "powers:home")
    if scope.can(actor, Action.DELIBERATION_VOTE):
        add(meetings.my_meetings(actor).count(), _("Meetings I may attend"), "meetings:home")
    if scope.can(actor, Action.DELIBERATION_MANAGE) or scope.can(actor, Action.DELIBERATION_REVIEW):
        add(deliberation.search_tasks(actor, overdue=True).count(), _("Decision tasks overdue"), "deliberation:tasks")
    return items


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
