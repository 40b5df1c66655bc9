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
    MessageKind(
        "incidents.report_progress",
        _("A matter I reported was accepted, passed on, reopened or closed"),
        _("【%(place)s】There is news about a matter you reported. Sign in to see it."),
        order=31,
    ),
]
