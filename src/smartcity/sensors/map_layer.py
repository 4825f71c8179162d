"""The public "sensors" layer of the city map: each public Thing with a Location, with the
latest value of each of its public Datastreams in the Feature's properties.

Two queries whatever the number of Things: the Things' Locations, and the Datastreams with
their latest Observation picked by correlated ``LIMIT 1`` subqueries on the
(datastream, phenomenon_time_start) index — the same lookup as ``Datastreams/$latest``.
"""

from django.db.models import OuterRef, Subquery
from django.utils.formats import number_format
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


def _latest(thing_ids):
    latest = Observation.objects.filter(datastream_id=OuterRef("pk")).order_by(
        "-phenomenon_time_start"
    )
    columns = ("phenomenon_time_start", "result_kind", "result_number", "result_string")
    annotations = {f"latest_{name}": Subquery(latest.values(name)[:1]) for name in columns}
    return (
        Datastream.objects.filter(thing_id__in=thing_ids, is_public=True)
        .annotate(**annotations)
        .order_by("thing_id", "name")
        .values("thing_id", "name", "unit_of_measurement", *annotations)
    )


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


def features(city, filters=None) -> list[dict]:
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
