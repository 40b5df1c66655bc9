"""What core shows for services on the doorstep (registered with core.plugins by doorstep.apps): the home card
(requests to handle for an agent or the counter, services to rate and open requests for a villager) and the audit
event types with their labels."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import plugins, scope
from core.roles import Action
from doorstep.audit_labels import AuditAction


def doorstep_card(actor) -> plugins.Card | None:
    from doorstep import people, selectors

    tiles, actions = [], []
    if scope.can(actor, Action.SERVICE_HANDLE) or people.serving_villages(actor):
        count = selectors.handling_queue(actor).count()
        tiles.append(plugins.Tile(_("Requests to handle"), count, reverse("doorstep:queue"), "queue"))
    if scope.can(actor, Action.SERVICE_APPLY):
        tiles.append(
            plugins.Tile(
                _("Done: please rate them"), selectors.to_rate(actor).count(), reverse("doorstep:home"), "rate"
            )
        )
        count = selectors.my_requests(actor).filter(state__in=selectors.OPEN_STATES).count()
        tiles.append(plugins.Tile(_("My open requests"), count, reverse("doorstep:mine"), "mine"))
        actions.append(plugins.Link(_("Apply for a service"), reverse("doorstep:new")))
    if not tiles:
        return None
    return plugins.Card(title=_("Services on the doorstep"), tiles=tiles, actions=actions)


def _audit_fields() -> dict:
    from doorstep.models import (
        Agent,
        AgentKind,
        Category,
        Channel,
        Consent,
        ItemVersion,
        Level,
        ServicePoint,
        ServiceRequest,
    )

    version, point, request = ItemVersion._meta, ServicePoint._meta, ServiceRequest._meta
    fields = {
        name: version.get_field(name).verbose_name
        for name in ("materials", "time_limit_days", "place", "agent_may", "online", "fee", "legal_basis", "notes")
    }
    fields.update(
        {
            name: point.get_field(name).verbose_name
            for name in ("hours", "after_hours", "on_duty", "latitude", "longitude")
        }
    )
    fields.update(
        {
            "name": gettext_lazy("name"),
            "code": gettext_lazy("code"),
            "version": gettext_lazy("version"),
            "category": plugins.AuditField(version.get_field("category").verbose_name, choices=Category),
            "level": plugins.AuditField(version.get_field("level").verbose_name, choices=Level),
            "kind": plugins.AuditField(
                gettext_lazy("kind"), choices={**dict(AgentKind.choices), **dict(Level.choices)}
            ),
            "upstream_office": version.get_field("upstream_office").verbose_name,
            "admitted_on": gettext_lazy("admitted on"),
            "retired_on": gettext_lazy("retired on"),
            "channel": plugins.AuditField(request.get_field("channel").verbose_name, choices=Channel),
            "consent": plugins.AuditField(request.get_field("consent").verbose_name, choices=Consent),
            "numbers": gettext_lazy("numbers"),
            "items": gettext_lazy("service items"),
            "bundles": gettext_lazy("one-visit bundles"),
            "certificate_kinds": gettext_lazy("kinds of village certificate"),
            "villages": Agent._meta.get_field("villages").verbose_name,
            "username": gettext_lazy("account"),
            "reissued": gettext_lazy("issued again"),
        }
    )
    return fields


def _service_points(actor, region):
    from doorstep.map_layer import service_point_layer

    return service_point_layer(actor, region)


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_map_layer(
        plugins.MapLayer(
            "service_points", gettext_lazy("Service points and their 15-minute circle"), 400, _service_points
        )
    )
    plugins.register_audit_fields("doorstep.", _audit_fields())
    plugins.register_home_card(plugins.HomeCard("doorstep", 350, doorstep_card))
