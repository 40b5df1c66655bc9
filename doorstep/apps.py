from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class DoorstepConfig(DomainConfig):
    name = "doorstep"
    verbose_name = _("Services on the doorstep (便民服务)")
