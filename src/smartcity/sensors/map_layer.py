"""The public "sensors" layer of the city map: each public Thing with a Location, with the
latest value of each of its public Datastreams in the Feature's properties.

Two queries whatever the number of Things: the Things' Locations, and the Datastreams with
their latest Observation picked by a ``LIMIT 1`` lookup on the (datastream,
phenomenon_time_start) index — the same lookup as ``Datastreams/$latest`` (on PostgreSQL one
LATERAL join, elsewhere correlated subqueries).

The values change with every Observation, so a version stamp would never hold still while
sensors report; the layer is kept for ``SENSORS_MAP_CACHE_SECONDS`` (default 60, 0 = off)
per city, filters and language instead: a map shows values at most that much older than the
sensors' own reporting interval, and thousands of Things cost one lookup per minute.
"""

import hashlib

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from smartcity.core import registries
from smartcity.sensors.models import Datastream, Observation, ResultKind, Thing
from smartcity.sensors.times import format_instant

LAYER_NAME = "sensors"
MAX_FEATURES = 5000


def _point(geometry):
    """(lon, lat) of a GeoJSON Point (or a Feature holding one), else None."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    coordinates = geometry.get("coordinates") or []
    if len(coordinates) < 2:
        return None
    return float(coordinates[0]), float(coordinates[1])


def _things(city, filters):
    """{thing id: (name, (lon, lat))} of public Things with a point Location (the first)."""
    through = Thing.locations.through
    rows = through.objects.filter(thing__is_public=True)
    if filters is not None and filters.q:
        rows = rows.filter(thing__name__icontains=filters.q)
    found = {}
    for thing_id, name, location in rows.order_by("thing_id", "location_id").values_list(
        "thing_id", "thing__name", "location__location"
    ):
        if thing_id in found:
            continue
        point = _point(location)
        if point is None:
            continue
        if filters is not None and not filters.bbox_contains(*point):
            continue
        if city is not None and not city.contains(point[0], point[1]):
            continue
        found[thing_id] = (name, point)
        if len(found) >= MAX_FEATURES:
            break
    return found


LATEST_COLUMNS = ("phenomenon_time_start", "result_kind", "result_number", "result_string")
ROW_COLUMNS = ("thing_id", "name", "unit_of_measurement")


def _latest(thing_ids):
    """Rows of the public Datastreams of these Things with their latest Observation."""
    if connection.vendor == "postgresql":
        return _latest_lateral(thing_ids)
    latest = Observation.objects.filter(datastream_id=OuterRef("pk")).order_by(
        "-phenomenon_time_start"
    )
    annotations = {f"latest_{name}": Subquery(latest.values(name)[:1]) for name in LATEST_COLUMNS}
    return (
        Datastream.objects.filter(thing_id__in=thing_ids, is_public=True)
        .annotate(**annotations)
        .order_by("thing_id", "name")
        .values(*ROW_COLUMNS, *annotations)
    )


def _latest_lateral(thing_ids):
    """One index probe per Datastream instead of one per Datastream and column."""
    streams = Datastream._meta.db_table
    observations = Observation._meta.db_table
    latest = ", ".join(f"o.{name}" for name in LATEST_COLUMNS)
    sql = (
        f"SELECT d.thing_id, d.name, d.unit_of_measurement, {latest} FROM {streams} d "  # noqa: S608 - our table names
        f"LEFT JOIN LATERAL (SELECT {latest.replace('o.', '')} FROM {observations} "
        "WHERE datastream_id = d.id ORDER BY phenomenon_time_start DESC LIMIT 1) o ON true "
        "WHERE d.thing_id = ANY(%s) AND d.is_public ORDER BY d.thing_id, d.name"
    )
    names = [*ROW_COLUMNS, *(f"latest_{name}" for name in LATEST_COLUMNS)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(thing_ids)])
        rows = cursor.fetchall()
    found = [dict(zip(names, row, strict=True)) for row in rows]
    for row in found:  # the driver hands JSON columns over as text
        if isinstance(row["unit_of_measurement"], str):
            row["unit_of_measurement"] = orjson.loads(row["unit_of_measurement"])
    return found


def _reading(row) -> dict:
    kind = row["latest_result_kind"]
    value = None
    if kind == ResultKind.NUMBER:
        value = row["latest_result_number"]
    elif kind == ResultKind.STRING:
        value = row["latest_result_string"]
    unit = row["unit_of_measurement"] or {}
    time = row["latest_phenomenon_time_start"]
    return {
        "name": row["name"],
        "value": value,
        "unit": unit.get("symbol", "") if isinstance(unit, dict) else "",
        "time": format_instant(time) if time is not None else None,
    }


def _text(reading) -> str:
    value = reading["value"]
    if value is None:
        return f"{reading['name']}: –"
    if isinstance(value, float):
        value = number_format(value, decimal_pos=None if not value % 1 else 1)
    return f"{reading['name']}: {value} {reading['unit']}".rstrip()


def _cache_key(city, filters) -> str:
    parts = [
        getattr(city, "pk", None),
        getattr(filters, "q", None) or "",
        list(getattr(filters, "bbox", None) or ()),
        get_language() or "",
    ]
    digest = hashlib.sha256(orjson.dumps(parts)).hexdigest()[:32]
    return f"sensors:map-layer:{digest}"


def features(city, filters=None) -> list[dict]:
    """The layer's Features, from the cache while they are younger than the setting."""
    seconds = getattr(settings, "SENSORS_MAP_CACHE_SECONDS", 60)
    if not seconds:
        return fresh_features(city, filters)
    key = _cache_key(city, filters)
    cached = cache.get(key)
    if cached is not None:
        return orjson.loads(cached)
    found = fresh_features(city, filters)
    cache.set(key, orjson.dumps(found), seconds)
    return found


def fresh_features(city, filters=None) -> list[dict]:
    things = _things(city, filters)
    readings: dict[int, list[dict]] = {}
    for row in _latest(list(things)):
        readings.setdefault(row["thing_id"], []).append(_reading(row))
    result = []
    for thing_id, (name, (lon, lat)) in sorted(things.items(), key=lambda item: item[1][0]):
        values = readings.get(thing_id, [])
        result.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": f"sensor-thing-{thing_id}",
                    "layer": LAYER_NAME,
                    "title": name,
                    # The open interface: this Thing's Datastreams with their latest values.
                    "url": f"/sta/v1.1/Things({thing_id})/Datastreams/$latest",
                    "status_label": "; ".join(_text(reading) for reading in values)
                    or str(_("noch keine Messwerte")),
                    "readings": values,
                },
            }
        )
    return result


def register() -> None:
    registries.map_layers.register(
        LAYER_NAME,
        registries.MapLayer(
            name=LAYER_NAME,
            label=_("Sensoren (aktuelle Messwerte)"),
            features=features,
            filters=frozenset({"q", "bbox"}),
            order=70,
            visible_by_default=False,
            colour="#00695c",
        ),
    )
