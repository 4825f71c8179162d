"""Simulated bridges: their registry entries, channels, scripted scenarios and the run loop."""

import time
from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from smartcity.bridges.models import Bridge, ChannelKind, Inspection, InspectionKind
from smartcity.bridges.services import registry
from smartcity.bridges.simulator import physics

SLOW_INTERVAL = 1800.0  # slow channels: one reading every 30 minutes
DYNAMIC_EVERY = 1800.0  # one acceleration and one strain window every 30 minutes
DYNAMIC_SECONDS = 60.0
ACCELERATION_RATE = 100.0
STRAIN_RATE = 50.0

# code, kind, position, extra configuration
LAYOUT = [
    ("T1", ChannelKind.TEMPERATURE, "Überbau, Feldmitte, Unterseite", {}),
    ("R1", ChannelKind.CRACK, "Widerlager Nord, Kammerwand", {}),
    ("R2", ChannelKind.CRACK, "Feld 2, Steg links", {}),
    ("N1", ChannelKind.TILT, "Pfeiler Achse 20", {}),
    ("W1", ChannelKind.DISPLACEMENT, "Übergangskonstruktion Süd", {}),
    (
        "A1",
        ChannelKind.ACCELERATION,
        "Feldmitte, Gesims",
        {"sampling_rate_hz": ACCELERATION_RATE, "window_s": 3 * 3600},
    ),
    (
        "S1",
        ChannelKind.STRAIN,
        "Längsträger, Untergurt Feldmitte",
        {"sampling_rate_hz": STRAIN_RATE, "detail_category": 71, "window_s": 3 * 3600},
    ),
]

PLACES = [
    ("Brücke Emscherallee", "Emscherallee", [[7.4641, 51.5131], [7.4668, 51.5140]]),
    ("Brücke Mallinckrodtstraße", "Mallinckrodtstraße", [[7.4520, 51.5255], [7.4546, 51.5259]]),
    ("Ruhrbrücke Schwerte", "Ruhrstraße", [[7.5605, 51.4531], [7.5611, 51.4552]]),
    ("Brücke Hafenstraße", "Hafenstraße", [[7.4470, 51.5290], [7.4497, 51.5296]]),
    ("Brücke Evinger Straße", "Evinger Straße", [[7.4601, 51.5435], [7.4611, 51.5458]]),
]

SCENARIOS = ("healthy", "crack", "stiffness", "freeze", "silent")


def scenario_anomalies(name: str, start: float) -> list[physics.Anomaly]:
    """A scripted anomaly beginning at ``start`` (epoch seconds)."""
    if name == "crack":
        return [physics.Anomaly("crack_growth", start, amount=0.02, channel="R1")]
    if name == "stiffness":
        return [physics.Anomaly("stiffness_loss", start, amount=0.05)]
    if name == "freeze":
        return [physics.Anomaly("freeze", start, channel="N1")]
    if name == "silent":
        return [physics.Anomaly("silent", start, channel="W1")]
    return []


