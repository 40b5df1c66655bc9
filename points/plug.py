"""What core shows for points (registered with core.plugins by points.apps)."""

from core import plugins
from points.audit_labels import AuditAction


def register() -> None:
    plugins.register_audit_labels(AuditAction)
