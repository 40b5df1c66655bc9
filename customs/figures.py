"""The yearly figures of weddings and funerals (the seeds report events, those within the limits and the money
saved), per village of the actor's area, computed from the events (never typed).

Definitions (shown on the page):
- declared: events declared for a day in the year, withdrawn ones left out;
- assessed: those assessed after the event; within the limits: assessed with no measure above the village's limits;
- declared late: declared fewer days ahead than the village asks (its notice days);
- money saved: for each assessed event with both figures, the cost the household expected when it declared less
  what it came to (never below zero), summed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.roles import Action
from customs.models import Event, EventKind
from regions.models import Region, RegionLevel

COLUMNS = [
    ("declared", gettext_lazy("Declared")),
    ("wedding", gettext_lazy("Weddings")),
    ("funeral", gettext_lazy("Funerals")),
    ("feast", gettext_lazy("Other feasts")),
    ("assessed", gettext_lazy("Assessed")),
    ("within", gettext_lazy("Within the limits")),
    ("breach", gettext_lazy("Above the limits")),
    ("late", gettext_lazy("Declared late")),
]


@dataclass
class Row:
    label: str
    counts: dict
    saved: Decimal = Decimal(0)
    region_id: int | None = None

    @property
    def within_rate(self):
        assessed = self.counts.get("assessed") or 0
        return None if not assessed else round(100 * self.counts.get("within", 0) / assessed, 1)


@dataclass
class Figures:
    year: int
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None


def villages_in_reach(actor):
    q = Q(pk__in=[])
    for action in (Action.CUSTOMS_FIGURES, Action.CUSTOMS_HANDLE):
        q |= scope.place_q(actor, action)
    return Region.objects.filter(q, level=RegionLevel.VILLAGE)


def figures(actor, year: int) -> Figures:
    villages = list(villages_in_reach(actor).select_related("township").order_by("code"))
    events = (
        Event.objects.filter(village__in=villages, event_date__year=year)
        .exclude(state="withdrawn")
        .values("village_id")
        .annotate(
            declared=Count("id"),
            wedding=Count("id", filter=Q(kind=EventKind.WEDDING)),
            funeral=Count("id", filter=Q(kind=EventKind.FUNERAL)),
            feast=Count("id", filter=Q(kind=EventKind.FEAST)),
            assessed=Count("id", filter=Q(state="assessed")),
            within=Count("id", filter=Q(state="assessed", result="within")),
            breach=Count("id", filter=Q(state="assessed", result="breach")),
            late=Count("id", filter=Q(declared_late=True)),
        )
    )
    by_village = {row.pop("village_id"): row for row in events}
    saved: dict[int, Decimal] = {}
    costs = Event.objects.filter(
        village__in=villages, event_date__year=year, state="assessed", budget__isnull=False, actual_cost__isnull=False
    ).values_list("village_id", "budget", "actual_cost")
    for village_id, budget, cost in costs:
        saved[village_id] = saved.get(village_id, Decimal(0)) + max(budget - cost, Decimal(0))
    result = Figures(year)
    empty = {key: 0 for key, _label in COLUMNS}
    for v in villages:
        counts = {**empty, **by_village.get(v.pk, {})}
        result.rows.append(Row(f"{v.township.name} · {v.name}", counts, saved.get(v.pk, Decimal(0)), v.pk))
    total = {key: sum(r.counts[key] for r in result.rows) for key, _label in COLUMNS}
    result.total = Row(_("Total"), total, sum((r.saved for r in result.rows), Decimal(0)))
    return result


def xlsx(result: Figures) -> bytes:
    from core.xlsx import Sheet, workbook

    heads = [
        _("Village"),
        *(str(label) for _key, label in COLUMNS),
        _("Share within the limits"),
        _("Money saved (yuan)"),
    ]
    rows = [
        [r.label, *(r.counts[key] for key, _label in COLUMNS), r.within_rate, float(r.saved)]
        for r in [*result.rows, result.total]
    ]
    caption = _("Weddings and funerals, %(year)s") % {"year": result.year}
    return workbook(Sheet(str(result.year), caption, heads, rows))
