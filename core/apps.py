from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self):
        """Core's own parts of what it shows (core.plugins): its audit labels and 待我办理 (the audit trail has its
        own page, /audit/, not a feed on the home page)."""
        from core import checks, plugins, selectors  # noqa: F401 - checks registers the production checks
        from core.audit_labels import FIELDS, AuditAction, PhoneAppAuditAction

        plugins.register_audit_labels(AuditAction)
        plugins.register_audit_labels(PhoneAppAuditAction)
        plugins.register_audit_fields("", FIELDS)
        plugins.register_audit_fields("core.phone_app", {"photo_max_side": _("longest photo side (pixels)")})
        plugins.register_home_card(plugins.HomeCard("waiting", 50, selectors.waiting_card, empty=()))
