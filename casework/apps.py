from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """Shared tables of the workflow engine (core.workflow) and the working-day calendar (core.calendar)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "casework"
    verbose_name = _("Casework")
