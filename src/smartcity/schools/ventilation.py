"""Ventilation events from CO₂ drops, with the air change rate from the decay curve.

With the window open the CO₂ concentration decays exponentially towards a level ``C∞`` (the
outdoor air, plus what the pupils still breathe out): ``C(t) = C∞ + (C₀ − C∞)·e^(−n·t)``, ``n``
the air change rate per hour. Sampled every Δt this is ``C[k+1] = a·C[k] + b`` with
``a = e^(−n·Δt)``: a straight-line fit of each reading against the one before gives ``a``
(and so ``n``) without knowing ``C∞``. All steps are numpy operations on whole arrays.
"""

from datetime import UTC, datetime

import numpy as np
from scipy.optimize import curve_fit

STEP_SECONDS = 60  # readings are put on a one-minute grid first
MAX_GAP_SECONDS = 180  # a grid point further than this from a reading is missing
MIN_FALL_PPM_PER_MIN = 10.0  # a minute counts as falling below this change
MIN_FALL_SHARE = 0.03  # … and by 3 % of its excess over outdoor air (a closed room: < 1 %)
MIN_DROP_PPM = 100.0
MIN_MINUTES = 3
OUTDOOR_CO2 = 420.0  # ppm
CLOSED_RATE = 0.5  # air changes per hour of a closed classroom (gaps, doors), assumed
BEFORE_MINUTES = 10  # the rise before an event is measured over this many minutes


def _grid(times, values):
    if times.size < 2:
        return np.empty(0), np.empty(0)
    grid = np.arange(times[0], times[-1] + 1, STEP_SECONDS, dtype=float)
    gridded = np.interp(grid, times, values)
    # Distance of each grid point to the nearest reading: mark gaps as missing.
    position = np.clip(np.searchsorted(times, grid), 1, times.size - 1)
    nearest = np.minimum(np.abs(grid - times[position - 1]), np.abs(times[position] - grid))
    gridded[nearest > MAX_GAP_SECONDS] = np.nan
    return grid, gridded


def _runs(mask):
    """(start, stop) index pairs of the runs of True in ``mask`` (stop exclusive)."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return edges[0::2], edges[1::2]


def air_change_rate(values, step_seconds: int = STEP_SECONDS, rise=None) -> float | None:
    """Air changes per hour from a decaying run of equally spaced readings (None if unfit).

    Without ``rise`` the decay level is fitted too (``C[k+1] = a·C[k] + b``). With ``rise`` (the
    CO₂ increase per hour before the windows opened, i.e. what the people in the room breathe
    out, corrected for the closed room's own air exchange) the level is ``C_out + rise/n`` and
    only ``n`` is fitted, which is far less sensitive to sensor noise on short airings.
    """
    values = np.asarray(values, dtype=float)
    if values.size < 3 or np.isnan(values).any():
        return None
    slope, _ = np.polyfit(values[:-1], values[1:], 1)
    first_guess = -np.log(slope) * 3600 / step_seconds if 0 < slope < 1 else None
    if rise is None:
        return None if first_guess is None else float(first_guess)
    hours = np.arange(values.size) * step_seconds / 3600

    def model(t, rate, start):
        level = OUTDOOR_CO2 + max(rise, 0.0) / rate
        return level + (start - level) * np.exp(-rate * t)

    try:
        (rate, _start), _ = curve_fit(
            model,
            hours,
            values,
            p0=[first_guess or 5.0, values[0]],
            bounds=([0.05, 0], [100, 10_000]),
        )
    except (RuntimeError, ValueError):
        return None if first_guess is None else float(first_guess)
    return float(rate)


def detect(times, values, lessons=None) -> list[dict]:
    """Ventilation events in one CO₂ series (epoch seconds, ppm), oldest first.

    An event is a run of at least three minutes in which CO₂ falls each minute by at least
    10 ppm and 3 % of its excess over outdoor air, and by at least 100 ppm in all; it ends
    early where the fall suddenly slows to less than a third of the minute before (window
    closed). ``lessons`` (pairs of epoch seconds when
    the room is occupied, from the timetable) tell whether people kept breathing out during the
    airing:
    then the rise before the event is taken as their share; in an empty room it is zero.
    Without ``lessons`` the decay level is fitted from the event alone.
    """
    times = np.asarray(times, dtype=float)
    values = np.asarray(values, dtype=float)
    grid, gridded = _grid(times, values)
    if grid.size < MIN_MINUTES + 1:
        return []
    change = np.diff(gridded)
    excess = np.maximum(gridded[:-1] - OUTDOOR_CO2, 1.0)
    falling = np.nan_to_num(change, nan=0.0) <= -np.maximum(
        MIN_FALL_PPM_PER_MIN, MIN_FALL_SHARE * excess
    )
    starts, stops = _runs(falling)
    events = []
    for first, stop in zip(starts, stops, strict=True):
        # Closing the window slows the fall abruptly: the event ends where a minute falls by
        # less than a third of the minute before (the room's own slow exchange is not airing).
        falls = -change[first:stop]
        slowed = np.flatnonzero(falls[1:] < falls[:-1] / 3)
        if slowed.size:
            stop = first + int(slowed[0]) + 1
        # Differences first..stop-1 fall, so readings first..stop belong to the decay.
        run = gridded[first : stop + 1]
        drop = run[0] - run[-1]
        if stop - first < MIN_MINUTES or drop < MIN_DROP_PPM:
            continue
        before = gridded[max(first - BEFORE_MINUTES, 0) : first + 1]
        rise = None
        occupied = lessons is not None and any(low <= grid[first] < high for low, high in lessons)
        if lessons is not None and not occupied:
            rise = 0.0
        elif occupied and before.size >= 4 and not np.isnan(before).any():
            minutes = np.arange(before.size)
            per_hour = np.polyfit(minutes, before, 1)[0] * 60
            # What the room gains per hour, before its own slow exchange takes some away.
            rise = max(per_hour + CLOSED_RATE * (before.mean() - OUTDOOR_CO2), 0.0)
        events.append(
            {
                "start": datetime.fromtimestamp(grid[first], tz=UTC),
                "end": datetime.fromtimestamp(grid[stop], tz=UTC),
                "minutes": int(stop - first),
                "from_ppm": float(run[0]),
                "to_ppm": float(run[-1]),
                "drop_ppm": float(drop),
                "air_change_rate": air_change_rate(run, rise=rise),
            }
        )
    return events
