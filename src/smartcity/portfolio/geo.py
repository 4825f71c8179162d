"""Locations of projects and places: GeoJSON point, line or area in WGS 84."""

import json

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
        raise ValidationError(_("Die Geometrie ist leer oder ungültig."), code="geometry")
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


MAX_VERTICES = 1000
KIND_TYPES = {
    "point": {"Point"},
    "line": {"LineString", "MultiLineString"},
    "area": {"Polygon", "MultiPolygon"},
}


def kind_of(geojson) -> str:
    """``point``, ``line``, ``area`` or ``citywide`` (no geometry)."""
    if not geojson:
        return "citywide"
    for kind, types in KIND_TYPES.items():
        if geojson.get("type") in types:
            return kind
    return "citywide"


def _vertex(text: str) -> list[float]:
    parts = text.replace(",", " ").split()
    if len(parts) != 2:
        raise ValueError(text)
    latitude, longitude = float(parts[0]), float(parts[1])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(text)
    return [round(longitude, 6), round(latitude, 6)]


def parse_location_text(text: str, kind: str) -> dict | None:
    """A line or area typed or filled in by the map picker: a GeoJSON geometry (or Feature),
    or one "latitude, longitude" pair per line. Raises ``ValidationError``."""
    text = (text or "").strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            geojson = json.loads(text)
        except ValueError as error:
            raise ValidationError(_("Das ist kein gültiges GeoJSON."), code="json") from error
        if isinstance(geojson, dict) and geojson.get("type") == "Feature":
            geojson = geojson.get("geometry")
    else:
        vertices = []
        for number, line in enumerate(text.replace(";", "\n").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                vertices.append(_vertex(line))
            except ValueError as error:
                raise ValidationError(
                    _(
                        "Zeile %(number)d ist kein Punkt: erwartet wird „Breitengrad, Längengrad“,"
                        " zum Beispiel „51.5136, 7.4653“."
                    ),
                    params={"number": number},
                    code="vertex",
                ) from error
        if kind == "point":
            geojson = {"type": "Point", "coordinates": vertices[0]} if len(vertices) == 1 else {}
        elif kind == "line":
            if len(vertices) < 2:
                raise ValidationError(
                    _("Eine Linie braucht mindestens zwei Punkte."), code="too_few"
                )
            geojson = {"type": "LineString", "coordinates": vertices}
        else:
            if len(vertices) < 3:
                raise ValidationError(
                    _("Eine Fläche braucht mindestens drei Punkte."), code="too_few"
                )
            if vertices[0] != vertices[-1]:
                vertices.append(vertices[0])
            geojson = {"type": "Polygon", "coordinates": [vertices]}
    validate_location(geojson)
    if kind_of(geojson) != kind:
        raise ValidationError(
            {
                "point": _("Erwartet wird ein Punkt."),
                "line": _("Erwartet wird eine Linie."),
                "area": _("Erwartet wird eine Fläche."),
            }.get(kind, _("Erwartet wird ein GeoJSON-Punkt, eine Linie oder eine Fläche.")),
            code="kind",
        )
    if _vertex_count(geojson["coordinates"]) > MAX_VERTICES:
        raise ValidationError(
            _("Höchstens %(max)d Punkte je Geometrie."), params={"max": MAX_VERTICES}, code="size"
        )
    return geojson


def _vertex_count(coordinates) -> int:
    if coordinates and isinstance(coordinates[0], (int, float)):
        return 1
    return sum(_vertex_count(part) for part in coordinates)


def location_text(geojson) -> str:
    """The editable text of a line or simple area: one "latitude, longitude" per line;
    other geometries as GeoJSON."""
    kind = kind_of(geojson)
    if kind == "line" and geojson["type"] == "LineString":
        vertices = geojson["coordinates"]
    elif kind == "area" and geojson["type"] == "Polygon" and len(geojson["coordinates"]) == 1:
        vertices = geojson["coordinates"][0][:-1]
    elif geojson:
        return json.dumps(geojson)
    else:
        return ""
    return "\n".join(f"{lat}, {lon}" for lon, lat, *_rest in vertices)
