"""Storing Observations: one path for HTTP, dataArray, $batch and MQTT.

Everything per batch, nothing per row: the FeatureOfInterest is resolved once per stream, the
duplicate check is one query, the rows go in with one multi-row INSERT, and the stream's
phenomenonTime/resultTime ranges and observedArea are widened with one UPDATE (instead of the
per-row trigger other servers use, which is what makes their bulk ingest slow).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import orjson
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from shapely.geometry import mapping, shape

from smartcity.sensors import signals
from smartcity.sensors.errors import SensorError, bad_request
from smartcity.sensors.models import (
    Datastream,
    FeatureOfInterest,
    Location,
    MultiDatastream,
    Observation,
    ResultKind,
    Thing,
)
from smartcity.sensors.services import bulk


@dataclass
class NewObservation:
    phenomenon_time_start: datetime
    result: object
    phenomenon_time_end: datetime | None = None
    result_time: datetime | None = None
    valid_time_start: datetime | None = None
    valid_time_end: datetime | None = None
    result_quality: object = None
    parameters: object = None
    feature_of_interest_id: int | None = None
    extra: dict = field(default_factory=dict)


def result_columns(result) -> dict:
    """The typed column a result goes into (booleans before numbers: bool is an int)."""
    if isinstance(result, bool):
        return {"result_kind": ResultKind.BOOLEAN, "result_bool": result}
    if isinstance(result, int | float):
        return {"result_kind": ResultKind.NUMBER, "result_number": float(result)}
    if isinstance(result, str):
        return {"result_kind": ResultKind.STRING, "result_string": result}
    return {"result_kind": ResultKind.JSON, "result_json": result}


def feature_from_thing(stream) -> FeatureOfInterest:
    """The FeatureOfInterest made from the stream's Thing's Location, reused once made."""
    first_location = Location.objects.filter(things=stream.thing_id).order_by("pk").values("pk")
    # The usual case in one query: the feature already made from the first Location.
    existing = FeatureOfInterest.objects.filter(
        generated_from_id=Subquery(first_location[:1])
    ).first()
    if existing is not None:
        return existing
    location = Location.objects.filter(things=stream.thing_id).order_by("pk").first()
    if location is None:
        raise bad_request(
            "Observation needs a FeatureOfInterest: none was given and the Datastream's Thing "
            "has no Location to derive one from",
            "FeatureOfInterest",
        )
    feature = FeatureOfInterest.objects.filter(generated_from=location).first()
    if feature is None:
        feature = FeatureOfInterest.objects.create(
            name=location.name,
            description=location.description,
            encoding_type=location.encoding_type,
            feature=location.location,
            generated_from=location,
        )
    return feature


def _check_stream_shape(stream, items):
    if isinstance(stream, MultiDatastream):
        width = len(stream.multi_observation_data_types or [])
        for item in items:
            if not isinstance(item.result, list) or len(item.result) != width:
                raise bad_request(
                    f"Observation.result of a MultiDatastream must be an array of {width} values",
                    "result",
                )


def _reject_duplicates(stream, items):
    times = {item.phenomenon_time_start for item in items}
    if len(times) < len(items):
        raise SensorError(409, "two Observations in the request have the same phenomenonTime")
    stream_field = "multi_datastream" if isinstance(stream, MultiDatastream) else "datastream"
    existing = (
        Observation.objects.filter(**{stream_field: stream}, phenomenon_time_start__in=times)
        .values_list("pk", "phenomenon_time_start")
        .first()
    )
    if existing:
        raise SensorError(
            409,
            f"{type(stream).__name__}({stream.pk}) already has Observation({existing[0]}) with "
            f"phenomenonTime {existing[1].isoformat()}",
            "phenomenonTime",
            existingId=existing[0],
        )


def _observed_area(stream, features):
    """The old area widened by the features' geometries (convex hull); None when unchanged."""
    if stream.observed_area and all(
        feature.feature.get("geometry", feature.feature) == stream.observed_area
        for feature in features
        if isinstance(feature.feature, dict)
    ):
        return None  # the usual case (a fixed sensor): no geometry work per request
    shapes = []
    for feature in features:
        try:
            shapes.append(shape(feature.feature.get("geometry", feature.feature)))
        except Exception:  # noqa: BLE001, S112 - a feature without geometry widens nothing
            continue
    if not shapes:
        return None
    old = shape(stream.observed_area) if stream.observed_area else None
    if old is not None and all(old.covers(item) for item in shapes):
        return None
    union = shapes[0]
    for item in shapes[1:] + ([old] if old is not None else []):
        union = union.union(item)
    return mapping(union.convex_hull if union.geom_type != "Point" else union)