def create_bridge(city, number: int, *, calibration_days: int = 7, demo: bool = False):
    """The ``number``-th simulated bridge (made once; matched by its slug)."""
    slug = f"sim-{number}"
    existing = Bridge.objects.filter(city=city, slug=slug).first()
    if existing is not None:
        return existing
    name, road, line = PLACES[(number - 1) % len(PLACES)]
    if number > len(PLACES):
        name = f"{name} {number}"
        line = [[lon + 0.01 * number, lat] for lon, lat in line]
    bridge = registry.create_bridge(
        city,
        name=name,
        slug=slug,
        structure_number=f"4410{600 + number}",
        geometry={"type": "LineString", "coordinates": line},
        road=road,
        year_built=1962 + 7 * number,
        material="composite" if number % 2 else "prestressed",
        construction_type="Durchlaufträger",
        spans=2 + number % 3,
        length_m=60.0,
        owner_department="Tiefbauamt",  # as the demo staff's role: alerts reach them
        condition_grade=["2.1", "2.6", "1.8", "3.0", "2.4"][(number - 1) % 5],
        is_demo=demo,
    )
    today = date.today()
    Inspection.objects.create(
        bridge=bridge,
        kind=InspectionKind.MAIN,
        date=today - timedelta(days=365 * (2 + number % 6) + 30),
        grade=bridge.condition_grade,
    )
    Inspection.objects.create(
        bridge=bridge, kind=InspectionKind.VISUAL, date=today - timedelta(days=200 + 40 * number)
    )
    registry.sync_thing(bridge)
    temperature = None
    for code, kind, position, extra in LAYOUT:
        channel = registry.add_channel(
            bridge,
            code=code,
            kind=kind,
            position=position,
            calibration_days=calibration_days,
            temperature_channel=temperature,
            expected_interval_s=int(
                DYNAMIC_EVERY if "sampling_rate_hz" in extra else SLOW_INTERVAL
            ),
            **extra,
        )
        if kind == ChannelKind.TEMPERATURE:
            temperature = channel
    return bridge


def grid(start: float, end: float, step: float) -> np.ndarray:
    first = np.ceil(start / step) * step
    return np.arange(first, end, step)


def generate(
    bridge,
    spec: physics.BridgeSpec,
    start: float,
    end: float,
    sink,
    *,
    dynamic=True,
    dynamic_every: float = DYNAMIC_EVERY,
    dynamic_seconds: float = DYNAMIC_SECONDS,
):
    """Send all readings of ``bridge`` in [start, end) to ``sink``; returns rows sent."""
    sent = 0
    for channel in bridge.channels.order_by("pk"):
        if channel.is_dynamic:
            if not dynamic:
                continue
            times = grid(start, end, dynamic_every)
            times = times[physics.kept(spec, channel.code, times)]
            make = (
                physics.acceleration if channel.kind == ChannelKind.ACCELERATION else physics.strain
            )
            fs = channel.sampling_rate_hz
            rows = [
                (float(t), make(spec, float(t), dynamic_seconds, fs).tolist(), {"samplingRate": fs})
                for t in times
            ]
        else:
            times = grid(start, end, SLOW_INTERVAL)
            values = physics.slow(spec, channel.kind, channel.code, times)
            keep = physics.kept(spec, channel.code, times)
            rows = [
                (float(t), float(v), None) for t, v in zip(times[keep], values[keep], strict=True)
            ]
        if rows:
            sink.send(channel.datastream_id, rows)
            sent += len(rows)
    return sent


def spec_for(bridge, scenario: str = "healthy", anomaly_start: float | None = None, **fields):
    spec = physics.BridgeSpec(seed=bridge.pk, **fields)
    if anomaly_start is not None:
        spec = replace(spec, anomalies=scenario_anomalies(scenario, anomaly_start))
    return spec


def run(bridges, specs, sink, *, history_s: float, speed: float, duration_s: float | None, out):
    """Backfill ``history_s`` of data, then keep sending at ``speed`` × real time."""
    now = time.time()
    cursor = now - history_s
    for bridge, spec in zip(bridges, specs, strict=True):
        sent = generate(bridge, spec, cursor, now, sink)
        out.write(f"{bridge.name}: {sent} Beobachtungen (Verlauf)\n")
    simulated = now
    started = time.time()
    while duration_s is None or time.time() - started < duration_s:
        time.sleep(1.0)
        target = now + (time.time() - started) * speed
        if target - simulated < SLOW_INTERVAL:
            continue
        for bridge, spec in zip(bridges, specs, strict=True):
            generate(bridge, spec, simulated, target, sink)
        out.write(f"simuliert bis {physics_time(target)}\n")
        simulated = target


def physics_time(seconds: float) -> str:
    from smartcity.bridges.simulator.sinks import iso

    return iso(seconds)
