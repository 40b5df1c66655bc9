"""Reads of the county's service catalogue, each scoped to the actor: everyone who works or lives in the county with
any doorstep action (villagers included) or serves it as an agent reads its catalogue; retired items, inactive
bundles and retired certificate kinds only its administrators (doorstep.catalogue keeps the writes)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core import scope
from core.errors import NotFound
from core.roles import Action
from doorstep.models import Agent, Bundle, Category, CertificateKind, Item, ItemVersion, Level
from regions.models import Region, RegionLevel

READ_ACTIONS = (Action.SERVICE_APPLY, Action.SERVICE_HANDLE, Action.SERVICE_FIGURES, Action.SERVICE_CONFIGURE)
STATUSES = ("current", "retired", "all")

# -- who reads and who keeps the catalogue --------------------------------------------------------------------------


def reading_county_ids(actor) -> list[int]:
    """The counties whose catalogue the actor reads: where a role of theirs holds a doorstep action, and where they
    serve as an agent (a grid worker's account may hold no doorstep role)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    ids: dict[int, None] = {}
    for action in READ_ACTIONS:
        ids.update(dict.fromkeys(scope.county_ids(actor, action)))
    ids.update(dict.fromkeys(Agent.objects.filter(user_id=actor.pk, active=True).values_list("county_id", flat=True)))
    return list(ids)


def home_village(actor):
    """The one village the actor lives or works in (a villager, a village cadre, an agent serving one village):
    the printed guide is that village's; None when there are several or none."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    ids = {g.village_id for action in READ_ACTIONS for g in scope.grants_for(actor, action) if g.village_id}
    if not ids:
        ids = set(
            Agent.objects.filter(user_id=actor.pk, active=True)
            .values_list("villages", flat=True)
            .exclude(villages=None)
        )
    if len(ids) != 1:
        return None
    return Region.objects.filter(pk=ids.pop()).first()


def village_point(village):
    """The village's service room (its address, hours and phone head the printed guide), or None."""
    from doorstep.models import ServicePoint

    if village is None:
        return None
    return ServicePoint.objects.filter(village=village, level=Level.VILLAGE, active=True).order_by("pk").first()


def may_read(actor) -> bool:
    return bool(reading_county_ids(actor))


def reading_counties(actor) -> QuerySet:
    return Region.objects.filter(pk__in=reading_county_ids(actor), level=RegionLevel.COUNTY).order_by("code")


def managed_county_ids(actor) -> list[int]:
    """The counties whose catalogue the actor keeps (a county administrator's county)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    return scope.targets(actor, "county", Action.SERVICE_CONFIGURE)


def managed_counties(actor) -> QuerySet:
    return Region.objects.filter(pk__in=managed_county_ids(actor), level=RegionLevel.COUNTY).order_by("code")


def may_configure(actor, county) -> bool:
    return (
        county is not None
        and county.level == RegionLevel.COUNTY
        and scope.region_in_scope(actor, Action.SERVICE_CONFIGURE, county)
    )


def require_county(actor, county) -> Region:
    if not may_configure(actor, county):
        raise NotFound()
    return county


# -- reads ------------------------------------------------------------------------------------------------------


def in_force_q(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}admitted_on__lte": day}) & (
        Q(**{f"{prefix}retired_on__isnull": True}) | Q(**{f"{prefix}retired_on__gt": day})
    )


def items(
    actor,
    county=None,
    *,
    level: str = "",
    category: str = "",
    text: str = "",
    status: str = "current",
    day: date | None = None,
) -> QuerySet:
    """The catalogue of the actor's counties (or of ``county``), by level, category and a text in the name, code,
    notes or upstream office. ``status``: "current" (in force on ``day``, default today: what everyone sees),
    "retired" or "all" (the items not in force show only in counties the actor keeps)."""
    day = day or timezone.localdate()
    qs = Item.objects.filter(county_id__in=reading_county_ids(actor), current__isnull=False).select_related(
        "current", "certificate"
    )
    if county is not None:
        qs = qs.filter(county_id=getattr(county, "pk", county))
    if level in Level.values:
        qs = qs.filter(current__level=level)
    if category in Category.values:
        qs = qs.filter(current__category=category)
    text = (text or "").strip()[:80]
    if text:
        qs = qs.filter(
            Q(current__name__icontains=text)
            | Q(code__icontains=text)
            | Q(current__notes__icontains=text)
            | Q(current__upstream_office__icontains=text)
        )
    managed = managed_county_ids(actor)
    if status == "retired":
        qs = qs.filter(~in_force_q(day), county_id__in=managed)
    elif status == "all":
        qs = qs.filter(in_force_q(day) | Q(county_id__in=managed))
    else:
        qs = qs.filter(in_force_q(day))
    return qs.order_by("county_id", "order", "code")


def item_for(actor, pk, *, day: date | None = None) -> Item:
    """One item of the actor's catalogue; NotFound when missing, elsewhere, or (for all but its county's
    administrators) not in force."""
    found = scope.fetch(items(actor, status="all", day=day), pk)
    return found


def versions(item: Item) -> QuerySet:
    return ItemVersion.objects.filter(item=item).select_related("created_by").order_by("-number")


def bundles(actor, county=None, *, status: str = "current") -> QuerySet:
    """The "一件事一次办" bundles of the actor's counties with their items (in catalogue order); the inactive ones
    only for the county's administrators (``status="all"``)."""
    qs = Bundle.objects.filter(county_id__in=reading_county_ids(actor))
    if county is not None:
        qs = qs.filter(county_id=getattr(county, "pk", county))
    if status == "all":
        qs = qs.filter(Q(active=True) | Q(county_id__in=managed_county_ids(actor)))
    else:
        qs = qs.filter(active=True)
    listed = Item.objects.select_related("current").order_by("order", "code")
    return qs.prefetch_related(Prefetch("items", queryset=listed)).order_by("county_id", "code")


def bundle_for(actor, pk) -> Bundle:
    return scope.fetch(bundles(actor, status="all"), pk)


def certificate_kinds(actor, county=None, *, status: str = "current", day: date | None = None) -> QuerySet:
    """The county's list of certificates a village may issue; retired kinds only for its administrators."""
    day = day or timezone.localdate()
    qs = CertificateKind.objects.filter(county_id__in=reading_county_ids(actor))
    if county is not None:
        qs = qs.filter(county_id=getattr(county, "pk", county))
    if status == "all":
        qs = qs.filter(in_force_q(day) | Q(county_id__in=managed_county_ids(actor)))
    else:
        qs = qs.filter(in_force_q(day))
    return qs.order_by("county_id", "code")


def guide(rows) -> list[dict]:
    """The service guide (办事指南): the items grouped by level (village, township, county) and, inside a level,
    by category, in the catalogue's order."""
    levels: dict[str, dict[str, list]] = {value: {} for value in Level.values}
    for item in rows:
        levels[item.current.level].setdefault(item.current.category, []).append(item)
    labels = dict(Level.choices)
    category_labels = dict(Category.choices)
    category_order = {value: i for i, value in enumerate(Category.values)}
    out = []
    for level, groups in levels.items():
        if not groups:
            continue
        out.append(
            {
                "level": level,
                "label": labels[level],
                "count": sum(len(g) for g in groups.values()),
                "categories": [
                    {"category": c, "label": category_labels[c], "items": groups[c]}
                    for c in sorted(groups, key=lambda c: category_order.get(c, 99))
                ],
            }
        )
    return out
