"""The accounts' message kinds (core.plugins.MessageKind): the sign-in code, sent whatever the hour or choice."""

from django.utils.translation import gettext_lazy as _

from core.plugins import MessageKind

MESSAGES = [
    MessageKind(
        "accounts.code",
        _("Sign-in code"),
        _("Your code is %(code)s, valid for %(minutes)s minutes. Do not tell it to anyone, staff included."),
        order=0,
        params=("code", "minutes"),
        urgent=True,
    ),
]
