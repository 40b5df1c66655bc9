"""What core shows for accounts (registered with core.plugins by accounts.apps)."""

from accounts.audit_labels import AuditAction
from core import plugins


def register() -> None:
    plugins.register_audit_labels(AuditAction)
