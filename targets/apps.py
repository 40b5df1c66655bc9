from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class TargetsConfig(DomainConfig):
    name = "targets"
    verbose_name = _("Target lists (清单制)")
