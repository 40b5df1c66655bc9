"""What core shows for this app (registered with core.plugins by inspections.apps): the home card (the current
quarter's rounds of the actor's villages), the county set-up (the default scoring sheet) and the audit labels."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import plugins, scope
from core.roles import Action
from inspections.audit_labels import AuditAction


def inspections_card(actor) -> plugins.Card | None:
    from django.utils import timezone

    from inspections import selectors

    if not scope.can(actor, Action.INSPECTION_VIEW):
        return None
    year, quarter = selectors.quarter_of(timezone.localdate())
    current = selectors.rounds(actor).filter(year=year, quarter=quarter)
    tiles = [
        plugins.Tile(
            _("Rounds open this quarter"), current.filter(state="open").count(), reverse("inspections:home"), "open"
        ),
        plugins.Tile(
            _("Published this quarter"),
            current.filter(state="published").count(),
            reverse("inspections:home"),
            "published",
        ),
    ]
    return plugins.Card(title=_("Seven goods of the courtyard"), tiles=tiles)


def household_inspections(actor, household) -> plugins.Card | None:
    """The household's seven goods by quarter (its score, rank and board, the reinspection), for the staff who read
    its village's rounds."""
    from inspections import selectors

    if not scope.can(actor, Action.INSPECTION_VIEW):
        return None
    rows = list(selectors.of_household(actor, household.pk)[:8])
    if not rows:
        return None
    return plugins.Card(
        title=_("Seven goods of the courtyard"), template="inspections/_household_panel.html", context={"rows": rows}
    )


def _set_up_county(county) -> None:
    from inspections.services import set_up_county

    set_up_county(county)


def _audit_fields() -> dict:
    from inspections.models import RoundState

    return {
        "version": gettext_lazy("version"),
        "title": gettext_lazy("title"),
        "total": gettext_lazy("total points"),
        "effective_from": gettext_lazy("effective from"),
        "retired_on": gettext_lazy("retired on"),
        "details": gettext_lazy("number of details"),
        "praise_percent": gettext_lazy("praise board share (%)"),
        "exposure_percent": gettext_lazy("exposure board share (%)"),
        "group_percent": gettext_lazy("village group share (%)"),
        "year": gettext_lazy("year"),
        "quarter": gettext_lazy("quarter"),
        "sheet": gettext_lazy("scoring sheet version"),
        "score": gettext_lazy("score"),
        "deductions": gettext_lazy("deductions (detail: points)"),
        "note": gettext_lazy("note"),
        "rectified": gettext_lazy("rectified"),
        "state": plugins.AuditField(gettext_lazy("state"), choices=RoundState),
        "inspected": gettext_lazy("households inspected"),
        "praise": gettext_lazy("on the praise board"),
        "exposure": gettext_lazy("on the exposure board"),
        "notice": plugins.AuditField(gettext_lazy("village notice"), model="transparency.Notice"),
    }


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields("inspections.", _audit_fields())
    plugins.register_home_card(plugins.HomeCard("inspections", 380, inspections_card))
    plugins.register_county_setup(plugins.CountySetup("inspections", _set_up_county))
    plugins.register_household_panel(plugins.HouseholdPanel("inspections", 330, household_inspections))
