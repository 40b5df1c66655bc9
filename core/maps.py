"""Maps: the tile settings for templates and small builders of the GeoJSON that static/core/map.js draws.

The widget (templates/core/_map.html + static/core/map.js) fetches a FeatureCollection whose features carry
``properties.kind``: ``"grid"`` (a polygon: label, url) or ``"case"`` (a point: label, state_label, color, url).
"""

from __future__ import annotations

from django.conf import settings

# Coordinates of a place in China (WGS-84 / GCJ-02 as a phone gives them), the South China Sea islands included:
# the ranges the platform accepts for a household, a service point or a report.
LATITUDE_RANGE = (3.0, 54.0)
LONGITUDE_RANGE = (73.0, 136.0)


def in_china(latitude: float | None, longitude: float | None) -> dict[str, str]:
    """What is wrong with a pair of coordinates (both blank, or both inside the ranges): {field: message}."""
    from django.utils.translation import gettext as _

    if (latitude is None) != (longitude is None):
        return {"latitude": _("Give both latitude and longitude, or neither.")}
    errors = {}
    if latitude is not None and not LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]:
        errors["latitude"] = _("The latitude is outside China.")
    if longitude is not None and not LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]:
        errors["longitude"] = _("The longitude is outside China.")
    return errors


def map_settings(request) -> dict:
    """Context processor: the tile layer every map uses (empty URL: no tiles, only the platform's own shapes)."""
    return {
        "map_tile_url": getattr(settings, "MAP_TILE_URL", ""),
        "map_tile_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
    }


def feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point(lat: float, lng: float) -> dict:
    """A GeoJSON Point (GeoJSON puts longitude first)."""
    return {"type": "Point", "coordinates": [float(lng), float(lat)]}


def feature_collection(features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}
