from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "powers"
    verbose_name = _("Small-power list (小微权力)")

    def ready(self):
        from powers import (
            flows,  # noqa: F401  (registers the procedures with core.workflow)
            plug,
        )

        plug.register()
