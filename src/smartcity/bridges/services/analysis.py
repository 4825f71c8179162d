"""One analysis run per channel: baseline, compensation, levels, frequencies, fatigue, gaps.

Runs over complete analysis windows only (aligned to multiples of ``window_s``) and resumes
where the last run stopped (``Channel.analysed_until``), so the periodic job and an
on-demand run give the same result. Results are written back as derived Datastreams.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from smartcity.bridges.analysis import baseline, fatigue, gaps, modal
from smartcity.bridges.analysis.config import require
from smartcity.bridges.models import (
    AlertKind,
    Bridge,
    Channel,
    ChannelKind,
    DerivedKind,
    Level,
)
from smartcity.bridges.services import alerts, registry, series

DAY = 86400.0
TREND_DAYS = 90


@dataclass
class RunResult:
    channel: str
    windows: int = 0
    level: int = 0
    raised: list = field(default_factory=list)


def _temperature_at(channel: Channel, times, since=None, until=None):
    """Structure temperature interpolated to ``times`` (zeros without a temperature channel)."""
    times = np.asarray(times, dtype=float)
    if channel.temperature_channel_id is None or times.size == 0:
        return np.zeros(times.size)
    margin = 6 * 3600
    t_times, t_values = series.scalar(
        channel.temperature_channel.datastream_id,
        series.moment(times[0] - margin),
        series.moment(times[-1] + margin),
    )
    if t_times.size == 0:
        return np.full(times.size, np.nan)
    return np.interp(times, t_times, t_values)


def _window_bounds(channel: Channel, now: float):
    until = np.floor(now / channel.window_s) * channel.window_s
    since = channel.analysed_until.timestamp() if channel.analysed_until else None
    return since, float(until)


def _raise(result, channel, kind, level, at, message):
    alerts.raise_alert(channel.bridge, channel, kind, level, at, message)
    result.raised.append((kind, level, at))


def _check_gaps(result, channel: Channel, times, now: float):
    """Silent-sensor alerts: gaps inside ``times`` (joined to the last reading before them)
    and a sensor silent until ``now`` (judged by its latest reading, which may be newer)."""
    times = np.asarray(times, dtype=float)
    if channel.last_seen is not None:
        times = np.concatenate([[channel.last_seen.timestamp()], times])
    limit = gaps.SILENT_FACTOR * channel.expected_interval_s
    found = gaps.silent_gaps(times, channel.expected_interval_s)
    latest = series.last_time(channel.datastream_id)
    if latest is not None and now - latest > limit:
        found.append((latest, None))
    for start, end in found:
        minutes = round(((end or now) - start) / 60)
        message = _(
            "Der Sensor %(channel)s (%(position)s) hat %(minutes)s Minuten lang nichts gemeldet."
        ) % {"channel": channel.code, "position": channel.position, "minutes": minutes}
        _raise(result, channel, AlertKind.SILENT, Level.WARNING, start + limit, message)
        if end is not None:
            alerts.resolve(channel.bridge, channel, AlertKind.SILENT, at=end)


def _rate_slow(result, channel, times, residual, model_limits, until, frozen=()):
    levels = baseline.rate_windows(times, residual, channel.window_s, model_limits)
    notice = model_limits.get(Level.NOTICE, model_limits.get("1"))
    for end, median, level in levels:
        if end > until:
            break
        if end in frozen:
            continue  # a frozen sensor's value says nothing about the structure
        result.windows += 1
        result.level = level
        if level > Level.NORMAL:
            message = _(
                "Der Messkanal %(channel)s (%(kind)s, %(position)s) weicht temperaturbereinigt "
                "um %(value).3f %(unit)s vom Referenzzustand ab."
            ) % {
                "kind": channel.get_kind_display(),
                "channel": channel.code,
                "position": channel.position,
                "value": median,
                "unit": channel.unit,
            }
            _raise(result, channel, AlertKind.LIMIT, level, end, message)
        elif abs(median) < 0.5 * notice:
            alerts.resolve(channel.bridge, channel, AlertKind.LIMIT, at=end)


def _check_frozen(result, channel, times, values) -> set:
    """Frozen-sensor alerts; returns the ends of the frozen windows."""
    frozen = set()
    ends, groups = baseline.windows(times, channel.window_s)
    for end, group in zip(ends, groups, strict=True):
        if group.size >= 4 and np.ptp(values[group]) == 0:
            message = _(
                "Der Sensor %(channel)s (%(position)s) liefert seit mehreren Stunden denselben "
                "Wert; er ist vermutlich eingefroren."
            ) % {"channel": channel.code, "position": channel.position}
            _raise(result, channel, AlertKind.FROZEN, Level.WARNING, end, message)
            frozen.add(float(end))
        elif group.size >= 4:
            alerts.resolve(channel.bridge, channel, AlertKind.FROZEN, at=end)
    return frozen


def analyse_slow(channel: Channel, now: float) -> RunResult:
    """Crack width, tilt, displacement (and temperature: gaps and freezing only)."""
    result = RunResult(channel.code)
    since, until = _window_bounds(channel, now)
    if channel.baseline is None and channel.kind != ChannelKind.TEMPERATURE:
        all_times, all_values = series.scalar(channel.datastream_id, until=series.moment(until))
        if all_times.size and all_times[-1] - all_times[0] >= channel.calibration_days * DAY:
            end = all_times[0] + channel.calibration_days * DAY
            chosen = all_times < end
            model = baseline.fit(all_values[chosen], _temperature_at(channel, all_times[chosen]))
            channel.baseline = model.as_dict() | {"until": end}
            since = None  # compensate the calibration period as well
        else:
            return result  # still calibrating
    times, values = series.scalar(
        channel.datastream_id,
        series.moment(since) if since else None,
        series.moment(until),
    )
    _check_gaps(result, channel, times, now)
    frozen = set()
    if times.size:
        frozen = _check_frozen(result, channel, times, values)
        channel.last_seen = series.moment(times[-1])
    if channel.kind != ChannelKind.TEMPERATURE and times.size:
        model = baseline.Model.from_dict(channel.baseline)
        residual = model.residual(values, _temperature_at(channel, times))
        keep = np.isfinite(residual)
        series.write(
            registry.derived_stream(channel, DerivedKind.COMPENSATED),
            times[keep],
            model.reference + residual[keep],
        )
        limits = channel.limits()
        _rate_slow(result, channel, times[keep], residual[keep], limits, until, frozen)
        channel.level = result.level
        compensated = registry.derived_stream(channel, DerivedKind.COMPENSATED)
        recent_times, recent = series.scalar(
            compensated.pk, series.moment(until - TREND_DAYS * DAY), series.moment(until)
        )
        channel.trend_per_year = baseline.trend_per_year(recent_times, recent)
    channel.analysed_until = series.moment(until)
    return result


def _crop(records):
    length = min(samples.size for _, samples, _ in records)
    return np.vstack([samples[:length] for _, samples, _ in records]), length


def analyse_acceleration(channel: Channel, now: float) -> RunResult:
    result = RunResult(channel.code)
    since, until = _window_bounds(channel, now)
    fs = channel.sampling_rate_hz
    if channel.baseline is None:
        everything = series.records(channel.datastream_id, until=series.moment(until))
        starts = np.array([start for start, _, _ in everything])
        if not everything or starts[-1] - starts[0] < channel.calibration_days * DAY:
            return result
        calibration_end = starts[0] + channel.calibration_days * DAY
        chosen = [item for item in everything if item[0] < calibration_end]
        windows, length = _crop(chosen)
        require(kind=channel.kind, sampling_rate_hz=fs, window_s=length / fs)
        freqs, psd = modal.spectra(windows, fs)
        modes = modal.pick_modes(freqs, psd)
        if not modes:
            return result
        tracked = modal.track(freqs, psd, modes)
        temperature = _temperature_at(channel, starts[: len(chosen)])
        fitted = [baseline.fit(tracked[:, m], temperature) for m in range(len(modes))]
        calibration_drop = np.median(
            [
                -fit.residual(tracked[:, m], temperature) / fit.reference * 100
                for m, fit in enumerate(fitted)
            ],
            axis=0,
        )
        channel.baseline = {
            "modes": modes,
            "models": [fit.as_dict() for fit in fitted],
            "noise_percent": float(np.std(calibration_drop)),
            "until": calibration_end,
        }
        since = None
    found = series.records(
        channel.datastream_id, series.moment(since) if since else None, series.moment(until)
    )
    starts = np.array([start for start, _, _ in found])
    _check_gaps(result, channel, starts, now)
    if found:
        channel.last_seen = series.moment(starts[-1])
        windows, _length = _crop(found)
        freqs, psd = modal.spectra(windows, fs)
        tracked = modal.track(freqs, psd, channel.baseline["modes"])
        temperature = _temperature_at(channel, starts)
        drops = np.empty_like(tracked)
        for m, model_data in enumerate(channel.baseline["models"]):
            model = baseline.Model.from_dict(model_data)
            residual = model.residual(tracked[:, m], temperature)
            series.write(
                registry.derived_stream(channel, DerivedKind.FREQUENCY, m + 1),
                starts,
                model.reference + residual,
            )
            drops[:, m] = -residual / model.reference * 100
        limits = frequency_limits(channel)
        ends, groups = baseline.windows(starts, channel.window_s)
        for end, group in zip(ends, groups, strict=True):
            result.windows += 1
            # A loss of stiffness lowers all modes: the median over the modes of each mode's
            # median drop in the window is robust against one mis-picked peak.
            drop = float(np.nanmedian(np.nanmedian(drops[group], axis=0)))
            # Only a drop counts: a rise of the frequencies (stiffer, e.g. frost) is no damage.
            level = baseline.level_of(max(drop, 0.0), limits)
            result.level = level
            if level:
                message = _(
                    "Die Eigenfrequenzen am Sensor %(channel)s sind temperaturbereinigt um "
                    "%(drop).1f %% gesunken; das kann auf einen Steifigkeitsverlust hinweisen."
                ) % {"channel": channel.code, "drop": drop}
                _raise(result, channel, AlertKind.FREQUENCY, level, end, message)
            elif drop < 0.5 * limits[Level.NOTICE]:
                alerts.resolve(channel.bridge, channel, AlertKind.FREQUENCY, at=end)
        channel.level = result.level
    channel.analysed_until = series.moment(until)
    return result


# Each frequency limit is at least this multiple of the calibration's scatter (σ of the
# per-record drop), so that estimation noise cannot raise it; as for the slow channels'
# statistical limits (3σ, 5σ, 8σ), with the warning at 4σ as before.
FREQUENCY_NOISE_FACTORS = {Level.NOTICE: 3.0, Level.WARNING: 4.0, Level.ALARM: 8.0}


def frequency_limits(channel: Channel) -> dict[int, float]:
    """The drop (in %) per level: the engineers' limits, each at least a multiple of the
    calibration's scatter."""
    noise = (channel.baseline or {}).get("noise_percent") or 0.0
    configured = {
        Level.NOTICE: channel.frequency_notice_limit,
        Level.WARNING: channel.frequency_drop_limit,
        Level.ALARM: channel.frequency_alarm_limit,
    }
    return {
        level: max(value, FREQUENCY_NOISE_FACTORS[level] * noise)
        for level, value in configured.items()
    }


