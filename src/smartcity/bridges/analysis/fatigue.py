"""Fatigue from strain: rainflow counting, EN 1993-1-9 S-N curve, Palmgren–Miner damage.

S-N curve (EN 1993-1-9, 7.1 and Figure 7.1) for a detail category Δσ_C (N/mm² at 2·10⁶
cycles), with the partial factor γ_Mf applied to the resistance:

- Δσ ≥ Δσ_D: N = 2·10⁶ · (Δσ_C / Δσ)³, with Δσ_D = (2/5)^(1/3) · Δσ_C (at 5·10⁶ cycles);
- Δσ_L ≤ Δσ < Δσ_D: N = 5·10⁶ · (Δσ_D / Δσ)⁵, with Δσ_L = (5/100)^(1/5) · Δσ_D (at 10⁸);
- Δσ < Δσ_L: no damage (cut-off).

Rainflow counting uses fatpack (reversals found with a hysteresis of one of 256 load classes,
four-point algorithm on the exact values at the reversals); the residue counts as half
cycles (ASTM E1049).
"""

from dataclasses import dataclass

import fatpack
import numpy as np

from smartcity.bridges.analysis.config import require

N_C, N_D, N_L = 2e6, 5e6, 1e8
LOAD_CLASSES = 256


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
    """Palmgren–Miner damage sum Σ nᵢ / Nᵢ."""
    counts = np.asarray(counts, dtype=float)
    return float(np.sum(counts / sn.cycles(stress_ranges)))


def rainflow(series, load_classes: int = LOAD_CLASSES):
    """Ranges and counts (1 per full cycle, ½ per residual half cycle) of one signal."""
    series = np.asarray(series, dtype=float)
    if series.size < 3 or np.ptp(series) == 0:
        return np.empty(0), np.empty(0)
    _, indices = fatpack.find_reversals(series, k=load_classes)
    # The load classes only decide which points are reversals; count with the exact values.
    cycles, residue = fatpack.find_rainflow_cycles(series[indices])
    full = np.abs(cycles[:, 1] - cycles[:, 0]) if cycles.ndim == 2 else np.empty(0)
    half = np.abs(np.diff(residue)) if residue.size > 1 else np.empty(0)
    ranges = np.concatenate([full, half])
    counts = np.concatenate([np.ones(full.size), np.full(half.size, 0.5)])
    return ranges, counts


def stress_ranges(strain_ranges, modulus_gpa: float = 210.0):
    """µm/m → N/mm²: Δσ = E · Δε = E[GPa] · 10³ · Δε[µm/m] · 10⁻⁶."""
    return np.asarray(strain_ranges, dtype=float) * modulus_gpa * 1e-3


def damage_of_strain(series, sn: SNCurve, modulus_gpa: float = 210.0):
    """(damage, stress ranges, counts) of one strain signal in µm/m."""
    ranges, counts = rainflow(series)
    stresses = stress_ranges(ranges, modulus_gpa)
    return miner(stresses, counts, sn), stresses, counts


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
