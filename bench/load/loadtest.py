# ruff: noqa: S311, S603, S608 - seeded test data, our own commands, our own table names
"""Load test of the whole platform: how many times the real load of Dortmund and Schwerte
does it carry with p95 under 500 ms?

Starts the platform as in production (a fresh PostgreSQL database, ``smartcity serve`` with
several uvicorn workers, demo content plus a sensor network of the real programme's size),
then drives a realistic mix from a second process (``client.py``: project and map pages, map
GeoJSON, SensorThings reads, observation ingest from schools, bridges and climate stations,
Open311 reads and new requests, appointment slots, CKAN package_search) in steps of 0.25×,
0.5×, 1×, 2×, … the expected real load (the first step is the baseline of the same run). A step
passes when every route group's p95 stays under 500 ms, under 1 % of the requests fail and
the server kept up with the offered rate; two failing steps in a row end a mix. A second
verdict holds only the groups people wait for (pages, map, reads, Open311, slots, CKAN) to
500 ms while the machine-to-machine ingest must keep up without errors. The "service demand"
(each kind's rate × its time alone) bounds the multiple from above whatever the concurrency:
cores / server-seconds per second.

    .venv/bin/python bench/load/loadtest.py                      # PostgreSQL smartcity_load
    .venv/bin/python bench/load/loadtest.py --postgres postgresql://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/load/loadtest.py --sqlite --multiples 1,2,5
    .venv/bin/python bench/load/loadtest.py --quick              # 3 short steps, small network
    .venv/bin/python bench/load/loadtest.py --mix ""             # only the full mix

The PostgreSQL database named is dropped and created anew (it must hold nothing else).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
P95_LIMIT = 0.5
# Rough extents (south, west, north, east) for the new defect reports.
EXTENT = {"dortmund": (51.44, 7.35, 51.57, 7.60), "schwerte": (51.42, 7.52, 51.47, 7.61)}


def prepare(args) -> dict:
    home = tempfile.mkdtemp(prefix="load-bench-")
    env = dict(os.environ)
    env.update(
        SMARTCITY_HOME=home,
        SMARTCITY_SECRET_KEY="bench-" + "x" * 50,
        SMARTCITY_DEBUG="false",
        SMARTCITY_HTTPS="false",
        SMARTCITY_ALLOWED_HOSTS="127.0.0.1,localhost",
        SMARTCITY_LOG_FORMAT="plain",
        DJANGO_SETTINGS_MODULE="smartcity.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    )
    env.pop("SMARTCITY_MQTT_URL", None)
    if args.sqlite:
        env.pop("SMARTCITY_DATABASE_URL", None)
    else:
        import psycopg

        base, _, name = args.postgres.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        env["SMARTCITY_DATABASE_URL"] = args.postgres
    os.environ.clear()
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    return env


def create_sensor_network(args) -> dict:
    """Schools (classroom devices with CO2, temperature, humidity), bridges, climate stations."""
    from smartcity.sensors.models import (
        Datastream,
        FeatureOfInterest,
        Location,
        ObservedProperty,
        Sensor,
        Thing,
    )

    measurement = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"
    sensor = Sensor.objects.create(name="Lasttest-Sensor", encoding_type="text/html")
    properties = {
        name: ObservedProperty.objects.create(name=name, definition=f"https://example.org/{name}")
        for name in ("CO2", "Temperatur", "Luftfeuchte", "Dehnung")
    }
    units = {
        "CO2": {"name": "ppm", "symbol": "ppm", "definition": "ppm"},
        "Temperatur": {"name": "Grad Celsius", "symbol": "°C", "definition": "degC"},
        "Luftfeuchte": {"name": "Prozent", "symbol": "%", "definition": "percent"},
        "Dehnung": {"name": "Mikrodehnung", "symbol": "µm/m", "definition": "microstrain"},
    }
    rng = random.Random(7)
    # (group, number of sites, devices per site, observed properties per device)
    plan = [
        ("school", args.schools, args.rooms, ("CO2", "Temperatur", "Luftfeuchte")),
        ("bridge", 5, args.channels, ("Dehnung",)),
        ("climate", 80, 1, ("Temperatur", "Luftfeuchte", "CO2", "Dehnung")),
    ]
    network = {}
    for group, sites, devices, observed in plan:
        locations = Location.objects.bulk_create(
            Location(
                name=f"{group} {site}",
                location={
                    "type": "Point",
                    "coordinates": [rng.uniform(7.35, 7.6), rng.uniform(51.42, 51.57)],
                },
            )
            for site in range(sites)
        )
        FeatureOfInterest.objects.bulk_create(
            FeatureOfInterest(name=loc.name, feature=loc.location, generated_from=loc)
            for loc in locations
        )
        things = Thing.objects.bulk_create(
            Thing(name=f"{group} {site} Gerät {device}")
            for site in range(sites)
            for device in range(devices)
        )
        Thing.locations.through.objects.bulk_create(
            Thing.locations.through(thing_id=thing.pk, location_id=locations[i // devices].pk)
            for i, thing in enumerate(things)
        )
        streams = Datastream.objects.bulk_create(
            Datastream(
                name=f"{thing.name} {name}",
                observation_type=measurement,
                unit_of_measurement=units[name],
                thing=thing,
                sensor=sensor,
                observed_property=properties[name],
            )
            for thing in things
            for name in observed
        )
        per_site = devices * len(observed)
        network[group] = {
            "sites": [
                [stream.pk for stream in streams[s * per_site : (s + 1) * per_site]]
                for s in range(sites)
            ],
            "things": [thing.pk for thing in things],
        }
    return network


def analyze() -> None:
    """Statistics for the planner after the bulk load, as a running database has them from
    autovacuum (and as an operator runs after a restore): right after the COPY, the tables
    looked empty to the planner, and the first minutes of the test measured its guesses."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")


