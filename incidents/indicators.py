"""The grid incidents' indicators on the dashboards (core.indicators): the figures of the KPI page
(incidents.kpi.case_conditions), for any place and period; a case is in the period by the day it was reported."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import indicators as ind
from incidents.kpi.figures import case_conditions
from incidents.models import Incident

MODULE = _("Grid incidents")


def _cases(condition: str | None = None) -> ind.Measure:
    if condition is None:
        return ind.Measure(Incident, date="created_at", grid="grid_id")
    return ind.Measure(
        Incident, date="created_at", filter=lambda: case_conditions(timezone.now())[condition], grid="grid_id"
    )


def _share(key, name, definition, num, den, num_label, den_label, *, order, higher_is_better=True, public=False):
    return ind.Indicator(
        key=f"incidents.{key}",
        module=MODULE,
        name=name,
        definition=definition,
        numerator=_cases(num),
        denominator=_cases(den),
        numerator_label=num_label,
        denominator_label=den_label,
        higher_is_better=higher_is_better,
        public=public,
        order=order,
    )


INDICATORS = [
    ind.Indicator(
        key="incidents.cases",
        module=MODULE,
        name=_("Incidents reported"),
        definition=_(
            "The grid incidents reported in the period (by the day they were reported), whoever reported them."
        ),
        numerator=_cases(),
        numerator_label=_("incidents"),
        unit=ind.COUNT,
        higher_is_better=False,
        order=200,
    ),
    _share(
        "response",
        _("Response rate"),
        _(
            "Of the incidents reported in the period that were routed and are due an answer (answered, or past the "
            "time to answer without one), the share accepted or handed back within that time."
        ),
        "responded_on_time",
        "response_due",
        _("answered in time"),
        _("due an answer"),
        order=210,
    ),
    _share(
        "completion",
        _("Resolved on time"),
        _("Of the incidents reported in the period and resolved, the share first resolved within the time to handle."),
        "resolved_on_time",
        "resolved",
        _("resolved on time"),
        _("resolved"),
        order=220,
        public=True,
    ),
    _share(
        "satisfaction",
        _("Satisfaction"),
        _(
            "Of the incidents reported in the period and rated, the share rated satisfied or basically satisfied "
            "(the latest rating counts)."
        ),
        "satisfied",
        "rated",
        _("satisfied"),
        _("rated"),
        order=230,
        public=True,
    ),
    _share(
        "in_village",
        _("Closed within the village"),
        _("Of the incidents reported in the period and closed, the share closed at the village level (小事不出村)."),
        "closed_in_village",
        "closed",
        _("closed in the village"),
        _("closed"),
        order=240,
    ),
]
