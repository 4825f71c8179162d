"""GeoJSON geometry helpers on top of shapely (WGS 84 longitude/latitude)."""

import json
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

AREA_TYPES = {"Polygon", "MultiPolygon"}


def to_shape(geojson: dict) -> BaseGeometry:
    """Turn a GeoJSON geometry (or a Feature holding one) into a shapely geometry."""
    if not isinstance(geojson, dict):
        raise ValidationError(_("Eine Geometrie muss ein GeoJSON-Objekt sein."))
    if geojson.get("type") == "Feature":
        geojson = geojson.get("geometry") or {}
    try:
        return shape(geojson)
    except Exception as error:  # shapely raises several kinds for malformed input
        raise ValidationError(
            _("Ungültige GeoJSON-Geometrie: %(error)s"), params={"error": error}
        ) from error


def validate_area(geojson: dict) -> None:
    """Model-field validator: a valid Polygon or MultiPolygon in WGS 84."""
    if geojson is None:
        return
    if not isinstance(geojson, dict) or geojson.get("type") not in AREA_TYPES:
        raise ValidationError(_("Erwartet wird ein GeoJSON-Polygon oder -Multipolygon."))
    area = to_shape(geojson)
    if area.is_empty or not area.is_valid:
        raise ValidationError(_("Das Polygon ist leer oder überschneidet sich selbst."))
    min_x, min_y, max_x, max_y = area.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise ValidationError(_("Koordinaten müssen Längen- und Breitengrade (WGS 84) sein."))


@lru_cache(maxsize=256)
def _prepared(geojson_text: str) -> PreparedGeometry:
    return prep(to_shape(json.loads(geojson_text)))


def prepared_area(geojson: dict) -> PreparedGeometry:
    """The prepared polygon for repeated point tests, cached by its content."""
    return _prepared(json.dumps(geojson, sort_keys=True))


def prepared_contains(prepared: PreparedGeometry, longitude: float, latitude: float) -> bool:
    """Inside or on the border (for a point, "intersects" is exactly that)."""
    return prepared.intersects(Point(longitude, latitude))


def area_contains(geojson: dict, longitude: float, latitude: float) -> bool:
    """Point-in-polygon test; the prepared polygon is cached by its content."""
    return prepared_contains(prepared_area(geojson), longitude, latitude)
