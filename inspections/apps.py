from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class InspectionsConfig(DomainConfig):
    name = "inspections"
    verbose_name = _("Seven goods inspections (七个好)")