def _widen_area(stream, features) -> None:
    area = _observed_area(stream, features)
    if area is not None:
        type(stream).objects.filter(pk=stream.pk).update(observed_area=area)
        stream.observed_area = area


def store_observations(stream, items: list[NewObservation]) -> "bulk.StoredObservations":
    """Validate and insert ``items`` for one Datastream or MultiDatastream, all or nothing.

    Returns the stored Observations (a sequence; ``.ids`` without building model instances).
    """
    return store_groups([(stream, items)])[0]


def _key(stream):
    return (type(stream).__name__, stream.pk)


class Feature(NamedTuple):
    """What a write needs of a FeatureOfInterest: its id and geometry (for observedArea)."""

    pk: int
    feature: object


def default_features(streams) -> tuple[dict, dict]:
    """The FeatureOfInterest for Observations without one, per stream (``_key``): the
    feature made from the Thing's first Location — for all streams in one query that also
    brings the features' geometries (for observedArea), made (by ``feature_from_thing``) only
    where it does not exist yet. Returns ({key: feature id}, {feature id: feature})."""
    if not streams:
        return {}, {}
    if all(getattr(stream, "default_feature", None) is not None for stream in streams):
        # Already read with the streams (``default_feature``/``default_geometry``, as the
        # grouped ingest path does): no query.
        found, features = {}, {}
        for stream in streams:
            geometry = stream.default_geometry
            if isinstance(geometry, str):
                geometry = orjson.loads(geometry)
            found[_key(stream)] = stream.default_feature
            features[stream.default_feature] = Feature(stream.default_feature, geometry)
        return found, features
    through = Thing.locations.through
    feature = FeatureOfInterest.objects.filter(generated_from_id=OuterRef("location_id")).order_by(
        "pk"
    )
    first = {}
    rows = (
        through.objects.filter(thing_id__in={stream.thing_id for stream in streams})
        .annotate(
            feature=Subquery(feature.values("pk")[:1]),
            geometry=Subquery(feature.values("feature")[:1]),
        )
        .values_list("thing_id", "location_id", "feature", "geometry")
    )
    for thing_id, location_id, feature_id, geometry in rows:
        if thing_id not in first or location_id < first[thing_id][0]:
            first[thing_id] = (location_id, feature_id, geometry)
    found, features = {}, {}
    for stream in streams:
        _location, feature_id, geometry = first.get(stream.thing_id, (None, None, None))
        if feature_id is None:
            made = feature_from_thing(stream)
            feature_id, geometry = made.pk, made.feature
        if isinstance(geometry, str):  # a JSON column read through a subquery (SQLite)
            geometry = orjson.loads(geometry)
        found[_key(stream)] = feature_id
        features[feature_id] = Feature(feature_id, geometry)
    return found, features


