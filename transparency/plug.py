"""What core shows for transparency (registered with core.plugins by transparency.apps)."""

from core import plugins
from transparency.audit_labels import AuditAction


def register() -> None:
    plugins.register_audit_labels(AuditAction)
