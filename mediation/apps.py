from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mediation"
    verbose_name = _("Dispute mediation (矛盾纠纷调解)")

    def ready(self):
        from mediation import (
            flows,  # noqa: F401  (registers the procedure with core.workflow)
            plug,
        )

        plug.register()
