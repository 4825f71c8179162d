"""The map's query: validated filters → Features from every registered layer."""

from dataclasses import dataclass, field

import orjson
from django.utils.translation import gettext as _

from smartcity.core.models import City
from smartcity.core.registries import MapFilters, map_layers
from smartcity.portfolio.models import ProjectKind
from smartcity.portfolio.services import maplookups

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


MULTI_KEYS = ("action_field", "kind", "status", "district", "partner")
MAX_VALUES = 20
# A layer reading one value per filter is asked once per combination: keep that bounded.
MAX_COMBINATIONS = 100


def _values(params, name) -> list[str]:
    """Every value given for ``name`` (repeated parameters), stripped, without repeats."""
    raw = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    return list(dict.fromkeys(value.strip() for value in raw if value and value.strip()))


def _unknown(known, wanted) -> list[str]:
    return [value for value in wanted if value not in known]


def parse(params, city: City | None = None) -> MapQuery:
    """Check the map parameters (from a query string or a form); raise FilterError.

    ``action_field``, ``kind``, ``status``, ``district`` and ``partner`` may be repeated
    (``?status=planned&status=pilot``): an item matches one of the values.
    """
    errors: dict[str, list[str]] = {}
    lookups = maplookups.snapshot()

    def value(name):
        return (params.get(name) or "").strip()

    if city is None and value("city"):
        city = lookups.city(value("city"))
        if city is None:
            errors["city"] = [_("Unbekannte Stadt.")]
    layers = ordered_layers()
    wanted = [name.strip() for text in _values(params, "layer") for name in text.split(",")]
    wanted = [name for name in wanted if name]
    if wanted:
        unknown = [name for name in wanted if name not in map_layers]
        if unknown:
            errors["layer"] = [_("Unbekannte Ebene: %s") % ", ".join(unknown)]
        layers = [layer for layer in layers if layer.name in wanted]
    chosen = {key: _values(params, key) for key in MULTI_KEYS}
    for key, given in chosen.items():
        if len(given) > MAX_VALUES:
            errors[key] = [_("Höchstens %d Werte.") % MAX_VALUES]
    known_statuses = set().union(*(layer.statuses for layer in map_layers))
    problems = {
        "action_field": (
            lambda values: _unknown(lookups.action_fields(), values),
            _("Unbekanntes Handlungsfeld: %s"),
        ),
        "kind": (
            lambda values: [v for v in values if v not in ProjectKind.values],
            _("Unbekannte Art: %s"),
        ),
        "status": (
            lambda values: [v for v in values if v not in known_statuses],
            _("Unbekannter Stand: %s"),
        ),
        "district": (
            lambda values: _unknown(lookups.districts(city), values),
            _("Unbekannter Stadtbezirk: %s"),
        ),
        "partner": (
            lambda values: _unknown(lookups.partners(), values),
            _("Unbekannte Partnerorganisation: %s"),
        ),
    }
    for key, (find_unknown, message) in problems.items():
        if chosen[key] and key not in errors:
            unknown = find_unknown(chosen[key])
            if unknown:
                errors[key] = [message % ", ".join(unknown)]
    combinations = 1
    for given in chosen.values():
        combinations *= max(len(given), 1)
    if combinations > MAX_COMBINATIONS:
        for key, given in chosen.items():
            if len(given) > 1:
                errors.setdefault(key, []).append(_("Zu viele Werte in mehreren Filtern zugleich."))
    values = {key: given[0] for key, given in chosen.items() if given}
    choices = tuple((key, tuple(given)) for key, given in chosen.items() if len(given) > 1)
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
    return MapQuery(city=city, layers=layers, filters=MapFilters(**values, choices=choices))


def layer_features(layer, query: MapQuery):
    """The layer's Features (dicts or JSON bytes). A layer that reads one value per filter
    is asked once per combination of the values; an item found twice is given once."""
    filters = query.filters
    if layer.multi_value or not filters.choices:
        yield from layer.features(query.city, filters)
        return
    seen = set()
    for single in filters.combinations():
        for feature in layer.features(query.city, single):
            data = orjson.loads(feature) if isinstance(feature, bytes) else feature
            properties = data.get("properties") or {}
            key = data.get("id") or (properties.get("layer"), properties.get("id"))
            if key not in seen:
                seen.add(key)
                yield feature


def feature_parts(query: MapQuery):
    """Each applicable layer's Features as JSON bytes, layer by layer."""
    for layer in query.layers:
        if not layer.applies_to(query.filters):
            continue
        for feature in layer_features(layer, query):
            yield feature if isinstance(feature, bytes) else orjson.dumps(feature)


def feature_collection(query: MapQuery) -> bytes:
    """The GeoJSON document; layers with a ``features_json`` fast path join in the database."""
    from smartcity.portfolio import layers as own_layers

    applicable = [layer for layer in query.layers if layer.applies_to(query.filters)]
    # The portfolio's own layers come from one index: asked together, in one query.
    own = [layer.name for layer in applicable if own_layers.OWN.get(layer.name) is layer]
    prefetched = own_layers.entries_json_many(own, query.city, query.filters) if own else {}
    parts = []
    for layer in applicable:
        if layer.name in prefetched:
            parts.extend(piece for piece in prefetched[layer.name] if piece)
            continue
        if layer.features_json is not None and (layer.multi_value or not query.filters.choices):
            joined = layer.features_json(query.city, query.filters)
            if isinstance(joined, bytes):
                joined = [joined]
            parts.extend(piece for piece in joined if piece)
            continue
        for feature in layer_features(layer, query):
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
            for feature in layer_features(layer, query)
        ]
        items.sort(key=lambda item: str(item["properties"].get("title") or "").casefold())
        found.extend(items)
    return found
