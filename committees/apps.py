from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class CommitteesConfig(DomainConfig):
    name = "committees"
    verbose_name = _("Village committees (村级自治组织)")
