from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "finance"
    verbose_name = _("Village finance (村级财务)")

    def ready(self):
        from finance import (
            flows,  # noqa: F401 - registers the expense procedure with core.workflow
            plug,
        )

        plug.register()
