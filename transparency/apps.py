from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class TransparencyConfig(DomainConfig):
    name = "transparency"
    verbose_name = _("Transparency (三务公开)")
