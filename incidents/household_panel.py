"""The incidents section of a household's page (core.plugins.HouseholdPanel, registered by incidents.plug): the
cases the actor may see that concern the household or that its people reported, newest first, and a link to
report one for it (the report then concerns the household)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core import plugins, scope
from core.roles import Action

MAX_ROWS = 20


def household_incidents(actor, household) -> plugins.Card | None:
    from incidents import selectors
    from incidents.flows import INCIDENT

    may_report = scope.can(actor, Action.INCIDENT_REPORT)
    if not (scope.can(actor, Action.INCIDENT_VIEW) or may_report):
        return None
    qs = selectors.for_household(actor, household)
    rows = list(qs[:MAX_ROWS])
    for incident in rows:
        incident.state_label = INCIDENT.state_label(incident.state)
    return plugins.Card(
        title=_("Grid incidents"),
        template="incidents/_household_panel.html",
        context={
            "rows": rows,
            "total": qs.count() if len(rows) == MAX_ROWS else len(rows),
            "report_url": reverse("incidents:report") + f"?household={household.pk}" if may_report else "",
        },
        data={"cases": [i.pk for i in rows]},
    )
