"""What core shows for points (registered with core.plugins by points.apps)."""

from core import plugins
from points.audit_labels import AuditAction


def _set_up_county(county) -> None:
    """A new county gets the default consequences red and black lists may carry (idempotent)."""
    from points.consequences import ensure_default_consequences

    ensure_default_consequences(county)


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_county_setup(plugins.CountySetup("points", _set_up_county))
