"""Demo bridges with a simulated recent history, so the pages show live-ish data.

Four days at 30-minute resolution plus 20-second acceleration and strain windows every two
hours (calibrated on the first two days), then one analysis run. Idempotent: bridges are
matched by slug and only empty channels are filled.
"""

import time
from dataclasses import replace

from smartcity.bridges.models import Bridge
from smartcity.bridges.services import analysis
from smartcity.bridges.simulator import fleet, sinks
from smartcity.core.models import City

HISTORY_DAYS = 4
SCENARIOS = [("dortmund", 1, "healthy"), ("dortmund", 2, "crack"), ("schwerte", 3, "stiffness")]


def load() -> None:
    now = time.time()
    start = now - HISTORY_DAYS * 86400
    sink = sinks.DirectSink()
    for city_slug, number, scenario in SCENARIOS:
        city = City.objects.filter(slug=city_slug).first()
        if city is None:
            continue
        existing = Bridge.objects.filter(city=city, slug=f"sim-{number}").first()
        bridge = existing or fleet.create_bridge(city, number, calibration_days=2, demo=True)
        if any(channel.datastream.observations.exists() for channel in bridge.channels.all()):
            continue
        bridge.channels.filter(kind__in=["acceleration", "strain"]).update(
            expected_interval_s=2 * 3600
        )
        spec = fleet.spec_for(bridge, scenario, anomaly_start=now - 1.2 * 86400)
        if scenario == "crack":  # a slow growth: a warning for the demo, not an alarm
            spec = replace(spec, anomalies=[replace(spec.anomalies[0], amount=0.011)])
        fleet.generate(bridge, spec, start, now, sink, dynamic_every=2 * 3600, dynamic_seconds=20)
        analysis.analyse_bridge(bridge, now=now)
