"""Rainflow counting, the EN 1993-1-9 S-N curve and Palmgren–Miner against hand calculations."""

import numpy as np
import pytest

from smartcity.bridges.analysis import fatigue
from smartcity.bridges.analysis.config import ConfigError


def test_astm_e1049_rainflow_example():
    # ASTM E1049-85 (2017), Fig. 6 / Table 4: ranges 3 (½), 4 (1½), 6 (½), 8 (1), 9 (½).
    ranges, counts = fatigue.rainflow(np.array([-2, 1, -3, 5, -1, 3, -4, 4, -2.0]))
    table = {}
    for value, count in zip(ranges, counts, strict=True):
        table[float(value)] = table.get(float(value), 0) + float(count)
    assert table == {3.0: 0.5, 4.0: 1.5, 6.0: 0.5, 8.0: 1.0, 9.0: 0.5}


def test_sn_curve_knees_for_detail_71():
    curve = fatigue.curve(71)
    # Δσ_D = (2/5)^(1/3) · 71 = 52.31; Δσ_L = (5/100)^(1/5) · Δσ_D = 28.73 (EN 1993-1-9 7.1).
    assert curve.delta_d == pytest.approx(52.31, abs=0.01)
    assert curve.delta_l == pytest.approx(28.73, abs=0.01)
    assert curve.cycles([71.0])[0] == pytest.approx(2e6)
    assert curve.cycles([curve.delta_d])[0] == pytest.approx(5e6)
    assert curve.cycles([curve.delta_l])[0] == pytest.approx(1e8)
    assert np.isinf(curve.cycles([20.0])[0])


def test_miner_sum_matches_hand_calculation():
    # By hand, detail 71, γ_Mf = 1:
    #   100 N/mm², 2 cycles:     N = 2e6 · (71/100)³ = 715 822        → 2 / 715 822 = 2.7940e-6
    #   40 N/mm², 1000 cycles:   N = 5e6 · (52.313/40)⁵ = 1.9131e7    → 1000 / N   = 5.2272e-5
    #   20 N/mm², 10⁶ cycles:    below Δσ_L = 28.73                   → 0
    damage = fatigue.miner([100.0, 40.0, 20.0], [2, 1000, 1_000_000], fatigue.curve(71))
    assert damage == pytest.approx(2.7940e-6 + 5.2272e-5, rel=1e-3)


def test_strain_signal_to_damage():
    # 500 µm/m at E = 200 GPa is 100 N/mm²; 0-500-0-500-0 is one full and two half cycles.
    curve = fatigue.curve(71)
    damage, histogram, cycles = fatigue.damage_of_strain(
        np.array([0, 500, 0, 500, 0.0]), curve, modulus_gpa=200.0
    )
    assert cycles == 2.0
    assert histogram["counts"][20] == 2.0 and sum(histogram["counts"]) == 2.0  # 100–105 N/mm²
    assert damage == pytest.approx(2 / 715_822, rel=1e-5)


def test_damage_of_strain_equals_miner_over_all_cycles():
    from smartcity.bridges.simulator import physics

    signal = physics.strain(physics.BridgeSpec(seed=6), 1772409600.0 + 9 * 3600, 900, 50.0)
    curve = fatigue.curve(56)
    ranges, counts = fatigue.rainflow(signal)
    expected = fatigue.miner(fatigue.stress_ranges(ranges), counts, curve)
    result = fatigue.damage_of_strain(signal, curve)
    assert expected > 0
    assert result.damage == pytest.approx(expected, rel=1e-12)
    assert result.cycles == pytest.approx(counts.sum())
    assert result.histogram == fatigue.histogram(fatigue.stress_ranges(ranges), counts)


def test_partial_factor_shortens_life():
    plain = fatigue.miner([100.0], [1], fatigue.curve(71))
    safe = fatigue.miner([100.0], [1], fatigue.curve(71, gamma_mf=1.35))
    assert safe == pytest.approx(plain * 1.35**3)


def test_remaining_life():
    assert fatigue.remaining_life_years(0.2, 0.01) == pytest.approx(80.0)
    assert fatigue.remaining_life_years(1.2, 0.01) == 0.0
    assert fatigue.remaining_life_years(0.2, 0.0) is None


def test_unknown_detail_category_is_rejected():
    with pytest.raises(ConfigError) as error:
        fatigue.curve(72)
    assert "detail_category" in error.value.errors
    assert "72" in error.value.errors["detail_category"]


def test_histogram_merges():
    first = fatigue.histogram([1.0, 7.0], [1, 0.5])
    second = fatigue.histogram([12.0], [1])
    assert fatigue.merge_histograms(first, second)["counts"] == [1.0, 0.5, 1.0]


def test_vectorised_rainflow_equals_fatpack():
    import fatpack

    from smartcity.bridges.simulator import physics

    signal = physics.strain(physics.BridgeSpec(seed=4), 1772409600.0 + 8 * 3600, 600, 50.0)
    points = fatigue.reversals(signal)
    ours, residue = fatigue.rainflow_cycles(points)
    cycles, their_residue = fatpack.find_rainflow_cycles(points)
    assert ours.size > 1000
    assert np.allclose(np.sort(ours), np.sort(np.abs(cycles[:, 1] - cycles[:, 0])))
    assert np.allclose(residue, their_residue)
    # Reversals: every interior point is a strict local extreme of its neighbours.
    inner = points[1:-1]
    assert np.all((inner - points[:-2]) * (points[2:] - inner) < 0)


def test_plateaus_count_once():
    assert list(fatigue.reversals(np.array([0, 1, 1, 1, 0, 0, 2.0]))) == [0, 1, 0, 2]
    assert list(fatigue.reversals(np.array([1, 1, 2, 0, 0.0]))) == [1, 2, 0]
    assert list(fatigue.reversals(np.array([0, 1, 2.0]))) == [0, 2]
