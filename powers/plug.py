"""What core shows for the small-power list (registered with core.plugins by powers.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from powers.audit_labels import AuditAction


def village_matters(actor) -> int:
    from powers import selectors

    return len(selectors.village_queue(actor))


def township_matters(actor) -> int:
    from powers import selectors

    return len(selectors.township_queue(actor))


def my_open_applications(actor) -> int:
    from powers import selectors

    return selectors.my_cases(actor).filter(closed_at__isnull=True).count()


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    for item in (
        plugins.WaitingItem(
            "powers.handle",
            _("Small-power matters for the village"),
            village_matters,
            "powers:queue",
            Action.POWER_HANDLE,
            order=20,
        ),
        plugins.WaitingItem(
            "powers.review",
            _("Small-power matters to review"),
            township_matters,
            "powers:review",
            Action.POWER_REVIEW,
            order=21,
        ),
        plugins.WaitingItem(
            "powers.apply",
            _("My applications in progress"),
            my_open_applications,
            "powers:home",
            Action.POWER_APPLY,
            order=22,
            hide_zero=True,
        ),
    ):
        plugins.register_waiting(item)
