"""The meeting messages that may also go by SMS (core.plugins.MessageKind)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import MessageKind

MESSAGES = [
    MessageKind(
        "meetings.notice",
        _("A meeting I may attend is called or cancelled"),
        _("【%(place)s】There is a meeting notice for you. Sign in to see the time and place."),
        order=10,
    ),
]
