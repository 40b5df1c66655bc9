"""Reads shared by every domain: the audit trail and the home page summary, scoped to the actor."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import plugins, scope
from core.models import AuditEvent
from core.roles import Action


def audit_events(actor, *, action: str = "", who: str = "", target: str = ""):
    """Audit events in the actor's scope, newest first, optionally filtered."""
    qs = scope.scope_filter(actor, Action.AUDIT_VIEW, AuditEvent.objects.select_related("actor"))
    if action:
        qs = qs.filter(action__startswith=action)
    if who:
        qs = qs.filter(actor_label__contains=who)
    if target:
        qs = qs.filter(Q(target_label__contains=target) | Q(target_id=target))
    return qs.order_by("-at", "-id")


def home_summary(actor) -> dict:
    """The actor's home page: the cards the apps registered (core.plugins), in their order, from the records.

    ``cards`` is what the page shows; each card's plain values (``Card.data``) are also kept under its key
    (``HomeCard.empty`` when the card shows nothing to this actor): ``summary["waiting"]``, ``summary["incidents"]``…
    """
    summary: dict = {"cards": []}
    for home_card in plugins.home_cards():
        card = home_card.build(actor)
        summary[home_card.key] = card.data if card is not None else home_card.empty
        if card is not None:
            summary["cards"].append(card)
    return summary


def waiting_card(actor) -> plugins.Card | None:
    """待我办理: what the village's procedures wait for from this person — signatures, small-power steps,
    meetings to attend, decisions' tasks past their deadline — each a count with the page that lists it
    (the apps register the items: core.plugins.register_waiting)."""
    tiles = []
    for item in plugins.waiting_items():
        if not item.allowed(actor):
            continue
        count = item.count(actor)
        if item.hide_zero and not count:
            continue
        tiles.append(plugins.Tile(label=item.label, count=count, url=reverse(item.url_name), key=item.key))
    if not tiles:
        return None
    return plugins.Card(
        title=_("Waiting for me"),
        tiles=tiles,
        data=[{"key": t.key, "label": t.label, "count": t.count, "url": t.url} for t in tiles],
    )