FATIGUE_LEVELS = ((1.0, Level.ALARM), (0.8, Level.WARNING), (0.5, Level.NOTICE))


def analyse_strain(channel: Channel, now: float) -> RunResult:
    result = RunResult(channel.code)
    since, until = _window_bounds(channel, now)
    found = series.records(
        channel.datastream_id, series.moment(since) if since else None, series.moment(until)
    )
    starts = np.array([start for start, _, _ in found])
    _check_gaps(result, channel, starts, now)
    if found:
        channel.last_seen = series.moment(starts[-1])
        fs = channel.sampling_rate_hz
        signal = np.concatenate([samples for _, samples, _ in found])
        sn = fatigue.curve(channel.detail_category, channel.gamma_mf)
        result_of_strain = fatigue.damage_of_strain(signal, sn, channel.modulus_gpa)
        channel.damage += result_of_strain.damage
        channel.damage_seconds += signal.size / fs
        channel.rainflow_histogram = fatigue.merge_histograms(
            channel.rainflow_histogram, result_of_strain.histogram
        )
        total = channel.bridge.prior_damage + channel.damage
        series.write(registry.derived_stream(channel, DerivedKind.DAMAGE), [until], [total])
        result.windows = len(found)
        result.level = next((level for bound, level in FATIGUE_LEVELS if total >= bound), 0)
        channel.level = result.level
        if result.level:
            message = _(
                "Die Ermüdungsschädigung am Dehnungsmessstreifen %(channel)s hat die "
                "Miner-Summe %(damage).2f erreicht."
            ) % {"channel": channel.code, "damage": total}
            _raise(result, channel, AlertKind.FATIGUE, result.level, until, message)
    channel.analysed_until = series.moment(until)
    return result


