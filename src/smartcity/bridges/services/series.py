"""Reading a channel's observations as numpy arrays and writing derived results."""

from datetime import UTC, datetime

import numpy as np

from smartcity.sensors import services as sensors
from smartcity.sensors.models import Datastream, Observation


def epoch(moment: datetime) -> float:
    return moment.timestamp()


def moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def scalar(datastream_id: int, since: datetime | None = None, until: datetime | None = None):
    """(times in epoch seconds, values) in [since, until) of a numeric Datastream, oldest first."""
    rows = Observation.objects.filter(datastream_id=datastream_id, result_number__isnull=False)
    if since is not None:
        rows = rows.filter(phenomenon_time_start__gte=since)
    if until is not None:
        rows = rows.filter(phenomenon_time_start__lt=until)
    pairs = list(
        rows.order_by("phenomenon_time_start").values_list("phenomenon_time_start", "result_number")
    )
    if not pairs:
        return np.empty(0), np.empty(0)
    times = np.fromiter((pair[0].timestamp() for pair in pairs), float, len(pairs))
    values = np.fromiter((pair[1] for pair in pairs), float, len(pairs))
    return times, values


def records(datastream_id: int, since: datetime | None = None, until: datetime | None = None):
    """Windows of a high-rate channel: [(start epoch s, samples array, sampling rate or None)]."""
    rows = Observation.objects.filter(datastream_id=datastream_id, result_json__isnull=False)
    if since is not None:
        rows = rows.filter(phenomenon_time_start__gte=since)
    if until is not None:
        rows = rows.filter(phenomenon_time_start__lt=until)
    result = []
    for start, samples, parameters in rows.order_by("phenomenon_time_start").values_list(
        "phenomenon_time_start", "result_json", "parameters"
    ):
        if not isinstance(samples, list) or len(samples) < 2:
            continue
        rate = (parameters or {}).get("samplingRate") if isinstance(parameters, dict) else None
        result.append((start.timestamp(), np.asarray(samples, dtype=float), rate))
    return result


def last_time(datastream_id: int) -> float | None:
    stream = Datastream.objects.filter(pk=datastream_id).values("phenomenon_time_end").first()
    value = stream and stream["phenomenon_time_end"]
    return value.timestamp() if value else None


def write(datastream: Datastream, times, values) -> int:
    """Store derived values (one Observation each) through the sensors service."""
    items = [
        sensors.NewObservation(phenomenon_time_start=moment(float(t)), result=float(v))
        for t, v in zip(times, values, strict=True)
        if np.isfinite(v)
    ]
    sensors.store_observations(datastream, items)
    return len(items)
