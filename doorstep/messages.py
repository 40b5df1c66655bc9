"""The doorstep-service messages that may also go by SMS (core.plugins.MessageKind)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import MessageKind

MESSAGES = [
    MessageKind(
        "doorstep.request_update",
        _("A service request of mine moves on or needs me"),
        _("【%(place)s】There is news about your service request (便民代办). Sign in to see it."),
        order=50,
    ),
]