def preload_history(network, minutes: int) -> int:
    """The last ``minutes`` of every school stream, so room reads find an hour of data."""
    from django.db import connection, transaction
    from django.db.models import DateTimeField

    from smartcity.sensors.models import Datastream, FeatureOfInterest

    by_location = dict(FeatureOfInterest.objects.values_list("generated_from_id", "pk"))
    feature_of = {
        stream: by_location[location]
        for stream, location in Datastream.objects.values_list("pk", "thing__locations__pk")
    }
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    rng = random.Random(3)
    rows = [
        (stream, feature_of[stream], now - timedelta(minutes=m), "n", rng.uniform(400, 1600))
        for site in network["school"]["sites"]
        for stream in site
        for m in range(1, minutes + 1)
    ]
    columns = "datastream_id, feature_of_interest_id, phenomenon_time_start, result_kind, "
    columns += "result_number"
    if connection.vendor == "postgresql":
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY sensors_observation ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        field = DateTimeField()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO sensors_observation ({columns}) VALUES (%s, %s, %s, %s, %s)",
                [(a, b, field.get_db_prep_value(c, connection), d, e) for a, b, c, d, e in rows],
            )
    return len(rows)


# 40,000 reports a year, closed after about three weeks on average: ~2,300 open at a time,
# 12 % of the half year of reports seeded by default.
OPEN_SHARE = 0.12


def seed_reports(count: int) -> None:
    """Defect reports in both cities over the last year, 12 % of them still open."""
    from django.utils import timezone

    from smartcity.defects.models import CLOSED_STATUSES, OPEN_STATUSES, Category, Report

    rng = random.Random(5)
    categories = list(Category.objects.select_related("city"))
    departments = {category.pk: category.responsible_department() for category in categories}
    now = timezone.now()
    reports = []
    for _index in range(count):
        category = rng.choice(categories)
        south, west, north, east = EXTENT.get(category.city.slug, EXTENT["dortmund"])
        is_open = rng.random() < OPEN_SHARE
        created = now - timedelta(days=rng.uniform(0, 365))
        reports.append(
            Report(
                city=category.city,
                category=category,
                department=departments[category.pk],
                latitude=round(rng.uniform(south, north), 6),
                longitude=round(rng.uniform(west, east), 6),
                description="Seit Tagen liegt hier Sperrmüll auf dem Gehweg.",
                status=rng.choice(OPEN_STATUSES if is_open else CLOSED_STATUSES),
                source=Report.Source.WEB,
                created_at=created,
                updated_at=created,
                closed_at=None if is_open else created + timedelta(days=3),
            )
        )
    Report.objects.bulk_create(reports, batch_size=2000)


