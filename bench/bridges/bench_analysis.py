"""Bridge analysis throughput: frequency tracking and rainflow + fatigue damage.

1. Frequency tracking on 20 acceleration channels at 100 Hz (one hour each, 60-second
   windows): seconds of signal processed per CPU-second of one core (target ≥ 1,000× real
   time). The platform's path (``analysis.modal.track_windows``: one Welch call over all
   windows, vectorised peak search with parabolic refinement) against a straightforward
   implementation (per window and segment an FFT, then a Python loop over the spectral lines
   of each mode's search band), both on the same windows; the frequencies must agree.
2. Rainflow counting + Palmgren–Miner damage (EN 1993-1-9, detail 71) on one day of 50 Hz
   strain for 20 channels (target < 2 s CPU). The platform's path (``analysis.fatigue``:
   vectorised reversals and four-point rainflow) against a straightforward implementation
   (the pure-Python ``rainflow`` package and a per-cycle damage loop) and against fatpack's
   sequential four-point counting, on the same signal; the damage sums must agree.

The straightforward implementations are slow, so they run on a part of the data (stated in
the output) and are compared as throughput. Times are CPU seconds of this process
(``time.process_time``), best of three, with numpy limited to one thread.

    .venv/bin/python bench/bridges/bench_analysis.py            # full figures
    .venv/bin/python bench/bridges/bench_analysis.py --quick    # 4 channels, a quarter day
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from django.conf import settings  # noqa: E402

settings.configure(USE_I18N=False)  # the analysis is plain numpy; no database needed

import numpy as np  # noqa: E402

from smartcity.bridges.analysis import fatigue, modal  # noqa: E402
from smartcity.bridges.simulator import physics  # noqa: E402

START = 1772452800.0  # 2026-03-02 12:00 UTC: daytime traffic
WINDOW_S = 60.0


def cpu_best(function, repeat=3):
    function()
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        function()
        best = min(best, time.process_time() - started)
    return best


# --- 1. Frequency tracking -------------------------------------------------------------------


def naive_track(windows, fs, references, nperseg, search=0.15):
    """Per window: Welch by hand (segment loop, Hann, rFFT), then a loop over the lines."""
    hann = np.hanning(nperseg + 1)[:-1]  # periodic Hann like scipy's default
    step = nperseg // 2
    freqs = np.fft.rfftfreq(nperseg, 1 / fs)
    result = []
    for window in windows:
        power = np.zeros(freqs.size)
        segments = 0
        for start in range(0, window.size - nperseg + 1, step):
            segment = window[start : start + nperseg]
            segment = (segment - segment.mean()) * hann
            power += np.abs(np.fft.rfft(segment)) ** 2
            segments += 1
        log_power = np.log10(power / segments + 1e-30)
        row = []
        for reference in references:
            best, best_index = -np.inf, 0
            for index in range(freqs.size):
                inside = reference * (1 - search) <= freqs[index] <= reference * (1 + search)
                if inside and log_power[index] > best:
                    best, best_index = log_power[index], index
            left, centre, right = log_power[best_index - 1 : best_index + 2]
            denominator = left - 2 * centre + right
            shift = 0.5 * (left - right) / denominator if denominator < 0 else 0.0
            row.append(freqs[best_index] + max(-0.5, min(0.5, shift)) * (freqs[1] - freqs[0]))
        result.append(row)
    return np.array(result)


def frequency_benchmark(channels, seconds, fs=100.0):
    windows_per_channel = int(seconds // WINDOW_S)
    windows = np.vstack(
        [
            physics.acceleration(
                physics.BridgeSpec(seed=channel), START + i * WINDOW_S, WINDOW_S, fs
            )
            for channel in range(channels)
            for i in range(windows_per_channel)
        ]
    )
    signal_seconds = channels * windows_per_channel * WINDOW_S
    nperseg = modal.segment_length(windows.shape[1], fs)
    freqs, psd = modal.spectra(windows[:12], fs)
    references = modal.pick_modes(freqs, psd)
    fast = cpu_best(lambda: modal.track_windows(windows, fs, references))
    _, _, tracked = modal.track_windows(windows, fs, references)
    part = windows[: max(12, windows_per_channel)]  # one channel's hour
    slow = cpu_best(lambda: naive_track(part, fs, references, nperseg), repeat=1)
    naive = naive_track(part, fs, references, nperseg)
    agreement = float(np.max(np.abs(naive - tracked[: len(part)])))
    fast_rate = signal_seconds / fast
    slow_rate = part.shape[0] * WINDOW_S / slow
    print("1. Frequency tracking, 100 Hz acceleration, 60-s windows, Welch nperseg", nperseg)
    print(f"   modes found: {', '.join(f'{f:.3f} Hz' for f in references)}")
    print(
        f"   platform:        {channels} channels × {seconds / 3600:g} h = {signal_seconds:,.0f} s "
        f"of signal in {fast:.3f} CPU-s → {fast_rate:,.0f}× real time (target ≥ 1,000×)"
    )
    print(
        f"   straightforward: {part.shape[0]} windows ({part.shape[0] * WINDOW_S:,.0f} s) in "
        f"{slow:.3f} CPU-s → {slow_rate:,.0f}× real time"
    )
    print(f"   ratio platform / straightforward: {fast_rate / slow_rate:.1f}×")
    print(f"   largest difference of the tracked frequencies: {agreement:.2e} Hz")
    return fast_rate


# --- 2. Rainflow + damage -------------------------------------------------------------------


def naive_damage(series, sn, modulus_gpa=210.0):
    import rainflow

    damage = 0.0
    for strain_range, _mean, count, _start, _end in rainflow.extract_cycles(series):
        stress = strain_range * modulus_gpa * 1e-3
        if stress >= sn.delta_d:
            damage += count / (2e6 * (sn.delta_c / stress) ** 3)
        elif stress >= sn.delta_l:
            damage += count / (5e6 * (sn.delta_d / stress) ** 5)
    return damage


def fatpack_damage(series, sn, modulus_gpa=210.0):
    import fatpack

    points = fatigue.reversals(series)
    cycles, residue = fatpack.find_rainflow_cycles(points)
    ranges = np.concatenate([np.abs(cycles[:, 1] - cycles[:, 0]), np.abs(np.diff(residue))])
    counts = np.concatenate([np.ones(len(cycles)), np.full(len(residue) - 1, 0.5)])
    return fatigue.miner(fatigue.stress_ranges(ranges, modulus_gpa), counts, sn)


def rainflow_benchmark(channels, seconds, fs=50.0):
    sn = fatigue.curve(71)
    total_cpu, total_damage = 0.0, 0.0
    part = None
    for channel in range(channels):
        series = physics.strain(
            physics.BridgeSpec(seed=channel + 1), START - 12 * 3600, seconds, fs
        )
        if part is None:
            part = series[: int(3600 * fs)]  # one hour of the first channel
        total_cpu += cpu_best(lambda s=series: fatigue.damage_of_strain(s, sn), repeat=2)
        total_damage += fatigue.damage_of_strain(series, sn).damage
    ours = fatigue.damage_of_strain(part, sn).damage
    slow = cpu_best(lambda: naive_damage(part, sn), repeat=1)
    library = cpu_best(lambda: fatpack_damage(part, sn), repeat=1)
    fast_part = cpu_best(lambda: fatigue.damage_of_strain(part, sn))
    samples = channels * seconds * fs
    print("2. Rainflow + Miner damage, 50 Hz strain, EN 1993-1-9 detail 71")
    print(
        f"   platform:        {channels} channels × {seconds / 3600:g} h = {samples:,.0f} samples "
        f"in {total_cpu:.2f} CPU-s (target < 2 s for 20 channels × 24 h); "
        f"damage sum {total_damage:.3e}"
    )
    print(
        f"   one hour of one channel: platform {fast_part * 1000:.1f} ms, straightforward "
        f"(pure-Python rainflow + loop) {slow * 1000:.0f} ms, fatpack {library * 1000:.0f} ms"
    )
    print(
        f"   ratio platform / straightforward: {slow / fast_part:.0f}×; "
        f"platform / fatpack: {library / fast_part:.0f}×"
    )
    reference = naive_damage(part, sn)
    print(
        f"   damage of that hour: platform {ours:.6e}, straightforward {reference:.6e}, "
        f"fatpack {fatpack_damage(part, sn):.6e}"
    )
    return total_cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    channels = 4 if args.quick else 20
    frequency_benchmark(channels, 3600.0)
    rainflow_benchmark(channels, 6 * 3600.0 if args.quick else 86400.0)


if __name__ == "__main__":
    main()
