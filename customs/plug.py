"""What core shows for the 红白理事会 (registered with core.plugins by customs.apps): the home card, 待我办理 counts,
the household page's section (its events and their assessments: the result on the household's record) and the audit
event types with their labels."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import plugins, scope
from core.roles import Action
from customs.audit_labels import AuditAction


def customs_card(actor) -> plugins.Card | None:
    from customs import selectors

    tiles, actions = [], []
    home = reverse("customs:home")
    if selectors.handles(actor):
        today = timezone.localdate()
        tiles.append(plugins.Tile(_("Declarations to answer"), selectors.to_answer(actor).count(), home, "answer"))
        tiles.append(plugins.Tile(_("Held: to assess"), selectors.to_assess(actor, today).count(), home, "assess"))
    if scope.can(actor, Action.CUSTOMS_DECLARE):
        mine = selectors.mine(actor).filter(state__in=selectors.OPEN_STATES).count()
        if mine or not tiles:
            tiles.append(plugins.Tile(_("My declarations in progress"), mine, home, "mine"))
        actions.append(plugins.Link(_("Declare a wedding or funeral"), reverse("customs:new")))
    if not tiles and not actions:
        return None
    return plugins.Card(title=_("Weddings and funerals"), tiles=tiles, actions=actions)


def household_events(actor, household) -> plugins.Card | None:
    from customs import selectors
    from customs.flows import CUSTOMS

    rows = list(selectors.of_household(actor, household.pk)[:20])
    if not rows:
        return None
    for e in rows:
        e.state_label = CUSTOMS.state_label(e.state)
    return plugins.Card(
        title=_("Weddings and funerals"), template="customs/_household_panel.html", context={"rows": rows}
    )


def _to_answer(actor) -> int:
    from customs import selectors

    return selectors.to_answer(actor).count()


def register() -> None:
    from customs.models import EventKind

    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields(
        "customs.",
        {
            "kind": plugins.AuditField(gettext_lazy("kind"), choices=EventKind),
            "values": gettext_lazy("limits"),
            "notice_days": gettext_lazy("days of notice"),
            "basis": gettext_lazy("basis"),
            "number": gettext_lazy("number"),
            "event_date": gettext_lazy("date of the event"),
            "declared_late": gettext_lazy("declared late"),
            "on_behalf": gettext_lazy("declared on the household's behalf"),
            "version": gettext_lazy("version"),
            "effective_from": gettext_lazy("in force from"),
        },
    )
    plugins.register_home_card(plugins.HomeCard("customs", 360, customs_card))
    plugins.register_household_panel(plugins.HouseholdPanel("customs", 300, household_events))
    plugins.register_waiting(
        plugins.WaitingItem(
            "customs.answer",
            gettext_lazy("Wedding and funeral declarations to answer"),
            _to_answer,
            "customs:home",
            (Action.CUSTOMS_HANDLE,),
            hide_zero=True,
        )
    )