def write_targets(env: dict, network: dict) -> Path:
    from smartcity.accounts.models import User
    from smartcity.appointments.models import Service
    from smartcity.core.models import City
    from smartcity.core.registries import map_layers
    from smartcity.core.tokens import create_token
    from smartcity.defects.models import Category, Report
    from smartcity.opendata.models import Dataset
    from smartcity.portfolio.models import Project
    from smartcity.portfolio.views.map import default_layers

    user, _ = User.objects.get_or_create(username="lasttest", defaults={"is_staff": True})
    cities = [city for city in City.objects.values_list("slug", flat=True) if city in EXTENT]
    words = set()
    for title in Dataset.objects.values_list("title", flat=True):
        words.update(word for word in title.split() if len(word) > 4)
    codes = set(Category.objects.filter(city__slug="dortmund").values_list("code", flat=True))
    codes &= set(Category.objects.filter(city__slug="schwerte").values_list("code", flat=True))
    reports = list(Report.objects.values_list("city__slug", "pk").order_by("?")[:1000])
    targets = {
        "cities": cities,
        "extent": {city: EXTENT[city] for city in cities},
        "projects": [
            project.get_absolute_url() for project in Project.objects.prefetch_related("cities")
        ],
        "school_streams": [stream for site in network["school"]["sites"] for stream in site],
        "schools": network["school"]["sites"],
        "bridges": network["bridge"]["sites"],
        "climate_streams": [s for site in network["climate"]["sites"] for s in site],
        "things": network["school"]["things"][:2000] + network["bridge"]["things"],
        "service_codes": sorted(codes),
        "reports": [list(row) for row in reports],
        "services": list(Service.objects.values_list("pk", flat=True)),
        "words": sorted(words) or ["Daten"],
        "sta_token": create_token(user, ["sta:write"], name="load")[1],
        "open311_token": create_token(user, ["open311:write"], name="load")[1],
        # What the map page's script loads when nobody picked a layer (see map_geojson).
        "map_default_layers": ",".join(layer.name for layer in default_layers()),
        "map_opt_in_layers": [layer.name for layer in map_layers if not layer.visible_by_default],
    }
    path = Path(env["SMARTCITY_HOME"]) / "targets.json"
    path.write_text(json.dumps(targets), encoding="utf-8")
    return path


