"""Locations of projects and places: GeoJSON point, line or area in WGS 84."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartcity.core import geometry
from smartcity.core.services import district_for_point

LOCATION_TYPES = {"Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def validate_location(geojson) -> None:
    """Model-field validator: a valid point, line or area with longitude/latitude."""
    if geojson is None:
        return
    if not isinstance(geojson, dict) or geojson.get("type") not in LOCATION_TYPES:
        raise ValidationError(
            _("Erwartet wird ein GeoJSON-Punkt, eine Linie oder eine Fläche."), code="type"
        )
    shape = geometry.to_shape(geojson)
    if shape.is_empty or not shape.is_valid:
        raise ValidationError(_("Die Geometrie ist leer oder ungültig."), code="invalid")
    min_x, min_y, max_x, max_y = shape.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise ValidationError(_("Koordinaten müssen Längen- und Breitengrade (WGS 84) sein."))


def anchor(geojson) -> tuple[float, float] | None:
    """A representative (lon, lat) on the geometry: the point, mid-line or inside the area."""
    if not geojson:
        return None
    shape = geometry.to_shape(geojson)
    if shape.geom_type in ("LineString", "MultiLineString"):
        point = shape.interpolate(0.5, normalized=True)
    else:
        point = shape.representative_point()
    return point.x, point.y


def bounds(geojson) -> tuple[float, float, float, float] | None:
    if not geojson:
        return None
    if geojson.get("type") == "Point":  # the common case, without shapely
        longitude, latitude = geojson["coordinates"][:2]
        return longitude, latitude, longitude, latitude
    return tuple(geometry.to_shape(geojson).bounds)


def point(longitude: float, latitude: float) -> dict:
    return {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]}


def derive_district(cities, geojson):
    """The district of the first of ``cities`` containing the geometry's anchor."""
    where = anchor(geojson)
    if where is None:
        return None
    for city in cities:
        if city.contains(*where):
            district = district_for_point(city, *where)
            if district is not None:
                return district
    return None
