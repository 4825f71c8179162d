"""On-demand analysis with settings an engineer tries out (nothing is stored)."""

import numpy as np

from smartcity.bridges.analysis import config, fatigue, modal
from smartcity.bridges.models import Channel, ChannelKind
from smartcity.bridges.services import series


def analyse_latest(channel: Channel, settings: dict, records: int = 24) -> dict:
    """Spectrum (acceleration) or damage (strain) of the latest windows with ``settings``.

    Raises :class:`config.ConfigError` naming the fields with impossible values (negative
    sampling rate, a window longer than the data, an unknown detail category).
    """
    fs = settings.get("sampling_rate_hz", channel.sampling_rate_hz)
    config.require(
        kind=channel.kind,
        sampling_rate_hz=fs,
        detail_category=settings.get("detail_category"),
        gamma_mf=settings.get("gamma_mf"),
        modulus_gpa=settings.get("modulus_gpa"),
    )
    latest = series.records(channel.datastream_id)[-records:]
    if not latest:
        raise config.ConfigError({"__all__": "Für diesen Kanal liegen noch keine Messfenster vor."})
    if channel.kind == ChannelKind.ACCELERATION:
        length = min(samples.size for _, samples, _ in latest)
        window_s = settings.get("window_s") or length / fs
        config.require(
            kind=channel.kind, sampling_rate_hz=fs, window_s=window_s, data_seconds=length / fs
        )
        windows = np.vstack([samples[:length] for _, samples, _ in latest])
        nperseg = min(length, max(16, int(window_s * fs)))
        freqs, psd = modal.spectra(windows, fs, nperseg=nperseg)
        return {"modes": modal.pick_modes(freqs, psd), "windows": len(latest), "nperseg": nperseg}
    if channel.kind == ChannelKind.STRAIN:
        detail = settings.get("detail_category") or channel.detail_category
        sn = fatigue.curve(detail, settings.get("gamma_mf") or channel.gamma_mf)
        signal = np.concatenate([samples for _, samples, _ in latest])
        damage, _histogram, cycles = fatigue.damage_of_strain(
            signal, sn, settings.get("modulus_gpa") or channel.modulus_gpa
        )
        seconds = signal.size / fs
        rate = damage / seconds * 365.25 * 86400
        return {
            "damage": damage,
            "seconds": seconds,
            "cycles": cycles,
            "damagePerYear": rate,
            "remainingLifeYears": fatigue.remaining_life_years(
                channel.bridge.prior_damage + channel.damage, rate
            ),
        }
    raise config.ConfigError({"__all__": "Nur Beschleunigungs- und Dehnungskanäle."})
