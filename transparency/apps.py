from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "transparency"
    verbose_name = _("Transparency (三务公开)")

    def ready(self):
        from transparency import (
            flows,  # noqa: F401  (registers the flows for run_deadlines)
            plug,
        )

        plug.register()
