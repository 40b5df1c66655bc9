"""What core shows for the registry (registered with core.plugins by registry.apps)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import plugins, scope
from core.roles import Action
from regions.models import Grid
from registry.audit_labels import AuditAction
from registry.models import Household, Organization, Person


def counts_card(actor) -> plugins.Card | None:
    """The registry's counts in the actor's scope: households, residents, grids, organizations."""
    if not scope.can(actor, Action.REGISTRY_VIEW):
        return None
    households = scope.scope_filter(actor, Action.REGISTRY_VIEW, Household.objects.all())
    people = scope.scope_filter(actor, Action.REGISTRY_VIEW, Person.objects.filter(is_deceased=False))
    grids = scope.scope_filter(actor, Action.REGISTRY_VIEW, Grid.objects.filter(is_active=True))
    organizations = scope.scope_filter(actor, Action.REGISTRY_VIEW, Organization.objects.all())
    party_members = people.filter(party_membership__isnull=False).count()
    without_grid = households.filter(grid__isnull=True).count()
    card = plugins.Card(
        tiles=[
            plugins.Tile(_("Households"), households.count(), reverse("registry:household_list"), "households"),
            plugins.Tile(_("Residents"), people.count(), reverse("registry:person_list"), "people"),
            plugins.Tile(_("Grids"), grids.count(), reverse("regions:grid_list"), "grids"),
            plugins.Tile(
                _("Organizations"), organizations.count(), reverse("registry:organization_list"), "organizations"
            ),
        ],
        note=_("%(n)s party members; %(m)s households not yet in a grid.") % {"n": party_members, "m": without_grid},
    )
    card.data.update(party_members=party_members, without_grid=without_grid)
    return card


def own_household_card(actor) -> plugins.Card | None:
    """A villager's own household(s), with a link to each."""
    if not scope.can(actor, Action.REGISTRY_VIEW_OWN):
        return None
    own = list(scope.scope_filter(actor, Action.REGISTRY_VIEW_OWN, Household.objects.select_related("village", "grid")))
    if not own:
        return None
    return plugins.Card(template="registry/_home_household.html", context={"households": own}, data=own)


def _households(actor, region):
    from registry.map_layer import household_layer

    return household_layer(actor, region)


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_map_layer(
        plugins.MapLayer(
            "households",
            gettext_lazy("Households (on a village's map)"),
            150,
            _households,
            cluster=True,
            shown=False,
            action=Action.REGISTRY_VIEW,
        )
    )
    plugins.register_home_card(plugins.HomeCard("registry", 100, counts_card))
    plugins.register_home_card(plugins.HomeCard("own_households", 400, own_household_card, empty=()))
