"""What core shows for meetings (registered with core.plugins by meetings.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from meetings.audit_labels import AuditAction


def meetings_to_attend(actor) -> int:
    from meetings import selectors

    return selectors.my_meetings(actor).count()


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_waiting(
        plugins.WaitingItem(
            "meetings.attend",
            _("Meetings I may attend"),
            meetings_to_attend,
            "meetings:home",
            Action.DELIBERATION_VOTE,
            order=30,
        )
    )
