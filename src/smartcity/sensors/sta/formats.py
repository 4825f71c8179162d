"""Extensions: ``CreateObservations`` and ``$resultFormat=dataArray`` (§14), GeoJSON and CSV."""

import csv
import io

import orjson
from django.http import HttpResponse
from django.utils import timezone

from smartcity.sensors import services
from smartcity.sensors.errors import SensorError
from smartcity.sensors.services import NewObservation
from smartcity.sensors.sta.entities import OBSERVATION
from smartcity.sensors.sta.errors import bad_request
from smartcity.sensors.sta.geo import from_geojson
from smartcity.sensors.sta.payload import link_id
from smartcity.sensors.sta.query import Options
from smartcity.sensors.sta.serialize import check_select, collection_page, ordered, property_value
from smartcity.sensors.times import parse_instant, parse_interval

DATA_ARRAY_COMPONENTS = (
    "id",
    "phenomenonTime",
    "resultTime",
    "result",
    "resultQuality",
    "validTime",
    "parameters",
)
WRITABLE_COMPONENTS = set(DATA_ARRAY_COMPONENTS) - {"id"} | {"FeatureOfInterest/id"}


def create_observations(body, ctx) -> list[str]:
    """Store dataArray groups; answer one selfLink (or "error") per row, in request order.

    All groups go to the service together (one transaction, Datastreams and features fetched
    in bulk, one INSERT); only when that is refused are the groups stored one by one, so that a
    group that fails answers "error" for its rows while the others are stored.
    """
    if not isinstance(body, list):
        raise bad_request("CreateObservations expects an array of dataArray groups")
    parsed = []
    for position, group in enumerate(body):
        field = f"[{position}]"
        if not isinstance(group, dict):
            raise bad_request(f"{field} must be a JSON object", field)
        link = _group_link(group, field)
        components = group.get("components")
        rows = group.get("dataArray")
        if not isinstance(components, list) or not isinstance(rows, list):
            raise bad_request(f"{field} needs 'components' and 'dataArray' arrays", "components")
        unknown = [name for name in components if name not in WRITABLE_COMPONENTS]
        if unknown or "result" not in components:
            raise bad_request(
                f"{field}: components must include result and may use "
                f"{', '.join(sorted(WRITABLE_COMPONENTS))}; unknown: {', '.join(unknown)}",
                "components",
            )
        read = _row_reader(components, field)
        parsed.append((link, [read(row, row_number) for row_number, row in enumerate(rows)]))
    links = [link for link, _items in parsed]
    multi = {pk for kind, pk in links if kind == "MultiDatastream"}
    row_count = sum(len(items) for _link, items in parsed)
    found = {}

    def group(datastreams):
        found.update(_streams(links, datastreams, multi))
        # Two groups of one duplicate-rejecting stream must be checked one after the other.
        if len(set(links)) != len(links) and any(
            stream.reject_duplicates for stream in found.values()
        ):
            return []
        return [(found[link], items) for link, items in parsed]

    try:
        grouped, stored = services.store_for_datastreams(
            {pk for kind, pk in links if kind == "Datastream"}, row_count, group
        )
    except SensorError as error:
        if error.status >= 500 or not found:  # not found: a missing stream (404)
            raise
    else:
        if grouped:
            return [f"{ctx.base}/Observations({pk})" for rows in stored for pk in rows.ids]
    groups = [(found[link], items) for link, items in parsed]
    answers = []
    for stream, items in groups:
        try:
            stored = services.store_observations(stream, items)
        except SensorError as error:
            if error.status >= 500:
                raise
            answers.extend(["error"] * len(items))
            continue
        answers.extend(f"{ctx.base}/Observations({pk})" for pk in stored.ids)
    return answers


