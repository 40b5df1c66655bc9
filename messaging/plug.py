"""What core shows for messaging (registered with core.plugins by the app's config)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from messaging.audit_labels import AuditAction


def register() -> None:
    from messaging import channels

    plugins.register_channel(channels.dispatch)
    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields(
        "messaging.",
        {
            "choices": _("by SMS"),
            "enabled": _("send SMS"),
            "monthly_budget": _("monthly budget (messages)"),
            "quiet_from": _("quiet hours from"),
            "quiet_until": _("quiet hours until"),
        },
    )
