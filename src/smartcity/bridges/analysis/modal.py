"""Natural frequencies from acceleration windows: Welch spectra, peak picking, tracking.

``pick_modes`` finds the first modes on a quiet reference spectrum (``scipy.signal.find_peaks``
on the log spectrum, ranked by prominence). ``track`` then follows each mode through many
windows at once: Welch spectra of all windows in one call, the highest spectral line within
±``search`` of the reference frequency, refined by a parabola through the log spectrum
(sub-bin accuracy). Everything is vectorised over windows.
"""

import numpy as np
from scipy import signal

DEFAULT_BAND = (1.0, 10.0)


def segment_length(samples: int, fs: float) -> int:
    """Welch segment: about 20 s of signal (0.05 Hz lines), at most the window, power of 2."""
    wanted = max(256, int(fs * 20))
    length = 1 << int(np.floor(np.log2(min(wanted, samples))))
    return max(length, min(samples, 256))


def spectra(windows, fs: float, nperseg: int | None = None):
    """Welch power spectral densities of each row of ``windows`` (2-D, same length)."""
    windows = np.atleast_2d(np.asarray(windows, dtype=float))
    nperseg = nperseg or segment_length(windows.shape[-1], fs)
    return signal.welch(windows, fs=fs, nperseg=nperseg, axis=-1, detrend="constant")


def _refine(freqs, log_psd, index):
    """Parabolic interpolation of the peak at ``index`` (arrays over windows)."""
    rows = np.arange(index.size)
    inner = np.clip(index, 1, log_psd.shape[-1] - 2)
    left, centre, right = (
        log_psd[rows, inner - 1],
        log_psd[rows, inner],
        log_psd[rows, inner + 1],
    )
    denominator = left - 2 * centre + right
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(denominator < 0, 0.5 * (left - right) / denominator, 0.0)
    step = freqs[1] - freqs[0]
    return freqs[inner] + np.clip(shift, -0.5, 0.5) * step


def pick_modes(freqs, psd, n_modes: int = 3, band=DEFAULT_BAND) -> list[float]:
    """The first ``n_modes`` natural frequencies of a (mean) spectrum, ascending."""
    psd = np.asarray(psd, dtype=float)
    if psd.ndim == 2:
        psd = psd.mean(axis=0)
    inside = (freqs >= band[0]) & (freqs <= band[1])
    offset = int(np.argmax(inside))
    log_psd = np.log10(psd[inside] + 1e-30)
    peaks, props = signal.find_peaks(log_psd, prominence=0.5)
    if peaks.size == 0:
        return []
    strongest = peaks[np.argsort(props["prominences"])[::-1][:n_modes]]
    chosen = np.sort(strongest) + offset
    refined = _refine(freqs, np.log10(psd + 1e-30)[None, :].repeat(chosen.size, 0), chosen)
    return [float(value) for value in refined]


def track(freqs, psd, references, search: float = 0.15):
    """Per window and reference mode: the frequency of the highest line near the reference.

    ``psd`` has one row per window; returns an array (windows × modes).
    """
    psd = np.atleast_2d(psd)
    log_psd = np.log10(psd + 1e-30)
    result = np.empty((psd.shape[0], len(references)))
    for column, reference in enumerate(references):
        low = np.searchsorted(freqs, reference * (1 - search))
        high = np.searchsorted(freqs, reference * (1 + search), side="right")
        index = low + np.argmax(log_psd[:, low:high], axis=1)
        result[:, column] = _refine(freqs, log_psd, index)
    return result


def track_windows(windows, fs: float, references, nperseg: int | None = None):
    """Welch spectra of all windows, then :func:`track`; returns (freqs, psd, modes)."""
    freqs, psd = spectra(windows, fs, nperseg)
    return freqs, psd, track(freqs, psd, references)


def sustained_drop(times, relative_drop, window_s: float, limit_percent: float):
    """First window whose median drop (in %) exceeds the limit: (end time, median) or None.

    ``relative_drop`` is (reference − compensated frequency) / reference · 100 per record.
    """
    from smartcity.bridges.analysis.baseline import windows as split

    ends, groups = split(times, window_s)
    drop = np.asarray(relative_drop, dtype=float)
    for end, group in zip(ends, groups, strict=True):
        median = float(np.median(drop[group]))
        if median > limit_percent:
            return float(end), median
    return None
