from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class CustomsConfig(DomainConfig):
    name = "customs"
    verbose_name = _("Weddings and funerals (红白理事会)")