def observation_bytes() -> int:
    """On PostgreSQL, the observation table's size with its indexes (all partitions)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
            "WHERE inhparent = 'sensors_observation'::regclass"
        )
        partitions = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size('sensors_observation')")
        return int(partitions) + int(cursor.fetchone()[0])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    log = open(Path(env["SMARTCITY_HOME"]) / "server.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "smartcity", "serve", "--port", str(port)]
        + ["--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return process, port
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"the server did not start; see {log.name}")


def run_step(port: int, targets: Path, multiple: float, args) -> dict:
    return run_client(port, targets, args, [
        "--multiple", str(multiple), "--seconds", str(args.seconds),
        "--warmup", str(args.warmup), "--connections", str(args.connections),
        "--without", args.without,
    ])  # fmt: skip


def run_client(port: int, targets: Path, args, extra: list[str]) -> dict:
    command = [
        sys.executable, str(HERE / "client.py"), "--port", str(port), "--targets", str(targets),
        *extra,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(done.stderr[-4000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def ms(value) -> str:
    return "–" if value is None else f"{value * 1000:.0f}"


INGEST = "sta-ingest"


def passed(step: dict, interactive: bool = False) -> tuple[bool, str]:
    """Every group's p95 under 500 ms (``interactive``: the groups people wait for, while
    ingest only has to keep up without errors), < 1 % errors, the offered rate served."""
    slow = [
        name
        for name, group in step["groups"].items()
        if group["p95"] is not None
        and group["p95"] > P95_LIMIT
        and not (interactive and name == INGEST)
    ]
    if slow:
        return False, "p95 > 500 ms: " + ", ".join(slow)
    if step["errors"] > 0.01 * max(step["requests"], 1):
        return False, f"{step['errors']} failed requests"
    if step["rate"] < 0.9 * step["offered_rate"]:
        return False, f"served {step['rate']:.1f} of {step['offered_rate']:.1f} req/s offered"
    ingest = step["groups"].get(INGEST)
    if ingest and ingest["rate"] < 0.9 * ingest["real_rate"] * step["multiple"]:
        return False, "ingest fell behind"
    return True, "ok"


def show(step: dict, baseline: dict | None) -> None:
    verdict = passed(step)
    relaxed = passed(step, interactive=True)
    ratio = f", {step['rate'] / baseline['rate']:.1f}× the first step's rate" if baseline else ""
    print(
        f"\n{step['multiple']:g}× real load: offered {step['offered_rate']:.1f} req/s, served "
        f"{step['rate']:.1f} req/s{ratio}, {step['observations'] / step['seconds']:.0f} obs/s; "
        f"p50/p95/p99 {ms(step['p50'])}/{ms(step['p95'])}/{ms(step['p99'])} ms; "
        f"errors {step['errors']}; machine load average {step.get('load_average', 0):.1f}; "
        f"all groups: {'PASS' if verdict[0] else 'FAIL'} ({verdict[1]}); "
        f"interactive groups with ingest keeping up: {'PASS' if relaxed[0] else 'FAIL'} "
        f"({relaxed[1]})"
    )
    header = ("group", "req", "req/s", "×real", "p50", "p95", "p99")
    print("  {:<13} {:>6} {:>7} {:>6} {:>6} {:>6} {:>6} err".format(*header))
    for name, group in step["groups"].items():
        print(
            f"  {name:<13} {group['requests']:>6} {group['rate']:>7.2f} "
            f"{group['rate'] / group['real_rate']:>6.1f} {ms(group['p50']):>6} "
            f"{ms(group['p95']):>6} {ms(group['p99']):>6} {group['errors']}"
            + (f" {group['statuses']}" if group["statuses"] else "")
        )
    if step["failures"]:
        print(f"  client-side failures: {step['failures']}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/smartcity_load")
    parser.add_argument("--sqlite", action="store_true", help="the embedded database instead")
    parser.add_argument("--workers", type=int, default=3, help="uvicorn worker processes")
    parser.add_argument("--multiples", default="0.25,0.5,1,2,5,10,15,20,30")
    parser.add_argument("--seconds", type=float, default=40.0, help="length of each step")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--schools", type=int, default=180)
    parser.add_argument("--rooms", type=int, default=40, help="classroom devices per school")
    parser.add_argument("--channels", type=int, default=26, help="channels per bridge")
    parser.add_argument("--history", type=int, default=60, help="minutes preloaded per room")
    parser.add_argument("--reports", type=int, default=20000)
    parser.add_argument(
        "--mix",
        action="append",
        help="route groups to leave out, comma-separated ('' = all); repeat for several "
        "mixes on the same server (default: all, then without sta-ingest)",
    )
    parser.add_argument("--sequential", type=int, default=5, help="unloaded requests per kind")
    parser.add_argument("--quick", action="store_true", help="small network, 3 short steps")
    args = parser.parse_args()
    if args.quick:
        args.schools, args.history, args.reports = 20, 10, 2000
        args.multiples, args.seconds, args.warmup = "1,5,10", 15.0, 3.0
    if args.mix is None:
        args.mix = ["", "sta-ingest"]

    sys.path.insert(0, str(HERE))
    from client import REAL_LOAD, real_load_summary

    began = time.perf_counter()
    env = prepare(args)
    network = create_sensor_network(args)
    history = preload_history(network, args.history)
    seed_reports(args.reports)
    analyze()
    targets = write_targets(env, network)
    from django.db import connections

    from smartcity.sensors.models import Datastream, Observation

    streams = Datastream.objects.count()
    before = Observation.objects.count()
    connections.close_all()
    print(
        f"database: {'SQLite' if args.sqlite else 'PostgreSQL'}; {args.workers} uvicorn workers; "
        f"{streams:,} Datastreams, {history:,} preloaded observations, {args.reports:,} "
        f"defect reports; set-up {time.perf_counter() - began:.0f} s"
    )
    real = sum(kind.rate for kind in REAL_LOAD)
    print(f"real load (1×, busiest hour): {real:.2f} req/s: " + ", ".join(
        f"{name} {rate:.2f}" for name, rate in real_load_summary().items()
    ))  # fmt: skip
    server, port = start_server(env, args.workers)
    results = []
    try:
        alone = run_client(port, targets, args, ["--sequential", str(args.sequential)])
        print(f"\neach kind alone ({args.sequential} requests one after the other), median ms:")
        for name, figures in alone.items():
            bad = [status for status in figures["statuses"] if not 200 <= status < 300]
            print(f"  {name:<28} {ms(figures['median']):>6}" + (f"  statuses {bad}" if bad else ""))
        demand = {kind.group: 0.0 for kind in REAL_LOAD}
        for kind in REAL_LOAD:
            demand[kind.group] += kind.rate * alone[kind.name]["median"]
        total = sum(demand.values())
        cores = os.cpu_count() or 1
        print(
            f"service demand at 1× (rate × time alone): {total:.2f} server-seconds per second "
            f"→ at most {cores / total:.1f}× on {cores} cores; without ingest "
            f"{total - demand[INGEST]:.2f} s/s → at most {cores / (total - demand[INGEST]):.1f}×"
        )
        print("  " + ", ".join(f"{group} {value:.3f}" for group, value in demand.items()))
        for number, without in enumerate(args.mix or [""]):
            if number:
                time.sleep(30)  # requests the client gave up on may still be running
            args.without = without
            print(f"\n=== mix: {'all groups' if not without else 'without ' + without} ===")
            steps = []
            for multiple in (float(value) for value in args.multiples.split(",")):
                step = run_step(port, targets, multiple, args)
                step["load_average"] = os.getloadavg()[0]
                steps.append(step)
                show(step, steps[0] if len(steps) > 1 else None)
                # Two failing steps in a row end the mix (one may be a disturbance).
                last_two = steps[-2:]
                if len(last_two) == 2 and not any(passed(x, interactive=True)[0] for x in last_two):
                    break
            results.append((without, steps))
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:  # requests still hanging: do not wait for them
            server.kill()
            server.wait(10)
    stored = Observation.objects.count() - before
    size = observation_bytes()
    if size:
        print(f"observation table with indexes: {size / Observation.objects.count():.0f} bytes/row")
    sent = sum(step["observations"] for _mix, steps in results for step in steps)
    print(f"\nobservations acknowledged (measured windows) {sent:,}; stored in all {stored:,}")
    for without, steps in results:
        mix = "all groups" if not without else f"without {without}"
        for label, interactive in (("every group", False), ("interactive groups", True)):
            good = [step for step in steps if passed(step, interactive)[0]]
            if not good:
                print(f"RESULT {mix} ({label} p95 < 500 ms): no step passed")
                continue
            best = good[-1]
            per_second = best["observations"] / best["seconds"]
            print(
                f"RESULT {mix} ({label} p95 < 500 ms): sustained {best['rate']:.1f} req/s "
                f"({per_second:.0f} obs/s) = {best['multiple']:g}× the expected real load "
                f"(target ≥ 10×: {'met' if best['multiple'] >= 10 else 'NOT met'})"
            )
    raw = Path(env["SMARTCITY_HOME"]) / "steps.json"
    raw.write_text(json.dumps({"mixes": results}), encoding="utf-8")
    print(f"raw figures: {raw}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
