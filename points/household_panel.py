"""The points section of a household's page (core.plugins.HouseholdPanel, registered by points.plug): for each
active household scheme of the household's village that the actor may read, this year's lines — the base score,
every entry dated in the year, the total (the year's score) and the points to spend — exactly as the household
reads them on its own page (``selectors.year_lines``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core import plugins, scope
from core.roles import Action
from points import selectors
from points.models import Scheme, SubjectKind
from points.subjects import subject_of

MAX_LINES = 60  # a busy household's year fits; the rest is on the points pages


def household_points(actor, household) -> plugins.Card | None:
    """Those who read the village's points (grid workers of its grids, cadres, the township …) and the household
    itself see the section; anyone else nothing."""
    own = household.pk in scope.targets(actor, "household", Action.POINTS_VIEW_OWN)
    schemes = [
        scheme
        for scheme in Scheme.objects.filter(
            village_id=household.village_id, is_active=True, subject_kind=SubjectKind.HOUSEHOLD
        ).order_by("name", "pk")
        if own or selectors.scheme_in_scope(actor, scheme, Action.POINTS_VIEW)
    ]
    if not schemes:
        return None
    key = subject_of(household).key
    year = timezone.localdate().year
    rows = []
    for scheme in schemes:
        history = selectors.year_lines(scheme, key, year)
        lines = history["lines"]
        rows.append({"scheme": scheme, "history": history, "lines": lines[-MAX_LINES:], "more": len(lines) > MAX_LINES})
    return plugins.Card(
        title=_("Points in %(year)s") % {"year": year},
        template="points/_household_panel.html",
        context={"schemes": rows, "year": year},
        data={r["scheme"].pk: str(r["history"]["score"]) for r in rows},
    )
