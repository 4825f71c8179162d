"""Spatial functions of ``$filter``, evaluated with shapely.

The database has no spatial extension (SQLite by default, PostgreSQL without PostGIS), so a
spatial predicate is evaluated over the table that holds the geometries (Locations,
FeaturesOfInterest, Datastream.observedArea — small tables next to Observations) and turned
into an ``id IN (…)`` condition the database applies to the rest of the query. Coordinates are
WGS 84 degrees; ``geo.distance`` and ``geo.length`` are planar, in degrees, as in FROST-Server
on a geometry column.
"""

from shapely import wkt
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from smartcity.sensors.sta.errors import bad_request


def from_wkt(text: str, field: str = "$filter") -> BaseGeometry:
    try:
        return wkt.loads(text)
    except Exception:  # noqa: BLE001 - shapely raises several kinds
        raise bad_request(f"not a WKT geometry: {text!r}", field) from None


def from_geojson(value) -> BaseGeometry | None:
    if not isinstance(value, dict):
        return None
    if value.get("type") == "Feature":
        value = value.get("geometry")
    try:
        return shape(value)
    except Exception:  # noqa: BLE001 - stored non-geometries simply never match
        return None


def _relate(first, second, pattern):
    return first.relate_pattern(second, pattern)


# name → (arity, function(geometry, geometry[, pattern]))
PREDICATES = {
    "geo.intersects": lambda a, b: a.intersects(b),
    "st_equals": lambda a, b: a.equals(b),
    "st_disjoint": lambda a, b: a.disjoint(b),
    "st_touches": lambda a, b: a.touches(b),
    "st_within": lambda a, b: a.within(b),
    "st_overlaps": lambda a, b: a.overlaps(b),
    "st_crosses": lambda a, b: a.crosses(b),
    "st_intersects": lambda a, b: a.intersects(b),
    "st_contains": lambda a, b: a.contains(b),
}
MEASURES = {
    "geo.distance": lambda a, b: a.distance(b),
    "geo.length": lambda a: a.length,
}


def validate_geojson(value, field: str) -> None:
    """Reject anything that is not a GeoJSON geometry or Feature (400 naming the field)."""
    if not isinstance(value, dict) or "type" not in value:
        raise bad_request(f"{field} must be a GeoJSON object with a type", field)
    geometry = from_geojson(value)
    if geometry is None or geometry.is_empty:
        raise bad_request(f"{field} is not a valid GeoJSON geometry", field)
    min_x, min_y, max_x, max_y = geometry.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise bad_request(f"{field}: coordinates must be WGS 84 longitude/latitude", field)
