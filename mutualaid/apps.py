from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class MutualaidConfig(DomainConfig):
    name = "mutualaid"
    verbose_name = _("Mutual aid (邻里互助会)")