def _row_reader(components, field):
    """A function turning one dataArray row into a NewObservation, validated like a POST body
    but without building a dict per row (this runs a thousand times per request)."""
    width = len(components)
    where = {name: position for position, name in enumerate(components)}
    result_at = where["result"]
    phenomenon_at = where.get("phenomenonTime")
    result_time_at = where.get("resultTime")
    valid_at = where.get("validTime")
    quality_at = where.get("resultQuality")
    parameters_at = where.get("parameters")
    feature_at = where.get("FeatureOfInterest/id")
    now = timezone.now()

    def read(row, row_number):
        if row.__class__ is not list or len(row) != width:
            raise bad_request(
                f"{field}.dataArray[{row_number}] must have {width} values", "dataArray"
            )
        start, end = now, None
        if phenomenon_at is not None and row[phenomenon_at] is not None:
            start, end = parse_interval(row[phenomenon_at], "phenomenonTime")
        item = NewObservation(start, row[result_at], end)
        if result_time_at is not None and row[result_time_at] is not None:
            item.result_time = parse_instant(row[result_time_at], "resultTime")
        if valid_at is not None and row[valid_at] is not None:
            item.valid_time_start, item.valid_time_end = parse_interval(row[valid_at], "validTime")
        if quality_at is not None:
            item.result_quality = row[quality_at]
        if parameters_at is not None:
            parameters = row[parameters_at]
            if parameters is not None and not isinstance(parameters, dict):
                raise bad_request("Observation.parameters must be a JSON object", "parameters")
            item.parameters = parameters
        if feature_at is not None and row[feature_at] is not None:
            feature = row[feature_at]
            if isinstance(feature, bool) or not str(feature).isdigit():
                raise bad_request(
                    f"{field}.dataArray[{row_number}]: FeatureOfInterest/id must be a whole number",
                    "FeatureOfInterest/id",
                )
            item.feature_of_interest_id = int(feature)
        return item

    return read


def _group_link(group, field) -> tuple[str, int]:
    for name in ("Datastream", "MultiDatastream"):
        if name in group:
            pk = link_id(group[name], f"{field}.{name}")
            if pk is None:
                raise bad_request(f"{field}.{name} must be a link {{'@iot.id': n}}", name)
            return name, pk
    raise bad_request(f"{field} needs a Datastream or MultiDatastream link", "Datastream")


def _streams(links, datastreams, multi) -> dict:
    """The linked streams by (kind, id): the Datastreams read already, the MultiDatastreams
    ``multi`` by one query; 404 naming the first missing one."""
    from smartcity.sensors.models import MultiDatastream

    found = {("Datastream", pk): stream for pk, stream in datastreams.items()}
    if multi:
        for pk, stream in MultiDatastream.objects.in_bulk(multi).items():
            found[("MultiDatastream", pk)] = stream
    for link in links:
        if link not in found:
            raise SensorError(404, f"{link[0]}({link[1]}) does not exist", link[0])
    return found


def render(resource, options: Options, ctx, params, link_base: str) -> HttpResponse:
    fmt = options.result_format
    if fmt == "dataArray":
        return _data_array(resource, options, ctx, params, link_base)
    if fmt in ("GeoJSON", "CSV"):
        page = collection_page(resource.entity, resource.queryset, options, ctx, link_base, params)
        if fmt == "GeoJSON":
            return _geojson(resource, page)
        _check_csv_expand(resource.entity, options.expand)
        return _csv(resource.entity, page)
    raise bad_request(
        f"unknown $resultFormat {fmt!r}; use dataArray, GeoJSON or CSV", "$resultFormat"
    )


