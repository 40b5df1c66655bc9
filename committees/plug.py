"""What core shows for this app (registered with core.plugins by committees.apps)."""

from committees.audit_labels import AuditAction
from core import plugins


def register() -> None:
    plugins.register_audit_labels(AuditAction)
