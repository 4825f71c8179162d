"""Sensors that fall silent (a gap longer than expected) or freeze (constant values)."""

import numpy as np

SILENT_FACTOR = 3.0


def silent_gaps(times, expected_interval_s: float, now: float | None = None):
    """Gaps longer than ``SILENT_FACTOR`` × the expected interval: [(start, end or None)].

    ``end`` is None for a gap still open at ``now`` (the sensor is silent now).
    """
    times = np.asarray(times, dtype=float)
    limit = SILENT_FACTOR * expected_interval_s
    result = []
    if times.size > 1:
        steps = np.diff(times)
        for index in np.flatnonzero(steps > limit):
            result.append((float(times[index]), float(times[index + 1])))
    if now is not None and times.size and now - times[-1] > limit:
        result.append((float(times[-1]), None))
    return result


def frozen_since(times, values, min_samples: int = 6, min_seconds: float = 0.0):
    """Start time of a trailing run of identical values (≥ ``min_samples``), else None."""
    values = np.asarray(values, dtype=float)
    times = np.asarray(times, dtype=float)
    if values.size < min_samples:
        return None
    changes = np.flatnonzero(np.diff(values) != 0)
    start = changes[-1] + 1 if changes.size else 0
    if values.size - start >= min_samples and times[-1] - times[start] >= min_seconds:
        return float(times[start])
    return None
