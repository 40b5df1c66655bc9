"""Grid boundaries: GeoJSON polygons (WGS-84 lng/lat) checked and compared with shapely."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.validation import explain_validity


def parse_polygon(value) -> dict | None:
    """Accept a GeoJSON Polygon (dict or text) and return it normalised; raise ValueError in Chinese."""
    if value in (None, "", {}):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(_("The boundary is not valid GeoJSON.")) from None
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") != "Polygon" or not value.get("coordinates"):
        raise ValueError(_("The boundary must be a GeoJSON Polygon."))
    try:
        geom = shape(value)
    except (ValueError, TypeError, IndexError, AttributeError):
        raise ValueError(_("The boundary is not valid GeoJSON.")) from None
    if geom.is_empty or len(value["coordinates"][0]) < 4:
        raise ValueError(_("A boundary needs at least three distinct points."))
    if not geom.is_valid:
        raise ValueError(_("The boundary crosses itself: %(reason)s") % {"reason": explain_validity(geom)})
    minx, miny, maxx, maxy = geom.bounds
    if not (73 <= minx and maxx <= 136 and 3 <= miny and maxy <= 54):
        raise ValueError(_("The boundary lies outside China (give longitude first, then latitude)."))
    return {
        "type": "Polygon",
        "coordinates": [[[float(x), float(y)] for x, y, *_rest in ring] for ring in value["coordinates"]],
    }


def centroid(polygon: dict) -> tuple[float, float]:
    """(lat, lng) of the polygon's centroid."""
    c = shape(polygon).centroid
    return c.y, c.x


def overlaps(polygon: dict, others: list[tuple[str, dict]]) -> list[str]:
    """Names of the other polygons that share area with this one (touching edges are fine)."""
    geom = shape(polygon)
    found = []
    for name, other in others:
        if other and geom.intersection(shape(other)).area > 1e-12:
            found.append(name)
    return found


def contains(polygon: dict, lat: float, lng: float) -> bool:
    return shape(polygon).covers(Point(lng, lat))


def outline(polygons: list[dict], *, tolerance: float = 0.0003) -> dict | None:
    """The outline of an area made of grids: their union, simplified (``tolerance`` in degrees, ~30 m), as a
    GeoJSON Polygon or MultiPolygon; None when none has a boundary."""
    from shapely.geometry import mapping
    from shapely.ops import unary_union

    shapes = [shape(p) for p in polygons if p]
    if not shapes:
        return None
    merged = unary_union([s.buffer(0) for s in shapes]).simplify(tolerance, preserve_topology=True)
    if merged.is_empty:
        return None
    return json.loads(json.dumps(mapping(merged)))  # tuples → lists
