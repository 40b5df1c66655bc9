"""The incident messages that may also go by SMS (core.plugins.MessageKind)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import MessageKind

MESSAGES = [
    MessageKind(
        "incidents.report_update",
        _("A matter I reported is resolved and waits for my rating"),
        _("【%(place)s】A matter you reported has been resolved. Sign in to see the result and rate it."),
        order=30,
    ),
]
