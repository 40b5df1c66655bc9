"""The transparency messages that may also go by SMS (core.plugins.MessageKind)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import MessageKind
from core.roles import Role

MESSAGES = [
    MessageKind(
        "transparency.notice_published",
        _("A notice is published on my village's board"),
        _("【%(place)s】A new notice is on the village board (村务公开). Sign in to read it."),
        order=40,
        sms_default=False,
        audience=(Role.VILLAGER,),
    ),
]
