"""Maps: the tile settings for templates and small builders of the GeoJSON that static/core/map.js draws.

The widget (templates/core/_map.html + static/core/map.js) fetches a FeatureCollection whose features carry
``properties.kind``: ``"grid"`` (a polygon: label, url) or ``"case"`` (a point: label, state_label, color, url).
"""

from __future__ import annotations

from django.conf import settings


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
