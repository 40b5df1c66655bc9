"""The dashboard indicators of services on the doorstep (SPEC §8, §10: services done inside the village), declared
for ``core.indicators``.

The figures are those of the doorstep's figures page (``doorstep.figures``: the requests **made** in the period, by
the moment they were made, and the same filters as its ``count_expressions``), so the dashboard and that page
agree. A request is placed in its village (its household's grid is not a column of the request): county, township
and village only.

十五分钟就近办 is a figure of now, not of a period: the households placed on the map within a 15 minutes' walk of a
service point in use (``doorstep.circle``, kept while the households and points do not change)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import indicators as ind
from doorstep.figures import SATISFIED
from doorstep.flows import DOORSTEP
from doorstep.models import Level, ServiceRequest

MODULE = _("Services on the doorstep")


class WithinWalk:
    """The 15-minute circle now (core.indicators.Source): the households placed on the map (``within``: those within
    the walk of a service point in use) of a place, the same whatever the period."""

    def __init__(self, *, within: bool):
        self.within = within

    def column(self, level: str) -> str:
        return "" if level == ind.GRID else f"{level}_id"

    def _circle(self, region_id: int):
        from doorstep import circle
        from regions.models import Region

        return circle.kept(Region.objects.get(pk=region_id))

    def _n(self, row) -> int:
        return row.within if self.within else row.located

    def total(self, level, region_id, period) -> int:
        return self._n(self._circle(region_id).total)

    def by(self, level, region_id, period, child) -> dict[int, int]:
        from regions.models import Region

        rows = self._circle(region_id).rows
        if child == ind.VILLAGE:
            return {r.region_id: self._n(r) for r in rows if self._n(r)}
        townships = dict(Region.objects.filter(pk__in=[r.region_id for r in rows]).values_list("pk", "township_id"))
        out: dict[int, int] = {}
        for r in rows:
            if self._n(r):
                out[townships[r.region_id]] = out.get(townships[r.region_id], 0) + self._n(r)
        return out

    def monthly(self, level, region_id, period) -> int:
        return self.total(level, region_id, period)


LEVELS = (ind.COUNTY, ind.TOWNSHIP, ind.VILLAGE)

MADE = Q(flow=DOORSTEP.name)
COMPLETED = MADE & Q(completed_at__isnull=False)


def _made(q: Q) -> ind.Measure:
    """The requests made in the period (``opened_at``, as the figures page counts them) matching ``q``."""
    return ind.Measure(ServiceRequest, date="opened_at", filter=q)


INDICATORS: list[ind.Indicator] = [
    ind.Indicator(
        key="doorstep.requests",
        module=MODULE,
        name=_("Service requests made"),
        definition=_(
            "The service requests (办件) made in the period — by the day the request was made, filed by the villager "
            "or by an agent on their behalf — for items of any level (village, township, county), whatever has "
            "become of them since (declined and withdrawn ones included). The same count as 办件量 on the figures "
            "page of services on the doorstep."
        ),
        numerator=_made(MADE),
        numerator_label=_("requests made"),
        unit=ind.COUNT,
        levels=LEVELS,
        order=400,
    ),
    ind.Indicator(
        key="doorstep.on_time",
        module=MODULE,
        name=_("On-time completion rate"),
        definition=_(
            "Of the service requests made in the period (by the day made) that the handler has completed (办结), the "
            "share completed by their deadline: the item's time limit in working days, counted from when the "
            "request was taken (or from the redo when the villager sent it back). Requests still open are in "
            "neither figure. The same definition as the figures page."
        ),
        numerator=_made(COMPLETED & Q(completed_on_time=True)),
        denominator=_made(COMPLETED),
        numerator_label=_("completed on time"),
        denominator_label=_("completed"),
        levels=LEVELS,
        order=410,
    ),
    ind.Indicator(
        key="doorstep.in_village",
        module=MODULE,
        name=_("Share done inside the village (小事不出村)"),
        definition=_(
            "Of the service requests made in the period (by the day made) that have been completed, the share for "
            "village-level items completed without being handed to an office upstream (the villager did not have "
            "to go to the township or county). The same definition as the figures page."
        ),
        numerator=_made(COMPLETED & Q(level=Level.VILLAGE, went_upstream=False)),
        denominator=_made(COMPLETED),
        numerator_label=_("done inside the village"),
        denominator_label=_("completed"),
        levels=LEVELS,
        order=420,
    ),
    ind.Indicator(
        key="doorstep.satisfaction",
        module=MODULE,
        name=_("Satisfaction rate"),
        definition=_(
            "Of the service requests made in the period (by the day made) that carry a rating — the villager's own, "
            "or the answer at the monthly revisit — the share whose latest rating is satisfied or basically "
            "satisfied. A request sent back to be redone keeps its 'not satisfied' until it is rated again. The "
            "same definition as the figures page."
        ),
        numerator=_made(MADE & Q(rating__in=SATISFIED)),
        denominator=_made(MADE & ~Q(rating="")),
        numerator_label=_("satisfied or basically satisfied"),
        denominator_label=_("rated"),
        levels=LEVELS,
        order=430,
    ),
    ind.Indicator(
        key="doorstep.within_15_minutes",
        module=MODULE,
        name=_("Households within 15 minutes of a service point"),
        definition=_(
            "Of the households placed on the map, the share within a 15 minutes' walk (4 km/h, a straight line of "
            "about 770 m with the detour factor 1.3) of a service point in use — a village's service room or a "
            "township's centre, in any village of the county. A figure of now, the same whatever the period; "
            "households not placed on the map are in neither figure. The same as the 15-minute circle page."
        ),
        numerator=WithinWalk(within=True),
        denominator=WithinWalk(within=False),
        numerator_label=_("households within the walk"),
        denominator_label=_("households placed on the map"),
        levels=LEVELS,
        public=True,
        order=440,
    ),
]
