"""``smartcity simulate bridges [--bridges N] [--speed X] [--via http|mqtt]``."""

import os

from smartcity.bridges.simulator import fleet, sinks

HELP = (
    "Simulierte Brücken: Temperatur, Risse, Neigung, Schwingungen und Dehnung mit "
    "eingespielten Auffälligkeiten über die SensorThings-Schnittstelle senden."
)


def add_arguments(parser):
    parser.add_argument("--bridges", type=int, default=3, help="Anzahl der Brücken (1–50)")
    parser.add_argument("--speed", type=float, default=60.0, help="Zeitraffer (× Echtzeit)")
    parser.add_argument("--via", choices=["http", "mqtt", "direct"], default="http")
    parser.add_argument(
        "--url", default=os.environ.get("SMARTCITY_SIM_URL", "http://localhost:8000")
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("SMARTCITY_SIM_TOKEN", ""),
        help="API-Token mit sta:write (oder SMARTCITY_SIM_TOKEN) für --via http",
    )
    parser.add_argument("--mqtt-url", default=None, help="Broker; sonst SMARTCITY_MQTT_URL")
    parser.add_argument("--city", default="dortmund")
    parser.add_argument("--history-days", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=None, help="Sekunden; sonst endlos")
    parser.add_argument(
        "--scenario",
        choices=["mixed", *fleet.SCENARIOS],
        default="mixed",
        help="mixed: die erste Brücke gesund, die weiteren mit je einer Auffälligkeit",
    )


def make_sink(options):
    via = options["via"]
    if via == "http":
        if not options.get("token"):
            raise SystemExit("--via http needs --token (scope sta:write) or SMARTCITY_SIM_TOKEN")
        return sinks.HttpSink(options["url"], options["token"])
    if via == "mqtt":
        return sinks.MqttSink(options.get("mqtt_url"))
    return sinks.DirectSink()


def run(options, stdout):
    from smartcity.core.models import City

    count = options["bridges"]
    if not 1 <= count <= 50:
        raise SystemExit("--bridges must be between 1 and 50")
    if options["speed"] <= 0:
        raise SystemExit("--speed must be greater than 0")
    city = City.objects.filter(slug=options["city"]).first()
    if city is None:
        raise SystemExit(f"unknown city {options['city']!r}")
    import time

    history = options["history_days"] * 86400
    anomaly_start = time.time() - history / 2
    bridges, specs = [], []
    for number in range(1, count + 1):
        bridge = fleet.create_bridge(city, number)
        scenario = options["scenario"]
        if scenario == "mixed":
            scenario = fleet.SCENARIOS[(number - 1) % len(fleet.SCENARIOS)]
        bridges.append(bridge)
        specs.append(fleet.spec_for(bridge, scenario, anomaly_start))
        stdout.write(f"{bridge.name} ({bridge.structure_number}): {scenario}\n")
    sink = make_sink(options)
    try:
        fleet.run(
            bridges,
            specs,
            sink,
            history_s=history,
            speed=options["speed"],
            duration_s=options["duration"],
            out=stdout,
        )
    finally:
        sink.close()
