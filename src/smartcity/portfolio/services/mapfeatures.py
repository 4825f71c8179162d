"""The map's query: validated filters → Features from every registered layer."""

from dataclasses import dataclass, field

import orjson
from django.utils.translation import gettext as _

from smartcity.core.models import City, District
from smartcity.core.registries import MapFilters, map_layers
from smartcity.portfolio.models import ActionField, Partner, ProjectKind

MAX_QUERY_LENGTH = 200


class FilterError(ValueError):
    """Bad filter values; ``fields`` maps each parameter to its problems."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(fields)
        self.fields = fields


@dataclass
class MapQuery:
    city: City | None
    layers: list = field(default_factory=list)
    filters: MapFilters = field(default_factory=MapFilters)


def ordered_layers():
    return sorted(map_layers, key=lambda layer: (layer.order, layer.name))


def _parse_bbox(text: str):
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError(_("Vier Zahlen erwartet: West,Süd,Ost,Nord."))
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
    except ValueError as error:
        raise ValueError(_("Vier Zahlen erwartet: West,Süd,Ost,Nord.")) from error
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValueError(_("West ≤ Ost und Süd ≤ Nord, in Längen- und Breitengraden."))
    return min_lon, min_lat, max_lon, max_lat


def parse(params, city: City | None = None) -> MapQuery:
    """Check the map parameters (from a query string or a form); raise FilterError."""
    errors: dict[str, list[str]] = {}

    def value(name):
        return (params.get(name) or "").strip()

    if city is None and value("city"):
        city = City.objects.filter(slug=value("city")).first()
        if city is None:
            errors["city"] = [_("Unbekannte Stadt.")]
    layers = ordered_layers()
    if value("layer"):
        wanted = [name.strip() for name in value("layer").split(",") if name.strip()]
        unknown = [name for name in wanted if name not in map_layers]
        if unknown:
            errors["layer"] = [_("Unbekannte Ebene: %s") % ", ".join(unknown)]
        layers = [layer for layer in layers if layer.name in wanted]
    values = {}
    if value("action_field"):
        if not ActionField.objects.filter(slug=value("action_field")).exists():
            errors["action_field"] = [_("Unbekanntes Handlungsfeld.")]
        values["action_field"] = value("action_field")
    if value("kind"):
        if value("kind") not in ProjectKind.values:
            errors["kind"] = [_("Unbekannte Art.")]
        values["kind"] = value("kind")
    if value("status"):
        known = set().union(*(layer.statuses for layer in map_layers))
        if value("status") not in known:
            errors["status"] = [_("Unbekannter Stand.")]
        values["status"] = value("status")
    if value("district"):
        districts = District.objects.filter(slug=value("district"))
        if city is not None:
            districts = districts.filter(city=city)
        if not districts.exists():
            errors["district"] = [_("Unbekannter Stadtbezirk.")]
        values["district"] = value("district")
    if value("partner"):
        if not Partner.objects.filter(slug=value("partner")).exists():
            errors["partner"] = [_("Unbekannte Partnerorganisation.")]
        values["partner"] = value("partner")
    if value("q"):
        if len(value("q")) > MAX_QUERY_LENGTH:
            errors["q"] = [_("Höchstens %d Zeichen.") % MAX_QUERY_LENGTH]
        values["q"] = value("q")
    if value("bbox"):
        try:
            values["bbox"] = _parse_bbox(value("bbox"))
        except ValueError as error:
            errors["bbox"] = [str(error)]
    if errors:
        raise FilterError(errors)
    return MapQuery(city=city, layers=layers, filters=MapFilters(**values))


def feature_parts(query: MapQuery):
    """Each applicable layer's Features as JSON bytes, layer by layer."""
    for layer in query.layers:
        if not layer.applies_to(query.filters):
            continue
        for feature in layer.features(query.city, query.filters):
            yield feature if isinstance(feature, bytes) else orjson.dumps(feature)


def feature_collection(query: MapQuery) -> bytes:
    """The GeoJSON document; layers with a ``features_json`` fast path join in the database."""
    parts = []
    for layer in query.layers:
        if not layer.applies_to(query.filters):
            continue
        if layer.features_json is not None:
            joined = layer.features_json(query.city, query.filters)
            if joined:
                parts.append(joined)
            continue
        for feature in layer.features(query.city, query.filters):
            parts.append(feature if isinstance(feature, bytes) else orjson.dumps(feature))
    return b'{"type":"FeatureCollection","features":[' + b",".join(parts) + b"]}"


def features(query: MapQuery) -> list[dict]:
    """The same Features as dicts (for the server-rendered list beside the map), layer by
    layer in the layers' order, each layer's by title."""
    found = []
    for layer in query.layers:
        if not layer.applies_to(query.filters):
            continue
        items = [
            orjson.loads(feature) if isinstance(feature, bytes) else feature
            for feature in layer.features(query.city, query.filters)
        ]
        items.sort(key=lambda item: str(item["properties"].get("title") or "").casefold())
        found.extend(items)
    return found
