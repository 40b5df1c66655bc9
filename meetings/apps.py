from django.utils.translation import gettext_lazy as _

from core.plugins import DomainConfig


class MeetingsConfig(DomainConfig):
    name = "meetings"
    verbose_name = _("Meetings and votes (会议表决)")
