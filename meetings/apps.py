from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Meetings and votes (会议表决)")

    def ready(self):
        from meetings import (
            flows,  # noqa: F401  (registers the flow)
            plug,
        )

        plug.register()
