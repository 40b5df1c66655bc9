"""What core shows for the villages' committees (registered with core.plugins by committees.apps): the audit
event types with their labels, and the keys of their before/after."""

from django.utils.translation import gettext_lazy

from committees.audit_labels import AuditAction
from core import plugins


def register() -> None:
    from committees.models import CommitteeKind

    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields(
        "committees.",
        {
            "username": gettext_lazy("account"),
            "kind": plugins.AuditField(gettext_lazy("kind"), choices=CommitteeKind),
            "group": gettext_lazy("village group"),
        },
    )
