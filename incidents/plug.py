"""What core shows for grid incidents (registered with core.plugins by incidents.apps)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import plugins, scope
from core.roles import Action
from incidents.audit_labels import AuditAction


def incident_card(actor) -> plugins.Card | None:
    """The grid incidents card: my queue, waiting for dispatch, overdue under my supervision, my open reports."""
    from incidents import selectors
    from incidents.supervision import ACTIVE_STATES

    tiles = []
    if scope.can(actor, Action.INCIDENT_HANDLE):
        tiles.append(
            plugins.Tile(_("In my queue"), selectors.queue(actor).count(), reverse("incidents:queue"), "queue")
        )
    if scope.can(actor, Action.INCIDENT_DISPATCH):
        count = selectors.to_dispatch(actor).count()
        tiles.append(plugins.Tile(_("Waiting for dispatch"), count, reverse("incidents:to_dispatch"), "to_dispatch"))
    if scope.can(actor, Action.INCIDENT_SUPERVISE):
        overdue = selectors.supervised(actor).filter(state__in=ACTIVE_STATES, deadline_at__lt=timezone.now())
        tiles.append(plugins.Tile(_("Overdue"), overdue.count(), reverse("incidents:board") + "#overdue", "overdue"))
    actions = []
    if scope.can(actor, Action.INCIDENT_REPORT):
        count = selectors.my_reports(actor).filter(closed_at__isnull=True).count()
        tiles.append(plugins.Tile(_("My open reports"), count, reverse("incidents:mine"), "my_open"))
        actions.append(plugins.Link(_("Report a case"), reverse("incidents:report")))
    if not tiles:
        return None
    return plugins.Card(title=_("Grid incidents"), tiles=tiles, actions=actions)


def _household_incidents(actor, household):
    from incidents.household_panel import household_incidents

    return household_incidents(actor, household)


def _set_up_county(county) -> None:
    from incidents.services import matter_install_unsorted

    matter_install_unsorted(county=county)


def _incident_layer(actor, region):
    from incidents.map_views import incident_layer

    return incident_layer(actor, region)


def _incident_legend():
    from incidents.map_views import legend

    return legend()


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_map_layer(
        plugins.MapLayer(
            "incidents",
            gettext_lazy("Grid incidents (last 90 days)"),
            200,
            _incident_layer,
            legend=_incident_legend,
            cluster=True,
            action=(Action.INCIDENT_VIEW, Action.INCIDENT_HANDLE),
        )
    )
    plugins.register_county_setup(plugins.CountySetup("incidents", _set_up_county))
    plugins.register_household_panel(plugins.HouseholdPanel("incidents", 200, _household_incidents))
    plugins.register_home_card(plugins.HomeCard("incidents", 300, incident_card))
