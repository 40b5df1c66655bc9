from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        """Plug this app's parts into core (core.plugins)."""
        from accounts import plug

        plug.register()
