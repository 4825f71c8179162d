"""Storing Observations: one path for HTTP, dataArray, $batch and MQTT.

Everything per batch, nothing per row: the FeatureOfInterest is resolved once per stream, the
duplicate check is one query, the rows go in with one multi-row INSERT, and the stream's
phenomenonTime/resultTime ranges and observedArea are widened with one UPDATE (instead of the
per-row trigger other servers use, which is what makes their bulk ingest slow).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest, Least
from shapely.geometry import mapping, shape

from smartcity.sensors import signals
from smartcity.sensors.errors import SensorError, bad_request
from smartcity.sensors.models import (
    Datastream,
    FeatureOfInterest,
    MultiDatastream,
    Observation,
    ResultKind,
)
from smartcity.sensors.services import rollups


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
    from django.db.models import Subquery

    from smartcity.sensors.models import Location

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


def _widen_ranges(stream, rows, features):
    starts = [row.phenomenon_time_start for row in rows]
    ends = [row.phenomenon_time_end or row.phenomenon_time_start for row in rows]
    changes = {
        "phenomenon_time_start": Least(
            Coalesce(F("phenomenon_time_start"), Value(min(starts))), Value(min(starts))
        ),
        "phenomenon_time_end": Greatest(
            Coalesce(F("phenomenon_time_end"), Value(max(ends))), Value(max(ends))
        ),
    }
    result_times = [row.result_time for row in rows if row.result_time]
    if result_times:
        low, high = min(result_times), max(result_times)
        changes["result_time_start"] = Least(
            Coalesce(F("result_time_start"), Value(low)), Value(low)
        )
        changes["result_time_end"] = Greatest(
            Coalesce(F("result_time_end"), Value(high)), Value(high)
        )
    area = _observed_area(stream, features)
    if area is not None:
        changes["observed_area"] = area
    type(stream).objects.filter(pk=stream.pk).update(**changes)


def _observed_area(stream, features):
    """The old area widened by the features' geometries (convex hull); None when unchanged."""
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


def store_observations(stream, items: list[NewObservation]) -> list[Observation]:
    """Validate and insert ``items`` for one Datastream or MultiDatastream, all or nothing."""
    if not items:
        return []
    _check_stream_shape(stream, items)
    with transaction.atomic():
        if stream.reject_duplicates:
            _reject_duplicates(stream, items)
        feature_ids = {item.feature_of_interest_id for item in items} - {None}
        features = {f.pk: f for f in FeatureOfInterest.objects.filter(pk__in=feature_ids)}
        missing = feature_ids - set(features)
        if missing:
            raise SensorError(
                404,
                f"FeatureOfInterest({min(missing)}) does not exist",
                "FeatureOfInterest",
            )
        default_feature = None
        if any(item.feature_of_interest_id is None for item in items):
            default_feature = feature_from_thing(stream)
            features[default_feature.pk] = default_feature
        stream_field = "multi_datastream" if isinstance(stream, MultiDatastream) else "datastream"
        rows = [
            Observation(
                **{stream_field: stream},
                feature_of_interest_id=item.feature_of_interest_id or default_feature.pk,
                phenomenon_time_start=item.phenomenon_time_start,
                phenomenon_time_end=item.phenomenon_time_end,
                result_time=item.result_time,
                valid_time_start=item.valid_time_start,
                valid_time_end=item.valid_time_end,
                result_quality=item.result_quality,
                parameters=item.parameters,
                **result_columns(item.result),
            )
            for item in items
        ]
        Observation.objects.bulk_create(rows, batch_size=1000)
        _widen_ranges(stream, rows, features.values())
        if stream_field == "datastream":
            rollups.add_batch(stream.pk, rows)
        signals.after_commit_created(rows)
    return rows


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
