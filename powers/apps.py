from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class PowersConfig(DomainConfig):
    name = "powers"
    verbose_name = _("Small-power list (小微权力)")
