"""Temperature compensation, statistical limits, four alarm levels and the trend.

A slowly varying channel (crack width, tilt, displacement, natural frequency) follows the
structure temperature. On the calibration period we fit ``value = a + b · T`` by least
squares; the residual ``value − (a + b · T)`` is what is monitored. Its spread on the
baseline gives the limits (notice 3σ, warning 5σ, alarm 8σ by default); each analysis
window is rated by the median of its residuals, so a single spike does not raise an alarm.
"""

from dataclasses import dataclass

import numpy as np

SECONDS_PER_YEAR = 365.25 * 86400
SIGMA_FACTORS = {1: 3.0, 2: 5.0, 3: 8.0}
MIN_SAMPLES = 12


@dataclass(frozen=True)
class Model:
    intercept: float
    slope: float
    sigma: float
    reference: float  # mean value of the channel on the baseline

    def predict(self, temperature):
        return self.intercept + self.slope * np.asarray(temperature, dtype=float)

    def residual(self, values, temperature):
        return np.asarray(values, dtype=float) - self.predict(temperature)

    def limits(self, floor: float = 0.0) -> dict[str, float]:
        sigma = max(self.sigma, floor)
        return {str(level): factor * sigma for level, factor in SIGMA_FACTORS.items()}

    def as_dict(self, floor: float = 0.0) -> dict:
        return {
            "intercept": self.intercept,
            "slope": self.slope,
            "sigma": self.sigma,
            "reference": self.reference,
            "limits": self.limits(floor),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Model":
        return cls(data["intercept"], data["slope"], data["sigma"], data["reference"])


def fit(values, temperature) -> Model:
    """Least-squares line of ``values`` on ``temperature``; σ is the residuals' robust spread."""
    values = np.asarray(values, dtype=float)
    temperature = np.asarray(temperature, dtype=float)
    keep = np.isfinite(values) & np.isfinite(temperature)
    values, temperature = values[keep], temperature[keep]
    if values.size < MIN_SAMPLES:
        raise ValueError(f"a baseline needs at least {MIN_SAMPLES} samples, got {values.size}")
    if np.ptp(temperature) < 1e-6:
        slope, intercept = 0.0, float(values.mean())
    else:
        slope, intercept = np.polyfit(temperature, values, 1)
    residual = values - (intercept + slope * temperature)
    # 1.4826 · MAD estimates σ for normal noise and ignores a few outliers.
    sigma = float(1.4826 * np.median(np.abs(residual - np.median(residual))))
    sigma = max(sigma, float(residual.std()) * 0.5)
    return Model(float(intercept), float(slope), sigma, float(values.mean()))


def level_of(value: float, limits: dict) -> int:
    """0 normal … 3 alarm for one |residual| against the limits {1: …, 2: …, 3: …}."""
    magnitude = abs(value)
    level = 0
    for step in (1, 2, 3):
        limit = limits.get(step, limits.get(str(step)))
        if limit is not None and magnitude > limit:
            level = step
    return level


def windows(times, window_s: float, start: float | None = None):
    """Indices splitting sorted ``times`` (epoch seconds) into windows of ``window_s``.

    Returns (window_end_times, list of index arrays); windows are aligned to ``start``
    (default: the first time rounded down to a multiple of ``window_s``).
    """
    times = np.asarray(times, dtype=float)
    if times.size == 0:
        return np.array([]), []
    origin = np.floor(times[0] / window_s) * window_s if start is None else start
    slots = np.floor((times - origin) / window_s).astype(np.int64)
    boundaries = np.flatnonzero(np.diff(slots)) + 1
    groups = np.split(np.arange(times.size), boundaries)
    ends = np.array([origin + (slots[group[0]] + 1) * window_s for group in groups])
    return ends, groups


def rate_windows(times, residual, window_s: float, limits: dict, start=None):
    """Per window: (end time, median residual, level)."""
    residual = np.asarray(residual, dtype=float)
    ends, groups = windows(times, window_s, start)
    result = []
    for end, group in zip(ends, groups, strict=True):
        median = float(np.median(residual[group]))
        result.append((float(end), median, level_of(median, limits)))
    return result


def trend_per_year(times, residual) -> float | None:
    """Slope of the residual in units per year (None with fewer than two days of data)."""
    times = np.asarray(times, dtype=float)
    residual = np.asarray(residual, dtype=float)
    if times.size < 3 or times[-1] - times[0] < 2 * 86400:
        return None
    slope = np.polyfit(times - times[0], residual, 1)[0]
    return float(slope * SECONDS_PER_YEAR)
