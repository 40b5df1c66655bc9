"""What core shows for the honours (registered with core.plugins by honours.apps): the home card, 待我办理 counts,
the household page's section (the honours of the household and its members: the honour on the record), the county
set-up (the default boards) and the audit event types with their labels."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import plugins, scope
from core.roles import Action
from honours.audit_labels import AuditAction


def honours_card(actor) -> plugins.Card | None:
    from honours import selectors

    tiles, actions = [], []
    if selectors.evaluates(actor):
        panel = reverse("honours:panel")
        tiles.append(
            plugins.Tile(_("Nominations to evaluate"), selectors.to_evaluate(actor).count(), panel, "evaluate")
        )
        tiles.append(
            plugins.Tile(_("Objections to answer"), selectors.objections_to_answer(actor).count(), panel, "objections")
        )
    nominates = selectors.may_nominate(actor)
    if nominates:
        actions.append(plugins.Link(_("Nominate for the village's boards"), reverse("honours:nominate")))
    if nominates or tiles or scope.can(actor, Action.POINTS_VIEW):
        actions.append(plugins.Link(_("The quarter's boards"), reverse("honours:boards")))
    if not tiles and not actions:
        return None
    return plugins.Card(title=_("Village honour boards (乡村八榜)"), tiles=tiles, actions=actions)


def household_honours(actor, household) -> plugins.Card | None:
    from honours import selectors
    from honours.flows import HONOUR

    rows = list(selectors.household_honours(household.pk)[:30])
    if not rows:
        return None
    for n in rows:
        n.state_label = HONOUR.state_label(n.state)
    return plugins.Card(title=_("Honours"), template="honours/_household_panel.html", context={"rows": rows})


def _waiting(actor) -> int:
    from honours import selectors

    if not selectors.evaluates(actor):
        return 0
    return selectors.to_evaluate(actor).count() + selectors.objections_to_answer(actor).count()


def _set_up_county(county) -> None:
    from honours.services import county_set_up

    county_set_up(county)


def register() -> None:
    from honours.models import Source, Subject

    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields(
        "honours.",
        {
            "boards": gettext_lazy("boards"),
            "board": gettext_lazy("board"),
            "name": gettext_lazy("name"),
            "number": gettext_lazy("number"),
            "source": plugins.AuditField(gettext_lazy("nominated by"), choices=Source),
            "subject": plugins.AuditField(gettext_lazy("honours whom"), choices=Subject),
            "code": gettext_lazy("code"),
            "description": gettext_lazy("who it honours"),
            "places": gettext_lazy("places per village and quarter"),
            "publicity_days": gettext_lazy("public notice (working days)"),
            "active": gettext_lazy("in use"),
            "order": gettext_lazy("order"),
            "quarter": gettext_lazy("quarter"),
            "count": gettext_lazy("count"),
        },
    )
    plugins.register_county_setup(plugins.CountySetup("honours", _set_up_county))
    plugins.register_home_card(plugins.HomeCard("honours", 385, honours_card))
    plugins.register_household_panel(plugins.HouseholdPanel("honours", 320, household_honours))
    plugins.register_waiting(
        plugins.WaitingItem(
            "honours.evaluate",
            gettext_lazy("Honour nominations and objections to answer"),
            _waiting,
            "honours:panel",
            (Action.POINTS_RECORD, Action.POINTS_DECLARE),
            hide_zero=True,
        )
    )
