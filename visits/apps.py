from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class VisitsConfig(DomainConfig):
    name = "visits"
    verbose_name = _("Household visits (入户走访)")