def _lock_streams(streams, datastreams_locked=False) -> None:
    """Lock the streams' rows in id order before anything else writes.

    A write updates the streams' observedArea and ranges, hourly roll-ups and day rows, in
    the order of the request or one the planner picks; two writers sending for the same
    streams in different orders deadlocked (seen in the load test). Taking the row locks
    first, always in id order, makes them wait for each other instead. SQLite has one writer
    at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    wanted: dict[type, set[int]] = {}
    for stream in streams:
        if not (datastreams_locked and type(stream) is Datastream):
            wanted.setdefault(type(stream), set()).add(stream.pk)
    with connection.cursor() as cursor:
        for model, ids in sorted(wanted.items(), key=lambda item: item[0].__name__):
            cursor.execute(
                f"SELECT 1 FROM {model._meta.db_table} WHERE id = ANY(%s) "  # noqa: S608
                "ORDER BY id FOR UPDATE",
                [sorted(ids)],
            )


def store_groups(groups, *, datastreams_locked=False, ids=None) -> list[bulk.StoredObservations]:
    """Store several (stream, items) groups in one transaction, all or nothing.

    One INSERT for all rows of all streams (with the roll-up upsert and the stream ranges in
    the same statement on PostgreSQL); per stream only the checks that need it (FeatureOfInterest
    from the Thing's Location, duplicates, observedArea). Returns the stored rows per group.

    ``datastreams_locked``: the caller holds the transaction and has read the Datastreams
    under their row locks (``streams.store_for_datastreams``); ``ids``: Observation ids
    allocated for the rows beforehand (``bulk.insert``).
    """
    groups = [(stream, items) for stream, items in groups]
    if not any(items for _stream, items in groups):
        return [bulk.StoredObservations([], [], 0, 0) for _group in groups]
    for stream, items in groups:
        _check_stream_shape(stream, items)
    with transaction.atomic(savepoint=not datastreams_locked):
        _lock_streams((stream for stream, items in groups if items), datastreams_locked)
        explicit = {item.feature_of_interest_id for _stream, items in groups for item in items} - {
            None
        }
        defaults, features = default_features(
            [
                stream
                for stream, items in groups
                if any(item.feature_of_interest_id is None for item in items)
            ]
        )
        if explicit - set(features):
            features.update(FeatureOfInterest.objects.in_bulk(explicit - set(features)))
        missing = explicit - set(features)
        if missing:
            raise SensorError(
                404,
                f"FeatureOfInterest({min(missing)}) does not exist",
                "FeatureOfInterest",
            )
        columns = [[] for _name in bulk.INSERT_COLUMNS]
        plans = []
        for stream, items in groups:
            if not items:
                plans.append((stream, 0))
                continue
            if stream.reject_duplicates:
                _reject_duplicates(stream, items)
            used = {item.feature_of_interest_id for item in items} - {None}
            default_id = defaults.get(_key(stream))
            if default_id is not None:
                used.add(default_id)
            _widen_area(stream, [features[pk] for pk in used])
            is_multi = isinstance(stream, MultiDatastream)
            bulk.add_rows(columns, stream.pk, is_multi, items, default_id)
            plans.append((stream, len(items)))
        ids = bulk.insert(columns, ids)
        stored, position = [], 0
        for _stream, count in plans:
            stored.append(bulk.StoredObservations(columns, ids, position, count))
            position += count
        if signals.has_listeners():
            signals.after_commit_created([row for rows in stored for row in rows])
    return stored


def stream_of(datastream_id=None, multi_datastream_id=None):
    if datastream_id is not None:
        stream = Datastream.objects.select_related("thing").filter(pk=datastream_id).first()
        if stream is None:
            raise SensorError(404, f"Datastream({datastream_id}) does not exist", "Datastream")
        return stream
    stream = MultiDatastream.objects.select_related("thing").filter(pk=multi_datastream_id).first()
    if stream is None:
        raise SensorError(
            404, f"MultiDatastream({multi_datastream_id}) does not exist", "MultiDatastream"
        )
    return stream


def recompute_ranges(stream) -> None:
    """Set the ranges from the stored Observations (after deletes or time edits)."""
    from django.db.models import Max, Min

    stream_field = "multi_datastream" if isinstance(stream, MultiDatastream) else "datastream"
    stats = Observation.objects.filter(**{stream_field: stream}).aggregate(
        start=Min("phenomenon_time_start"),
        end_max=Max(Coalesce("phenomenon_time_end", "phenomenon_time_start")),
        result_start=Min("result_time"),
        result_end=Max("result_time"),
    )
    type(stream).objects.filter(pk=stream.pk).update(
        phenomenon_time_start=stats["start"],
        phenomenon_time_end=stats["end_max"],
        result_time_start=stats["result_start"],
        result_time_end=stats["result_end"],
    )
