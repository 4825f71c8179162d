"""POST (deep insert, links by @iot.id), PATCH, PUT, JSON Patch and DELETE.

Every request runs in one transaction: a bad nested entity anywhere means nothing is written.
"""

from django.db import transaction

from smartcity.sensors import services
from smartcity.sensors.models import MultiDatastreamProperty, Observation
from smartcity.sensors.signals import after_commit_created, after_commit_updated
from smartcity.sensors.sta.entities import BY_SET
from smartcity.sensors.sta.errors import StaError, bad_request, not_found
from smartcity.sensors.sta.payload import column_values, link_id, load_json, new_observation
from smartcity.sensors.sta.query import Options
from smartcity.sensors.sta.resources import Visibility, resolve
from smartcity.sensors.sta.serialize import Context, entity_json

M2M_RELS = {
    ("Thing", "Locations"),
    ("Location", "Things"),
    ("HistoricalLocation", "Locations"),
    ("MultiDatastream", "ObservedProperties"),
}


def handle(request, version: str, path: str):
    from smartcity.sensors.sta.views import json_response, writer_token

    writer_token(request)
    ctx = Context(
        base=request.build_absolute_uri(f"/sta/{version}"),
        version=version,
        visibility=Visibility(True),
    )
    method = request.method
    body = request.body
    if path == "CreateObservations" and method == "POST":
        from smartcity.sensors.sta.formats import create_observations

        return json_response(create_observations(load_json(body), ctx), 201)
    if path == "$batch" and method == "POST":
        if request.content_type.startswith("multipart/"):
            from smartcity.sensors.sta.multipart import run_multipart

            return run_multipart(request, version)
        from smartcity.sensors.sta.batch import run_batch

        return json_response(run_batch(request, version, load_json(body)))
    status, payload, headers = execute(method, path, body, request.content_type, ctx)
    return (
        json_response(payload, status, headers)
        if payload is not None
        else (json_response({}, status, headers) if status != 200 else json_response({}, 200))
    )


def execute(method, path, body, content_type, ctx):
    """One write; returns (status, body, headers). Shared by HTTP, $batch and tests."""
    with transaction.atomic():
        if method == "POST":
            return _post(path, load_json(body), ctx)
        resource = resolve(path, ctx.visibility)
        if resource.is_collection or resource.prop is not None or resource.ref:
            raise StaError(405, f"{method} needs the address of one entity, e.g. Things(1)")
        entity, instance = resource.entity, resource.instance
        if method == "DELETE":
            stream = _stream_of(instance)
            services.delete_entity(instance)
            if stream is not None:
                services.recompute_ranges(stream)
            return 200, None, {}
        if method in ("PATCH", "PUT"):
            data = load_json(body)
            if content_type == "application/json-patch+json":
                from smartcity.sensors.sta.jsonpatch import apply_patch

                current = entity_json(entity, instance, Options(), ctx)
                data = apply_patch(current, data)
                data = {key: value for key, value in data.items() if key in entity.prop_map}
                _update(entity, instance, data, partial=True, ctx=ctx)
            else:
                _update(entity, instance, data, partial=method == "PATCH", ctx=ctx)
            instance.refresh_from_db()
            return 200, entity_json(entity, instance, Options(), ctx), {}
    raise StaError(405, f"method {method} is not supported here")


def _stream_of(instance):
    if isinstance(instance, Observation):
        return instance.datastream or instance.multi_datastream
    return None


def _post(path, data, ctx):
    segments = [segment for segment in path.split("/") if segment]
    implied = {}
    if len(segments) == 1:
        entity = BY_SET.get(segments[0])
        if entity is None:
            raise not_found(f"no entity set named {segments[0]}")
    else:
        parent_path = "/".join(segments[:-1])
        parent = resolve(parent_path, ctx.visibility)
        if parent.is_collection or parent.prop is not None:
            raise bad_request(f"cannot create entities under {parent_path}")
        rel = parent.entity.rel_map.get(segments[-1])
        if rel is None or not rel.many:
            raise not_found(f"{parent.entity.name} has no collection {segments[-1]}")
        entity = BY_SET[rel.target]
        if (parent.entity.name, rel.name) in M2M_RELS:
            implied["__m2m__"] = (parent.instance, rel)
        else:
            implied[rel.reverse] = parent.instance
    if isinstance(data, list) or not isinstance(data, dict):
        raise bad_request(f"a new {entity.name} must be a JSON object")
    instance = create(entity, data, implied, entity.name)
    location = f"{ctx.base}/{entity.set_name}({instance.pk})"
    return 201, entity_json(entity, instance, Options(), ctx), {"Location": location}


