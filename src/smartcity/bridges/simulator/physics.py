"""Signals of a simulated bridge.

- Structure temperature: seasonal mean, a daily swing (peak at 15:00 UTC), weather noise.
- Crack width, tilt, displacement: linear in temperature plus sensor noise.
- Acceleration: ambient and traffic excitation through lightly damped modes (2–6 Hz) whose
  frequencies fall slightly with temperature; measurement noise.
- Strain: vehicle crossings (cars and lorries) as half-sine pulses on a thermal drift.
- Dropouts (missing readings) and scripted anomalies: a growing crack, a stiffness loss that
  lowers every natural frequency, a frozen sensor, a sensor that goes silent.
"""

import zlib
from dataclasses import dataclass, field

import numpy as np
from scipy import signal

DAY = 86400.0
YEAR = 365.25 * DAY


@dataclass(frozen=True)
class Anomaly:
    """``kind``: crack_growth (``amount`` mm per day), stiffness_loss (``amount`` = relative
    frequency drop, e.g. 0.05), freeze or silent (the channel ``channel``) from ``start``."""

    kind: str
    start: float
    amount: float = 0.0
    channel: str | None = None
    end: float | None = None

    def active(self, times):
        times = np.asarray(times, dtype=float)
        after = times >= self.start
        return after if self.end is None else after & (times < self.end)


@dataclass
class BridgeSpec:
    seed: int = 1
    mean_temperature: float = 10.0
    seasonal_amplitude: float = 8.0
    daily_swing: float = 12.0  # peak to peak, °C
    modes: tuple = (2.9, 4.3, 5.8)
    damping: float = 0.015
    frequency_per_degree: float = -0.0012  # relative change per °C
    length_m: float = 60.0
    dropout: float = 0.0  # share of readings lost
    anomalies: list = field(default_factory=list)

    def rng(self, salt: float) -> np.random.Generator:
        return np.random.default_rng([self.seed, int(salt) & 0xFFFFFFFF])


# kind: (value at 10 °C, change per °C, noise σ)
SLOW_CHANNELS = {
    "crack": (0.30, -0.004, 0.002),
    "tilt": (0.10, 0.010, 0.002),
    "displacement": (0.0, 0.72, 0.03),
}


def temperature(spec: BridgeSpec, times):
    times = np.asarray(times, dtype=float)
    season = spec.mean_temperature - spec.seasonal_amplitude * np.cos(
        2 * np.pi * (times / YEAR - 0.05)
    )
    daily = spec.daily_swing / 2 * np.cos(2 * np.pi * ((times % DAY) / DAY - 15 / 24))
    weather = 1.5 * np.sin(2 * np.pi * times / (5.3 * DAY) + spec.seed)
    return season + daily + weather


def _anomalies(spec: BridgeSpec, kind: str, channel: str | None = None):
    return [
        item
        for item in spec.anomalies
        if item.kind == kind and (item.channel is None or item.channel == channel)
    ]


def slow(spec: BridgeSpec, kind: str, code: str, times):
    """Readings of a slow channel at ``times`` (temperature, crack, tilt, displacement)."""
    times = np.asarray(times, dtype=float)
    rng = spec.rng((times[0] if times.size else 0) + zlib.crc32(code.encode()))
    structure = temperature(spec, times)
    if kind == "temperature":
        values = structure + rng.normal(0, 0.05, times.size)
    else:
        base, per_degree, noise = SLOW_CHANNELS[kind]
        values = base + per_degree * (structure - 10.0) + rng.normal(0, noise, times.size)
        for anomaly in _anomalies(spec, "crack_growth", code):
            grown = np.clip(times - anomaly.start, 0, None) / DAY * anomaly.amount
            values = values + grown
    return np.round(_freeze(spec, code, times, values), 4)


def _freeze(spec, code, times, values):
    values = np.array(values, dtype=float)
    for anomaly in _anomalies(spec, "freeze", code):
        mask = anomaly.active(times)
        if mask.any():
            first = int(np.argmax(mask))
            values[mask] = values[max(first - 1, 0)]
    return values


def kept(spec: BridgeSpec, code: str, times):
    """Which readings reach the platform (dropouts and silent anomalies removed)."""
    times = np.asarray(times, dtype=float)
    keep = np.ones(times.size, dtype=bool)
    if spec.dropout:
        salt = (times[0] if times.size else 0) + zlib.crc32(code.encode()) + 7
        keep &= spec.rng(salt).random(times.size) >= spec.dropout
    for anomaly in _anomalies(spec, "silent", code):
        keep &= ~anomaly.active(times)
    return keep


def frequencies(spec: BridgeSpec, moment: float) -> np.ndarray:
    """Natural frequencies at ``moment``: temperature effect and any stiffness loss."""
    base = np.asarray(spec.modes, dtype=float)
    factor = 1 + spec.frequency_per_degree * (temperature(spec, [moment])[0] - 10.0)
    for anomaly in _anomalies(spec, "stiffness_loss"):
        if anomaly.active([moment])[0]:
            factor *= 1 - anomaly.amount
    return base * factor


def acceleration(spec: BridgeSpec, start: float, seconds: float, fs: float) -> np.ndarray:
    """One window of vertical acceleration in m/s²."""
    rng = spec.rng(start * 3 + 1)
    samples = int(round(seconds * fs))
    excitation = rng.normal(0, 1.0, samples)
    # A few vehicles: short bursts of stronger excitation.
    for _ in range(rng.poisson(seconds / 20)):
        at = rng.integers(0, samples)
        width = int(fs * rng.uniform(1, 4))
        excitation[at : at + width] += rng.normal(0, 4.0, min(width, samples - at))
    response = np.zeros(samples)
    for number, frequency in enumerate(frequencies(spec, start)):
        omega = 2 * np.pi * frequency / fs
        radius = np.exp(-spec.damping * omega)
        a = [1.0, -2 * radius * np.cos(omega * np.sqrt(1 - spec.damping**2)), radius**2]
        response += signal.lfilter([omega**2], a, excitation) / (number + 1)
    response *= 0.02 / (response.std() or 1.0)
    return np.round(response + rng.normal(0, 0.002, samples), 5)


def strain(spec: BridgeSpec, start: float, seconds: float, fs: float) -> np.ndarray:
    """One window of strain in µm/m: thermal drift and vehicle crossings."""
    rng = spec.rng(start * 5 + 2)
    samples = int(round(seconds * fs))
    times = start + np.arange(samples) / fs
    values = 2.0 * (temperature(spec, times) - 10.0)
    hour = (start % DAY) / 3600
    rate = 0.5 if 6 <= hour <= 21 else 0.1  # vehicles per second
    for _ in range(rng.poisson(rate * seconds)):
        lorry = rng.random() < 0.15
        amplitude = rng.uniform(60, 180) if lorry else rng.uniform(4, 15)
        width = int(fs * rng.uniform(1.5, 4.0))
        at = rng.integers(-width // 2, samples)
        pulse = amplitude * np.sin(np.linspace(0, np.pi, width))
        low, high = max(at, 0), min(at + width, samples)
        if high > low:
            values[low:high] += pulse[low - at : high - at]
    return np.round(values + rng.normal(0, 0.8, samples), 2)
