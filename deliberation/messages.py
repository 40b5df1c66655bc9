"""The deliberation messages that may also go by SMS (core.plugins.MessageKind)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import MessageKind
from core.roles import Role

MESSAGES = [
    MessageKind(
        "deliberation.rules_to_sign",
        _("The village rules wait for my household's signature"),
        _(
            "【%(place)s】The village rules (村规民约) are in force: your household is asked to sign them. Sign in to "
            "read them."
        ),
        order=45,
        audience=(Role.VILLAGER,),
    ),
]
