"""What core shows for 入户走访 (registered with core.plugins by visits.apps): the home card, the 待我办理 count of
overdue visits, the household page's section (its visits) and the audit event types with their labels."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import plugins
from core.roles import Action
from visits.audit_labels import AuditAction


def visits_card(actor) -> plugins.Card | None:
    from visits import selectors

    tiles, actions = [], []
    today = timezone.localdate()
    if selectors.lists(actor):
        url = reverse("visits:due")
        tiles.append(
            plugins.Tile(
                _("Overdue visits"),
                selectors.my_due(actor, today, which="overdue").count(),
                f"{url}?state=overdue",
                "overdue",
            )
        )
        tiles.append(plugins.Tile(_("To visit this period"), selectors.my_due(actor, today).count(), url, "due"))
        actions.append(plugins.Link(_("Record a visit"), reverse("visits:record")))
    if selectors.reads_board(actor):
        actions.append(plugins.Link(_("Visit board"), reverse("visits:board")))
    if not tiles and not actions:
        return None
    return plugins.Card(title=_("Household visits"), tiles=tiles, actions=actions)


def household_visits(actor, household) -> plugins.Card | None:
    from visits import selectors

    rows = list(selectors.of_household(actor, household.pk)[:10])
    may_record = selectors.may_record(actor, household)
    if not rows and not may_record:
        return None
    return plugins.Card(
        title=_("Household visits"),
        template="visits/_household_panel.html",
        context={"rows": rows, "household": household, "may_record": may_record},
    )


def _overdue(actor) -> int:
    from visits import selectors

    return selectors.my_due(actor, timezone.localdate(), which="overdue").count()


def register() -> None:
    from visits.models import FollowUp, How, Period

    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields(
        "visits.",
        {
            "tag": gettext_lazy("tag"),
            "period": plugins.AuditField(gettext_lazy("how often"), choices=Period),
            "since": gettext_lazy("in force from"),
            "active": gettext_lazy("in force"),
            "note": gettext_lazy("note"),
            "household": plugins.AuditField(gettext_lazy("household"), model="registry.Household"),
            "visited_on": gettext_lazy("visited on"),
            "how": plugins.AuditField(gettext_lazy("how"), choices=How),
            "problem": gettext_lazy("a problem was found"),
            "follow_up": plugins.AuditField(gettext_lazy("follow-up"), choices=FollowUp),
            "reference": gettext_lazy("case opened from the visit"),
            "photos": gettext_lazy("photos"),
        },
    )
    plugins.register_home_card(plugins.HomeCard("visits", 370, visits_card))
    plugins.register_household_panel(plugins.HouseholdPanel("visits", 150, household_visits))
    plugins.register_waiting(
        plugins.WaitingItem(
            "visits.overdue",
            gettext_lazy("Households overdue for a visit"),
            _overdue,
            "visits:due",
            (Action.REGISTRY_CHANGE,),
            hide_zero=True,
        )
    )
