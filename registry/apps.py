from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"

    def ready(self):
        """Plug this app's parts into core (core.plugins)."""
        from registry import plug

        plug.register()
