from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class FinanceConfig(DomainConfig):
    name = "finance"
    verbose_name = _("Village finance (村级财务)")
