from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self):
        """Core's own parts of what it shows (core.plugins): its audit labels, 待我办理 and recent changes."""
        from core import plugins, selectors
        from core.audit_labels import AuditAction

        plugins.register_audit_labels(AuditAction)
        plugins.register_home_card(plugins.HomeCard("waiting", 200, selectors.waiting_card, empty=()))
        plugins.register_home_card(plugins.HomeCard("recent_events", 900, selectors.recent_changes_card))
