from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class DashboardsConfig(DomainConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")
