"""What core shows for this app (registered with core.plugins by mutualaid.apps): the home card (what waits for the
person, their open applications, the fund of the village they keep), 待我办理, and the audit event types."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import plugins, scope
from core.roles import Action
from mutualaid.audit_labels import AuditAction


def _waiting(actor) -> int:
    from mutualaid import selectors

    return len(selectors.waiting_for(actor))


def mutualaid_card(actor) -> plugins.Card | None:
    from mutualaid import fund, selectors
    from mutualaid.flows import OPEN

    tiles, actions = [], []
    waiting = _waiting(actor)
    kept = list(selectors.fund_villages(actor)[:2])
    if waiting or kept or selectors.led_groups(actor):
        tiles.append(plugins.Tile(_("Applications waiting for me"), waiting, reverse("mutualaid:home"), "waiting"))
    if scope.can(actor, Action.AID_APPLY):
        count = selectors.mine(actor).filter(state__in=OPEN).count()
        tiles.append(plugins.Tile(_("My open applications"), count, reverse("mutualaid:applications"), "mine"))
        actions.append(plugins.Link(_("Apply for mutual aid"), reverse("mutualaid:new")))
    note = ""
    if len(kept) == 1:
        note = _("Fund balance of %(village)s: %(balance)s yuan") % {
            "village": kept[0].name,
            "balance": fund.balance(kept[0].pk),
        }
        actions.append(plugins.Link(_("The fund"), reverse("mutualaid:fund")))
    if not tiles:
        return None
    return plugins.Card(title=_("Neighbourhood mutual aid"), tiles=tiles, note=note, actions=actions)


def _audit_fields() -> dict:
    from mutualaid.models import EntryKind, FundEntry, Source

    entry = FundEntry._meta
    return {
        "kind": plugins.AuditField(entry.get_field("kind").verbose_name, choices=EntryKind),
        "source": plugins.AuditField(entry.get_field("source").verbose_name, choices=Source),
        "applications": gettext_lazy("applications"),
        "notice": gettext_lazy("public notice"),
    }


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields("mutualaid.", _audit_fields())
    plugins.register_home_card(plugins.HomeCard("mutualaid", 360, mutualaid_card))
    plugins.register_waiting(
        plugins.WaitingItem(
            "mutualaid.waiting",
            gettext_lazy("Mutual-aid applications"),
            _waiting,
            "mutualaid:home",
            (Action.AID_HANDLE, Action.AID_APPLY),
            order=60,
            hide_zero=True,
        )
    )
