"""What core shows for village finance (registered with core.plugins by finance.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from finance.audit_labels import AuditAction


def expenses_to_sign(actor) -> int:
    """Expenses whose next signature is the actor's post and that the actor has not signed yet."""
    from finance import selectors

    return sum(1 for expense in selectors.my_queue(actor) if not expense.already_signed)


def set_up_county(county) -> None:
    """A new county's default categories and approval chain (idempotent; finance.services.county_set_up)."""
    from finance import services

    services.county_set_up(county)


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_county_setup(plugins.CountySetup("finance", set_up_county))
    plugins.register_waiting(
        plugins.WaitingItem(
            "finance.sign", _("Expenses to sign"), expenses_to_sign, "finance:queue", Action.FINANCE_APPROVE, order=10
        )
    )
