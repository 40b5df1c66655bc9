"""The one map's household layer (core.plugins.MapLayer), for staff who may read the registry: on a village's map
only (a county's 100,000 households are not a map layer), the households placed on the map, each with its number
and the head's masked name, linking to the household's page (PIPL: what the page would show them anyway)."""

from __future__ import annotations

from django.urls import reverse

from core import maps
from core.masking import mask_name
from registry.selectors import placed_households

MAX_HOUSEHOLDS = 2000


def household_layer(actor, region) -> list[dict]:
    if region.level != "village":
        return []
    rows = (
        placed_households(actor, region.pk)
        .order_by("number")
        .values("pk", "number", "head_name", "latitude", "longitude")[:MAX_HOUSEHOLDS]
    )
    return [
        maps.feature(
            maps.point(r["latitude"], r["longitude"]),
            kind="household",
            color="#6d4c41",
            label=f"{r['number']} {mask_name(r['head_name'])}",
            url=reverse("registry:household_detail", args=[r["pk"]]),
        )
        for r in rows
    ]
