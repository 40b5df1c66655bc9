from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deliberation"
    verbose_name = _("Deliberation (议事协商)")

    def ready(self):
        from deliberation import (
            flows,  # noqa: F401  (registers the procedures with core.workflow)
            plug,
        )

        plug.register()
