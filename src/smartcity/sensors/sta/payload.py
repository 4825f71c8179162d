"""Checking request bodies property by property, naming the entity and field that is wrong."""

import orjson
from django.utils import timezone

from smartcity.sensors.services import NewObservation
from smartcity.sensors.sta.errors import bad_request
from smartcity.sensors.sta.geo import validate_geojson
from smartcity.sensors.times import parse_instant, parse_interval

CONTROL_KEYS = {"@iot.id", "@iot.selfLink", "id"}


def load_json(raw: bytes):
    if not raw:
        raise bad_request("the request body is empty; expected JSON")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise bad_request(f"the request body is not valid JSON: {error}") from None


def column_values(entity, data: dict, partial: bool) -> dict:
    """Model field values for the entity's plain properties in ``data`` (validated)."""
    values = {}
    for key in data:
        if key in CONTROL_KEYS or key in entity.rel_map or key.endswith("@iot.navigationLink"):
            continue
        prop = entity.prop_map.get(key)
        if prop is None:
            raise bad_request(f"{entity.name} has no property {key!r}", key)
        if prop.read_only:
            raise bad_request(f"{entity.name}.{key} is computed by the server", key)
    for prop in entity.props:
        field = f"{entity.name}.{prop.name}"
        if prop.name not in data:
            if prop.required and not partial and prop.kind != "result":
                raise bad_request(f"{field} is required", prop.name)
            continue
        value = data[prop.name]
        if prop.kind == "text":
            if not isinstance(value, str):
                raise bad_request(f"{field} must be a string", prop.name)
            values[prop.column] = value
        elif prop.kind == "json":
            if (
                prop.name in ("properties", "parameters")
                and value is not None
                and not isinstance(value, dict)
            ):
                raise bad_request(f"{field} must be a JSON object", prop.name)
            if prop.name == "unitOfMeasurement" and not isinstance(value, dict):
                raise bad_request(
                    f"{field} must be an object (name, symbol, definition)", prop.name
                )
            if prop.name in ("unitOfMeasurements", "multiObservationDataTypes") and (
                not isinstance(value, list) or not value
            ):
                raise bad_request(f"{field} must be a non-empty array", prop.name)
            values[prop.column] = value
        elif prop.kind == "geo":
            validate_geojson(value, prop.name)
            values[prop.column] = value
        elif prop.kind == "time":
            values[prop.column] = None if value is None else parse_instant(value, prop.name)
        elif prop.kind == "interval":
            if value is None:
                values[f"{prop.column}_start"] = values[f"{prop.column}_end"] = None
            else:
                start, end = parse_interval(value, prop.name)
                values[f"{prop.column}_start"], values[f"{prop.column}_end"] = start, end
        elif prop.kind == "result":
            values["result"] = value
    return values


def new_observation(data: dict) -> NewObservation:
    """An Observation body (without its links) turned into what the service stores."""
    from smartcity.sensors.sta.entities import OBSERVATION

    if not isinstance(data, dict):
        raise bad_request("an Observation must be a JSON object")
    if "result" not in data:
        raise bad_request("Observation.result is required", "result")
    values = column_values(OBSERVATION, data, partial=True)
    start = values.get("phenomenon_time_start")
    if start is None:
        start = timezone.now()  # §10.2: the server sets phenomenonTime when it is missing
    return NewObservation(
        phenomenon_time_start=start,
        phenomenon_time_end=values.get("phenomenon_time_end"),
        result=values["result"],
        result_time=values.get("result_time"),
        valid_time_start=values.get("valid_time_start"),
        valid_time_end=values.get("valid_time_end"),
        result_quality=values.get("result_quality"),
        parameters=values.get("parameters"),
    )


def link_id(value, field: str) -> int | None:
    """The id of a ``{"@iot.id": n}`` link, or None when ``value`` is a new entity."""
    if not isinstance(value, dict):
        raise bad_request(f"{field} must be a JSON object", field)
    if "@iot.id" not in value:
        return None
    raw = value["@iot.id"]
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
        raise bad_request(f"{field}: @iot.id must be a whole number", field)
    return int(raw)
