"""Fatigue from strain: rainflow counting, EN 1993-1-9 S-N curve, Palmgren–Miner damage.

S-N curve (EN 1993-1-9, 7.1 and Figure 7.1) for a detail category Δσ_C (N/mm² at 2·10⁶
cycles), with the partial factor γ_Mf applied to the resistance:

- Δσ ≥ Δσ_D: N = 2·10⁶ · (Δσ_C / Δσ)³, with Δσ_D = (2/5)^(1/3) · Δσ_C (at 5·10⁶ cycles);
- Δσ_L ≤ Δσ < Δσ_D: N = 5·10⁶ · (Δσ_D / Δσ)⁵, with Δσ_L = (5/100)^(1/5) · Δσ_D (at 10⁸);
- Δσ < Δσ_L: no damage (cut-off).

Rainflow counting is the four-point algorithm, vectorised: every pass extracts all inner
ranges at once (a range no larger than its two neighbours closes a cycle; extracting them
in any order gives the same cycles, and removing one only widens its neighbours' ranges),
until none is left; the residue counts as half cycles (ASTM E1049). The tests check that it
returns exactly what fatpack's sequential ``find_rainflow_cycles`` returns, about 40× faster
(the benchmark in ``bench/bridges`` has the figures).
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from smartcity.bridges.analysis.config import require

N_C, N_D, N_L = 2e6, 5e6, 1e8


@dataclass(frozen=True)
class SNCurve:
    detail_category: float
    gamma_mf: float = 1.0

    @property
    def delta_c(self) -> float:
        return self.detail_category / self.gamma_mf

    @property
    def delta_d(self) -> float:
        return (N_C / N_D) ** (1 / 3) * self.delta_c

    @property
    def delta_l(self) -> float:
        return (N_D / N_L) ** (1 / 5) * self.delta_d

    def cycles(self, stress_ranges):
        """Endurance N for each stress range (inf below the cut-off)."""
        ranges = np.asarray(stress_ranges, dtype=float)
        with np.errstate(divide="ignore"):
            upper = N_C * (self.delta_c / ranges) ** 3
            lower = N_D * (self.delta_d / ranges) ** 5
        return np.where(
            ranges >= self.delta_d, upper, np.where(ranges >= self.delta_l, lower, np.inf)
        )


def curve(detail_category: int, gamma_mf: float = 1.0) -> SNCurve:
    require(detail_category=detail_category, gamma_mf=gamma_mf)
    return SNCurve(float(detail_category), gamma_mf)


def miner(stress_ranges, counts, sn: SNCurve) -> float:
    """Palmgren–Miner damage sum Σ nᵢ / Nᵢ (ranges below the cut-off add nothing)."""
    ranges = np.asarray(stress_ranges, dtype=float)
    counts = np.asarray(counts, dtype=float)
    damaging = ranges >= sn.delta_l
    return float(np.sum(counts[damaging] / sn.cycles(ranges[damaging])))


def reversals(series) -> np.ndarray:
    """The turning points of a signal (with its first and last value); a plateau counts once."""
    series = np.asarray(series, dtype=float)
    if series.size < 3:
        return series.copy()
    step = np.diff(series)
    moving = step != 0
    if not moving.all():
        # Drop repeated values: a plateau is one point.
        keep = np.empty(series.size, dtype=bool)
        keep[0] = True
        keep[1:] = moving
        series, step = series[keep], step[moving]
        if series.size < 3:
            return series.copy()
    rising = step > 0
    turns = np.flatnonzero(rising[1:] != rising[:-1]) + 1
    points = np.concatenate([series[:1], series[turns], series[-1:]])
    # A flat start or end would repeat the neighbouring turning point.
    low = 1 if points.size > 1 and points[1] == points[0] else 0
    high = points.size - 1 if points.size - low > 1 and points[-1] == points[-2] else points.size
    return points[low:high]


def rainflow_cycles(points) -> tuple[np.ndarray, np.ndarray]:
    """Four-point rainflow on a sequence of reversals: (full-cycle ranges, residue)."""
    points = np.asarray(points, dtype=float)
    found = []
    while points.size >= 4:
        ranges = np.abs(np.diff(points))
        inner = ranges[1:-1]
        closes = (inner <= ranges[:-2]) & (inner <= ranges[2:])
        if not closes.any():
            break
        # Of two neighbouring candidates (equal ranges) take the first now, the next later.
        taken = closes.copy()
        taken[1:] &= ~closes[:-1]
        starts = np.flatnonzero(taken) + 1
        found.append(ranges[starts])
        keep = np.ones(points.size, dtype=bool)
        keep[starts] = False
        keep[starts + 1] = False
        points = points[keep]
    full = np.concatenate(found) if found else np.empty(0)
    return full, points


def rainflow(series):
    """Ranges and counts (1 per full cycle, ½ per residual half cycle) of one signal."""
    series = np.asarray(series, dtype=float)
    if series.size < 3 or np.ptp(series) == 0:
        return np.empty(0), np.empty(0)
    full, residue = rainflow_cycles(reversals(series))
    half = np.abs(np.diff(residue)) if residue.size > 1 else np.empty(0)
    ranges = np.concatenate([full, half])
    counts = np.concatenate([np.ones(full.size), np.full(half.size, 0.5)])
    return ranges, counts


def stress_ranges(strain_ranges, modulus_gpa: float = 210.0):
    """µm/m → N/mm²: Δσ = E · Δε = E[GPa] · 10³ · Δε[µm/m] · 10⁻⁶."""
    return np.asarray(strain_ranges, dtype=float) * modulus_gpa * 1e-3


class StrainDamage(NamedTuple):
    damage: float  # Miner sum
    histogram: dict  # {"width": N/mm², "counts": [cycles per class]}
    cycles: float  # full cycles + ½ per half cycle


def _class_counts(ranges, scale, classes):
    """Cycles per class of ``ranges · scale`` (class 0 counted without building an index)."""
    big = ranges[ranges >= 1.0 / scale]
    counts = np.bincount((big * scale).astype(np.int64), minlength=classes)
    counts[0] += ranges.size - big.size
    return counts


def damage_of_strain(series, sn: SNCurve, modulus_gpa: float = 210.0, width: float = 5.0):
    """Miner damage, rainflow histogram and cycle count of one strain signal in µm/m.

    Only ranges at or above the cut-off are turned into stresses; the histogram counts the
    rest in its first class without converting them.
    """
    series = np.asarray(series, dtype=float)
    if series.size < 3 or np.ptp(series) == 0:
        return StrainDamage(0.0, {"width": width, "counts": []}, 0.0)
    full, residue = rainflow_cycles(reversals(series))
    half = np.abs(np.diff(residue)) if residue.size > 1 else np.empty(0)
    factor = modulus_gpa * 1e-3  # N/mm² per µm/m
    cut_off = sn.delta_l / factor
    damage = float(np.sum(1.0 / sn.cycles(full[full >= cut_off] * factor)))
    damage += 0.5 * float(np.sum(1.0 / sn.cycles(half[half >= cut_off] * factor)))
    scale = factor / width
    top = max(full.max(initial=0.0), half.max(initial=0.0))
    classes = int(top * scale) + 1
    counts = _class_counts(full, scale, classes) + 0.5 * _class_counts(half, scale, classes)
    histogram = {"width": width, "counts": [float(value) for value in counts]}
    return StrainDamage(damage, histogram, float(full.size + 0.5 * half.size))


def histogram(stresses, counts, width: float = 5.0) -> dict:
    """Counts per stress-range class of ``width`` N/mm²: {"width", "counts": [...]}."""
    stresses = np.asarray(stresses, dtype=float)
    if stresses.size == 0:
        return {"width": width, "counts": []}
    classes = np.floor(stresses / width).astype(int)
    totals = np.bincount(classes, weights=np.asarray(counts, dtype=float))
    return {"width": width, "counts": [float(value) for value in totals]}


def merge_histograms(first: dict | None, second: dict) -> dict:
    if not first or not first.get("counts"):
        return second
    size = max(len(first["counts"]), len(second["counts"]))
    a = np.pad(np.asarray(first["counts"]), (0, size - len(first["counts"])))
    b = np.pad(np.asarray(second["counts"]), (0, size - len(second["counts"])))
    return {"width": second["width"], "counts": [float(value) for value in a + b]}


def remaining_life_years(damage_total: float, damage_rate_per_year: float) -> float | None:
    """Years until the Miner sum reaches 1 at the observed rate (None without damage rate)."""
    if damage_rate_per_year <= 0:
        return None
    return max(0.0, (1.0 - damage_total) / damage_rate_per_year)
