"""What core shows for mediation (registered with core.plugins by mediation.apps): the counts of 待我办理 and the
audit event types with their labels. A dispute's contents never reach a home-page card: counts only."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from mediation.audit_labels import AuditAction


def _queue(actor) -> int:
    from mediation import selectors

    return selectors.working_queue(actor).count()


def _risk(actor) -> int:
    from mediation import selectors

    return selectors.risk_board(actor).count()


def _mine(actor) -> int:
    from mediation import selectors

    return selectors.my_disputes(actor).filter(closed_at__isnull=True).count()


def _dispute_layer(actor, region):
    from mediation.map_layer import dispute_layer

    return dispute_layer(actor, region)


def register() -> None:
    plugins.register_map_layer(
        plugins.MapLayer("disputes", _("Disputes (counts per village)"), 300, _dispute_layer, shown=False)
    )
    from mediation.models import BodyKind, Dispute, DisputeKind, Mediator, Source, SubsidyRate, Title

    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields(
        "mediation.",
        {
            "kind": plugins.AuditField(_("kind"), choices={**dict(BodyKind.choices), **dict(DisputeKind.choices)}),
            "field": plugins.AuditField(_("field"), choices=DisputeKind),
            "number": Dispute._meta.get_field("number").verbose_name,
            "source": plugins.AuditField(Dispute._meta.get_field("source").verbose_name, choices=Source),
            "body": Dispute._meta.get_field("body").verbose_name,
            "title": plugins.AuditField(Mediator._meta.get_field("title").verbose_name, choices=Title),
            "expertise": Mediator._meta.get_field("expertise").verbose_name,
            "profile": Mediator._meta.get_field("profile").verbose_name,
            "available": Mediator._meta.get_field("available").verbose_name,
            "user": Mediator._meta.get_field("user").verbose_name,
            "amount": SubsidyRate._meta.get_field("amount").verbose_name,
            "name": _("name"),
            "active": _("in use"),
        },
    )
    for item in (
        plugins.WaitingItem(
            "mediation.queue",
            _("Disputes to mediate"),
            _queue,
            "mediation:home",
            Action.MEDIATION_INTAKE,
            order=50,
            hide_zero=True,
        ),
        plugins.WaitingItem(
            "mediation.risk",
            _("High-risk disputes under supervision"),
            _risk,
            "mediation:home",
            Action.MEDIATION_SUPERVISE,
            order=51,
            hide_zero=True,
        ),
        plugins.WaitingItem(
            "mediation.mine",
            _("My disputes in mediation"),
            _mine,
            "mediation:home",
            Action.MEDIATION_APPLY,
            order=52,
            hide_zero=True,
        ),
    ):
        plugins.register_waiting(item)
