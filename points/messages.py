"""The points messages that may also go by SMS (core.plugins.MessageKind; no names, no figures in an SMS)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import MessageKind
from core.roles import Role

MESSAGES = [
    MessageKind(
        "points.entry_decided",
        _("A points entry about my household is approved or rejected"),
        _("【%(place)s】A points entry about your household has been reviewed. Sign in to see it."),
        order=20,
        sms_default=False,
        audience=(Role.VILLAGER,),
    ),
    MessageKind(
        "points.appeal_decided",
        _("My household's points appeal is decided"),
        _("【%(place)s】Your household's points appeal has been decided. Sign in to see the decision."),
        order=21,
        audience=(Role.VILLAGER,),
    ),
]