def _linked(entity, value, field):
    pk = link_id(value, field)
    if pk is None:
        return None
    instance = entity.model.objects.filter(pk=pk).first()
    if instance is None:
        raise not_found(f"{field}: {entity.name}({pk}) does not exist", field)
    return instance


def resolve_or_create(entity, value, field, implied=None):
    existing = _linked(entity, value, field)
    if existing is not None:
        return existing
    return create(entity, value, implied or {}, field)


def create(entity, data: dict, implied: dict, field: str):
    """Create ``entity`` from ``data`` with its nested entities (deep insert)."""
    if not isinstance(data, dict):
        raise bad_request(f"{field} must be a JSON object", field)
    if "@iot.id" in data:
        raise bad_request(f"{field}: @iot.id is given by the server (or links an existing one)")
    values = column_values(entity, data, partial=False)
    m2m_parent = implied.get("__m2m__")
    to_one = {}
    for rel in entity.rels:
        if rel.many:
            continue
        if rel.reverse and rel.lookup in implied:
            to_one[rel.lookup] = implied[rel.lookup]
        elif rel.name in data:
            target = BY_SET[rel.target]
            to_one[rel.lookup] = resolve_or_create(target, data[rel.name], f"{field}.{rel.name}")
        elif rel.required:
            raise bad_request(f"{entity.name} needs a link to its {rel.name}", rel.name)
    if entity.name == "Observation":
        instance = _create_observation(data, values, to_one, field)
    else:
        instance = entity.model.objects.create(**values, **to_one)
        if entity.name == "MultiDatastream":
            _set_observed_properties(instance, data, field)
        after_commit_created([instance])
    for rel in entity.rels:
        if not rel.many or rel.name not in data or rel.name == "ObservedProperties":
            continue
        items = data[rel.name]
        if not isinstance(items, list):
            raise bad_request(f"{field}.{rel.name} must be an array", rel.name)
        target = BY_SET[rel.target]
        children = []
        for position, item in enumerate(items):
            child_field = f"{field}.{rel.name}[{position}]"
            if (entity.name, rel.name) in M2M_RELS:
                children.append(resolve_or_create(target, item, child_field))
            else:
                existing = _linked(target, item, child_field)
                if existing is not None:
                    setattr(existing, rel.reverse, instance)
                    existing.save(update_fields=[f"{rel.reverse}"])
                else:
                    create(target, item, {rel.reverse: instance}, child_field)
        if (entity.name, rel.name) in M2M_RELS and children:
            _link_many(entity.name, instance, rel, children)
    if m2m_parent is not None:
        parent, rel = m2m_parent
        _link_many(type(parent).__name__, parent, rel, [instance], replace=False)
    return instance


def _link_many(entity_name, instance, rel, children, replace=True):
    if entity_name == "Thing" and rel.name == "Locations":
        services.link_locations(instance, children, replace=replace)
    elif entity_name == "Location" and rel.name == "Things":
        for thing in children:
            services.link_locations(thing, [instance], replace=replace)
    elif entity_name == "HistoricalLocation":
        instance.locations.add(*children)
    else:
        raise bad_request(f"{entity_name}.{rel.name} cannot be linked this way", rel.name)


def _set_observed_properties(instance, data, field):
    items = data.get("ObservedProperties")
    if not isinstance(items, list) or not items:
        raise bad_request(
            "MultiDatastream needs its ObservedProperties (an array)", "ObservedProperties"
        )
    width = len(instance.multi_observation_data_types)
    if len(items) != width or len(instance.unit_of_measurements) != width:
        raise bad_request(
            "MultiDatastream: ObservedProperties, unitOfMeasurements and "
            "multiObservationDataTypes must have the same length",
            "ObservedProperties",
        )
    for rank, item in enumerate(items):
        observed = resolve_or_create(
            BY_SET["ObservedProperties"], item, f"{field}.ObservedProperties[{rank}]"
        )
        MultiDatastreamProperty.objects.create(
            multi_datastream=instance, observed_property=observed, rank=rank
        )


