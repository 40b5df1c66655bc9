"""What core shows for regions and grids (registered with core.plugins by regions.apps)."""

from core import plugins
from regions.audit_labels import AuditAction


def register() -> None:
    plugins.register_audit_labels(AuditAction)
