"""The mediation messages that may also go by SMS (core.plugins.MessageKind)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import MessageKind

MESSAGES = [
    MessageKind(
        "mediation.update",
        _("A dispute I am a party to moves on or needs me"),
        _("【%(place)s】There is news about a mediation you are part of. Sign in to see it."),
        order=55,
    ),
]