def _data_array(resource, options, ctx, params, link_base):
    from smartcity.sensors.sta.views import json_response

    if resource.entity is not OBSERVATION:
        raise bad_request("$resultFormat=dataArray applies to Observations", "$resultFormat")
    check_select(OBSERVATION, options.select)
    components = [
        name for name in (options.select or DATA_ARRAY_COMPONENTS) if name != "@iot.selfLink"
    ]
    queryset = ordered(OBSERVATION, resource.queryset, options)
    top = 100 if options.top is None else options.top
    rows = list(queryset[options.skip : options.skip + top + 1])
    more, rows = len(rows) > top, rows[:top]
    groups: dict = {}
    for row in rows:
        key = (
            ("Datastreams", row.datastream_id)
            if row.datastream_id
            else (
                "MultiDatastreams",
                row.multi_datastream_id,
            )
        )
        groups.setdefault(key, []).append(
            [
                row.pk
                if name in ("id", "@iot.id")
                else property_value(OBSERVATION, OBSERVATION.prop_map[name], row)
                for name in components
            ]
        )
    value = []
    for (set_name, pk), data in groups.items():
        link_name = "Datastream" if set_name == "Datastreams" else "MultiDatastream"
        value.append(
            {
                f"{link_name}@iot.navigationLink": f"{ctx.base}/{set_name}({pk})",
                "components": components,
                "dataArray@iot.count": len(data),
                "dataArray": data,
            }
        )
    body = {"value": value}
    if more:
        from urllib.parse import urlencode

        next_params = dict(params, **{"$top": str(top), "$skip": str(options.skip + top)})
        body["@iot.nextLink"] = f"{link_base}?{urlencode(next_params, safe='$(),/')}"
    return json_response(body)


GEOMETRY_PROPS = ("location", "feature", "observedArea")


def _geojson(resource, page):
    features = []
    for item in page["value"]:
        geometry = None
        for name in GEOMETRY_PROPS:
            if isinstance(item.get(name), dict):
                shape = from_geojson(item[name])
                geometry = item[name].get("geometry", item[name]) if shape is not None else None
                break
        properties = {key: value for key, value in item.items() if key not in GEOMETRY_PROPS}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    body = {"type": "FeatureCollection", "features": features}
    if "@iot.nextLink" in page:
        body["@iot.nextLink"] = page["@iot.nextLink"]
    return HttpResponse(orjson.dumps(body), content_type="application/geo+json")


def _check_csv_expand(entity, expands):
    """CSV is one table: an expanded collection must be cut to one row with ``$top=1``."""
    from smartcity.sensors.sta.entities import BY_SET

    for item in expands:
        rel = entity.rel_map.get(item.path)
        if rel is None:
            continue  # the expansion itself names the error
        if rel.many and item.options.top != 1:
            raise bad_request(
                f"$resultFormat=CSV: expanding the collection {item.path} needs $top=1 "
                f"({item.path}($top=1)); a CSV table has one row per entity",
                "$expand",
            )
        _check_csv_expand(BY_SET[rel.target], item.options.expand)


def _csv_cells(entity, item: dict, prefix: str = "") -> dict:
    """One entity (with its expansions) as CSV cells (FROST/INSIDE CSV result format):
    navigation links left out, ``unitOfMeasurement`` split into name/symbol/definition,
    expanded entities as ``Datastream/name`` columns, other objects as JSON text."""
    from smartcity.sensors.sta.entities import BY_SET

    cells = {}
    for key, value in item.items():
        if "@iot.navigationLink" in key or key.endswith(("@iot.nextLink", "@iot.count")):
            continue
        column = f"{prefix}{key}"
        rel = entity.rel_map.get(key)
        if rel is not None:  # an expansion; a collection was cut to $top=1
            expanded = value[0] if isinstance(value, list) and value else value
            if isinstance(expanded, dict):
                cells.update(_csv_cells(BY_SET[rel.target], expanded, f"{column}/"))
        elif key == "unitOfMeasurement" and isinstance(value, dict):
            for part in ("name", "symbol", "definition"):
                cells[f"{column}/{part}"] = value.get(part)
        elif isinstance(value, dict | list):
            cells[column] = orjson.dumps(value).decode()
        else:
            cells[column] = value
    return cells


def _csv(entity, page):
    rows = [_csv_cells(entity, item) for item in page["value"]]
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(key) is None else row[key] for key in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    if "@iot.nextLink" in page:
        response["Link"] = f'<{page["@iot.nextLink"]}>; rel="next"'
    return response
