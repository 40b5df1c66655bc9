"""The one map's service-point layer (core.plugins.MapLayer): the service points in use in a place, each with the
circle of a 15 minutes' walk around it (the straight-line radius doorstep.circle counts households within)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core import maps
from doorstep.circle import DEFAULT_MINUTES, DETOUR_FACTOR, WALKING_SPEED_KMH, walk_metres
from doorstep.models import ServicePoint


def service_point_layer(actor, region) -> list[dict]:
    radius = round(walk_metres(DEFAULT_MINUTES, WALKING_SPEED_KMH) / DETOUR_FACTOR)
    points = ServicePoint.objects.filter(
        **{f"{region.level}_id": region.pk}, active=True, latitude__isnull=False, longitude__isnull=False
    ).order_by("name")
    return [
        maps.feature(
            maps.point(p.latitude, p.longitude),
            kind="place",
            radius=radius,
            color="#2e7d32",
            label=_("%(name)s (%(hours)s); within %(minutes)s minutes' walk: %(radius)s m around")
            % {"name": p.name, "hours": p.hours or "—", "minutes": DEFAULT_MINUTES, "radius": radius},
        )
        for p in points
    ]