ANALYSERS = {
    ChannelKind.ACCELERATION: analyse_acceleration,
    ChannelKind.STRAIN: analyse_strain,
}


def analyse_channel(channel: Channel, now: float | None = None) -> RunResult:
    now = time.time() if now is None else now
    with transaction.atomic():
        channel = Channel.objects.select_for_update().select_related("bridge").get(pk=channel.pk)
        channel.bridge  # noqa: B018 - loaded for the alerts
        result = ANALYSERS.get(channel.kind, analyse_slow)(channel, now)
        channel.save()
    return result


def analyse_bridge(bridge: Bridge, now: float | None = None) -> list[RunResult]:
    channels = bridge.channels.select_related("temperature_channel").order_by("pk")
    return [analyse_channel(channel, now) for channel in channels]


def remaining_life(channel: Channel) -> float | None:
    """Projected years until the Miner sum reaches 1 at the damage rate measured so far."""
    if channel.damage_seconds <= 0:
        return None
    rate = channel.damage / channel.damage_seconds * baseline.SECONDS_PER_YEAR
    return fatigue.remaining_life_years(channel.bridge.prior_damage + channel.damage, rate)


def analyse_all(now: float | None = None) -> int:
    count = 0
    for bridge in Bridge.objects.order_by("pk"):
        count += len(analyse_bridge(bridge, now))
    return count
