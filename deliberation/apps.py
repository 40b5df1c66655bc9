from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class DeliberationConfig(DomainConfig):
    name = "deliberation"
    verbose_name = _("Deliberation (议事协商)")
