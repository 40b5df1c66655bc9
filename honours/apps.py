from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class HonoursConfig(DomainConfig):
    name = "honours"
    verbose_name = _("Village honours (乡村八榜)")
