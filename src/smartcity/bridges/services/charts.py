"""Chart series and their table alternative: raw (day), hourly (week), daily (year) means."""

from collections import defaultdict
from datetime import timedelta

import numpy as np
from django.utils import timezone

from smartcity.bridges.analysis import modal
from smartcity.bridges.services import series
from smartcity.sensors.models import Datastream, HourlyAggregate, Observation

PERIODS = {"tag": timedelta(days=1), "woche": timedelta(days=7), "jahr": timedelta(days=365)}


def _end(datastream_id):
    end = (
        Datastream.objects.filter(pk=datastream_id)
        .values_list("phenomenon_time_end", flat=True)
        .first()
    )
    return end or timezone.now()


def points(datastream_id: int, period: str = "tag", end=None) -> list[list[float]]:
    """[[epoch ms, value], …] for ``period`` ending at the stream's last reading."""
    end = end or _end(datastream_id)
    start = end - PERIODS[period]
    if period == "tag":
        rows = (
            Observation.objects.filter(
                datastream_id=datastream_id,
                phenomenon_time_start__gt=start,
                phenomenon_time_start__lte=end,
                result_number__isnull=False,
            )
            .order_by("phenomenon_time_start")
            .values_list("phenomenon_time_start", "result_number")
        )
        return [[when.timestamp() * 1000, round(value, 5)] for when, value in rows]
    hours = (
        HourlyAggregate.objects.filter(
            datastream_id=datastream_id, hour__gt=start, hour__lte=end, numeric_count__gt=0
        )
        .order_by("hour")
        .values_list("hour", "total", "numeric_count")
    )
    if period == "woche":
        return [[hour.timestamp() * 1000, round(total / count, 5)] for hour, total, count in hours]
    days = defaultdict(lambda: [0.0, 0])
    for hour, total, count in hours:
        day = hour.replace(hour=0, minute=0, second=0, microsecond=0)
        days[day][0] += total
        days[day][1] += count
    return [
        [day.timestamp() * 1000, round(total / count, 5)]
        for day, (total, count) in sorted(days.items())
    ]


def table(columns: list[tuple[str, list]]) -> dict:
    """Rows by time with one value per column (None where a channel has no value)."""
    times = sorted({point[0] for _, values in columns for point in values})
    lookup = [{point[0]: point[1] for point in values} for _, values in columns]
    return {
        "headers": [label for label, _ in columns],
        "rows": [
            {
                "time": series.moment(when / 1000),
                "values": [column.get(when) for column in lookup],
            }
            for when in times
        ],
    }


def latest_spectrum(channel) -> dict | None:
    """Welch spectrum of the newest acceleration window, with the tracked modes."""
    found = (
        Observation.objects.filter(datastream_id=channel.datastream_id, result_json__isnull=False)
        .order_by("-phenomenon_time_start")
        .values_list("phenomenon_time_start", "result_json")
        .first()
    )
    if not found or not channel.sampling_rate_hz or not isinstance(found[1], list):
        return None
    samples = np.asarray(found[1], dtype=float)
    if samples.size < 256:
        return None
    freqs, psd = modal.spectra(samples[None, :], channel.sampling_rate_hz)
    keep = (freqs > 0.5) & (freqs <= 15)
    references = (channel.baseline or {}).get("modes") or []
    tracked = modal.track(freqs, psd, references)[0].tolist() if references else []
    return {
        "time": found[0],
        "points": [
            [round(float(f), 4), float(p)] for f, p in zip(freqs[keep], psd[0][keep], strict=True)
        ],
        "modes": [
            {"number": index + 1, "reference": reference, "current": current}
            for index, (reference, current) in enumerate(zip(references, tracked, strict=True))
        ],
    }
