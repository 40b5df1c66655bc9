from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class IncidentsConfig(DomainConfig):
    name = "incidents"
    verbose_name = _("Grid incidents")
