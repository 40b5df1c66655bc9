"""What core shows for deliberation (registered with core.plugins by deliberation.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from deliberation.audit_labels import AuditAction


def overdue_tasks(actor) -> int:
    from deliberation import selectors

    return selectors.search_tasks(actor, overdue=True).count()


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_waiting(
        plugins.WaitingItem(
            "deliberation.overdue_tasks",
            _("Decision tasks overdue"),
            overdue_tasks,
            "deliberation:tasks",
            (Action.DELIBERATION_MANAGE, Action.DELIBERATION_REVIEW),
            order=40,
        )
    )
