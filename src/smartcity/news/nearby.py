"""What is near a point: every registered map layer's features within a radius, by distance."""

from __future__ import annotations

import math

import orjson
from shapely.geometry import Point, shape
from shapely.ops import nearest_points

from smartcity.core.registries import MapFilters, map_layers

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = 111_320.0


def haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lon: float, lat: float, radius: float) -> tuple[float, float, float, float]:
    dlat = radius / METRES_PER_DEGREE
    dlon = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def _distance(geometry: dict, lon: float, lat: float) -> tuple[float, float, float] | None:
    """Metres to the nearest point of ``geometry`` and that point's lon/lat."""
    if geometry.get("type") == "Point":
        glon, glat = geometry["coordinates"][:2]
    else:
        try:
            nearest = nearest_points(shape(geometry), Point(lon, lat))[0]
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        glon, glat = nearest.x, nearest.y
    return haversine(lon, lat, glon, glat), glon, glat


def nearby(lat: float, lon: float, radius: float, city=None, layers: set[str] | None = None):
    """Sorted by distance, then layer and id, so pages stay stable between requests."""
    filters = MapFilters(bbox=bbox_around(lon, lat, radius))
    found = []
    for layer in sorted(map_layers, key=lambda layer: (layer.order, layer.name)):
        if (layers and layer.name not in layers) or not layer.applies_to(filters):
            continue
        for feature in layer.features(city, filters):
            if isinstance(feature, bytes | bytearray | memoryview):
                feature = orjson.loads(feature)
            geometry = feature.get("geometry")
            if not geometry:
                continue  # city-wide items have no place to be near
            measured = _distance(geometry, lon, lat)
            if measured is None or measured[0] > radius:
                continue
            properties = feature.get("properties") or {}
            found.append(
                {
                    "layer": properties.get("layer", layer.name),
                    "id": str(properties.get("id", "")),
                    "title": str(properties.get("title", "")),
                    "url": properties.get("url") or "",
                    "distance_m": round(measured[0], 1),
                    "longitude": measured[1],
                    "latitude": measured[2],
                    "properties": properties,
                }
            )
    found.sort(key=lambda item: (item["distance_m"], item["layer"], item["id"]))
    return found
