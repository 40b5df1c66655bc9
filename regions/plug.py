"""What core shows for regions and grids (registered with core.plugins by regions.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from regions.audit_labels import AuditAction


def _grids(actor, region):
    from regions.map_views import grid_layer

    return grid_layer(actor, region)


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_map_layer(
        plugins.MapLayer("grids", _("Grids"), 100, _grids, shown=False, action=Action.REGISTRY_VIEW)
    )