def _create_observation(data, values, to_one, field):
    stream = to_one.get("datastream") or to_one.get("multi_datastream")
    if stream is None:
        raise bad_request("Observation needs a Datastream or MultiDatastream", "Datastream")
    if to_one.get("datastream") and to_one.get("multi_datastream"):
        raise bad_request("Observation belongs to a Datastream or a MultiDatastream, not both")
    item = new_observation(data)
    feature = to_one.get("feature_of_interest")
    item.feature_of_interest_id = feature.pk if feature else None
    return services.store_observations(stream, [item])[0]


def _update(entity, instance, data, partial, ctx):
    if not isinstance(data, dict):
        raise bad_request(f"the {entity.name} update must be a JSON object")
    if "@iot.id" in data and data["@iot.id"] != instance.pk:
        raise bad_request("@iot.id cannot be changed", "@iot.id")
    data = _drop_unchanged_read_only(entity, instance, data)
    instance._loaded_phenomenon_time = getattr(instance, "phenomenon_time_start", None)
    values = column_values(entity, data, partial=partial)
    changed = {prop.name for prop in entity.props if prop.name in data}
    if entity.name == "Observation" and "result" in values:
        from smartcity.sensors.services import result_columns

        for column in ("result_number", "result_string", "result_bool", "result_json"):
            setattr(instance, column, None)
        values.update(result_columns(values.pop("result")))
    if not partial:
        for prop in entity.props:
            if prop.name not in data and not prop.required and not prop.read_only:
                if prop.kind == "interval":
                    values.setdefault(f"{prop.column}_start", None)
                    values.setdefault(f"{prop.column}_end", None)
                elif prop.kind != "result":
                    values.setdefault(prop.column, None if prop.kind != "text" else "")
    for key, value in values.items():
        setattr(instance, key, value)
    for rel in entity.rels:
        if rel.name not in data:
            continue
        target = BY_SET[rel.target]
        if rel.many:
            if (entity.name, rel.name) not in M2M_RELS or rel.name == "ObservedProperties":
                raise bad_request(f"{entity.name}.{rel.name} cannot be changed by an update")
            items = data[rel.name]
            if not isinstance(items, list):
                raise bad_request(f"{rel.name} must be an array", rel.name)
            linked = [
                resolve_or_create(target, item, f"{rel.name}[{i}]") for i, item in enumerate(items)
            ]
            _link_many(entity.name, instance, rel, linked)
        else:
            setattr(instance, rel.lookup, resolve_or_create(target, data[rel.name], rel.name))
            changed.add(rel.name)
    if entity.name == "Observation":
        phenomenon = data.get("phenomenonTime", instance.phenomenon_time_start)
        if phenomenon is None:
            raise bad_request("Observation.phenomenonTime cannot be null", "phenomenonTime")
    previous_time = getattr(instance, "_loaded_phenomenon_time", None)
    instance.save()
    if entity.name == "Observation" and changed & {"phenomenonTime", "resultTime"}:
        services.recompute_ranges(instance.datastream or instance.multi_datastream)
    if (
        entity.name == "Observation"
        and instance.datastream_id
        and changed & {"phenomenonTime", "result"}
    ):
        from smartcity.sensors.services import rollups

        for moment in {previous_time, instance.phenomenon_time_start} - {None}:
            rollups.rebuild_hour_of(instance.datastream_id, moment)
    after_commit_updated(instance, changed)
    del ctx


def _drop_unchanged_read_only(entity, instance, data):
    """Clients (e.g. frost_sta_client) send back server-computed values unchanged: allow that."""
    from smartcity.sensors.sta.serialize import property_value
    from smartcity.sensors.times import parse_interval

    kept = dict(data)
    for prop in entity.props:
        if not (prop.read_only and prop.name in kept):
            continue
        sent, current = kept[prop.name], property_value(entity, prop, instance)
        if prop.kind == "interval" and isinstance(sent, str) and isinstance(current, str):
            start, end = parse_interval(sent, prop.name)
            stored_start, stored_end = parse_interval(current, prop.name)
            same = (start, end or start) == (stored_start, stored_end or stored_start)
        else:
            same = sent == current
        if same:
            del kept[prop.name]
    return kept
