from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class MediationConfig(DomainConfig):
    name = "mediation"
    verbose_name = _("Dispute mediation (矛盾纠纷调解)")
