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


def _power_names(codes) -> str:
    """Powers are recorded by their code ("seal-certificate"): shown by their names on the list."""
    from powers.models import Power

    codes = codes if isinstance(codes, list) else [codes]
    names = dict(Power.objects.filter(code__in=[str(c) for c in codes]).values_list("code", "name"))
    return "、".join(names.get(str(c), str(c)) for c in codes)


def register() -> None:
    from powers.models import PowerCase

    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields(
        "powers.",
        {
            "power": plugins.AuditField(PowerCase._meta.get_field("power").verbose_name, format=_power_names),
            "created": plugins.AuditField(_("added"), format=_power_names),
        },
    )
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
