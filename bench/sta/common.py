"""Shared set-up of the SensorThings benchmarks: own database, server process, data, clients.

Each benchmark gets a fresh database (a SQLite file in a temp folder, or the PostgreSQL
database given with --postgres, which is dropped and re-created), a real server process
(``smartcity serve``, uvicorn) and a token with scope sta:write.
"""

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def arguments(description: str, extra=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--postgres", help="postgres://… URL of a scratch database (dropped!)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    if extra:
        extra(parser)
    return parser.parse_args()


def prepare_environment(args) -> dict:
    home = tempfile.mkdtemp(prefix="sta-bench-")
    env = dict(os.environ)
    env.update(
        SMARTCITY_HOME=home,
        SMARTCITY_SECRET_KEY="bench-" + "x" * 50,
        SMARTCITY_DEBUG="false",
        SMARTCITY_HTTPS="false",
        SMARTCITY_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    env.pop("SMARTCITY_MQTT_URL", None)
    if args.postgres:
        recreate_postgres(args.postgres)
        env["SMARTCITY_DATABASE_URL"] = args.postgres
    else:
        env.pop("SMARTCITY_DATABASE_URL", None)
    os.environ.update(env)
    for key in ("SMARTCITY_DATABASE_URL", "SMARTCITY_MQTT_URL"):
        if key not in env:
            os.environ.pop(key, None)
    env["DJANGO_SETTINGS_MODULE"] = os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    here = str(Path(__file__).resolve().parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
    sys.path[:0] = [here, str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def recreate_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def writer_token() -> str:
    from smartcity.accounts.models import User
    from smartcity.core.tokens import create_token

    user, _ = User.objects.get_or_create(username="bench")
    return create_token(user, ["sta:write"], name="bench")[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``smartcity serve`` in a child process."""

    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [str(BIN / "smartcity"), "serve", "--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(env["SMARTCITY_HOME"]) / "server.log", "wb"),  # noqa: SIM115
        )
        self.log = Path(env["SMARTCITY_HOME"]) / "server.log"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = request(self.port, "GET", "/sta/v1.1")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(20)


def request(port, method, path, body=None, token=None, connection=None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if connection is None:
        conn.close()
    return response.status, data


def create_network(datastreams: int) -> list[int]:
    """Things each with one Location and one Datastream (through the service layer)."""
    from smartcity.sensors.models import Datastream, Location, ObservedProperty, Sensor, Thing
    from smartcity.sensors.services import feature_from_thing, link_locations

    sensor = Sensor.objects.create(name="bench", encoding_type="text/html", metadata="m")
    observed = ObservedProperty.objects.create(name="T", definition="t")
    ids = []
    for number in range(datastreams):
        thing = Thing.objects.create(name=f"Thing {number}")
        location = Location.objects.create(
            name=f"L{number}",
            location={"type": "Point", "coordinates": [7.4 + number * 1e-4, 51.5]},
        )
        link_locations(thing, [location])
        stream = Datastream.objects.create(
            name=f"DS {number}",
            observation_type="OM_Measurement",
            unit_of_measurement={"name": "Grad", "symbol": "°C", "definition": "x"},
            thing=thing,
            sensor=sensor,
            observed_property=observed,
        )
        stream.thing = thing
        feature_from_thing(stream)
        ids.append(stream.pk)
    return ids


def feature_ids() -> dict[int, int]:
    from smartcity.sensors.models import Datastream, FeatureOfInterest

    by_location = dict(FeatureOfInterest.objects.values_list("generated_from_id", "pk"))
    return {
        stream.pk: by_location[stream.thing.locations.first().pk]
        for stream in Datastream.objects.select_related("thing")
    }


COLUMNS = (
    "datastream_id",
    "feature_of_interest_id",
    "phenomenon_time_start",
    "result_kind",
    "result_number",
)


def rows_for(stream_ids, per_stream, start, step=timedelta(minutes=1), features=None):
    features = features or feature_ids()
    for stream_id in stream_ids:
        for index in range(per_stream):
            yield (
                stream_id,
                features[stream_id],
                start + index * step,
                "n",
                round(random.uniform(-10, 35), 2),  # noqa: S311 - test data
            )


def bulk_insert(rows) -> int:
    """The floor: the database's fastest bulk path (COPY / one-transaction executemany)."""
    from django.db import connection, transaction

    rows = list(rows)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY sensors_observation ({', '.join(COLUMNS)}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return len(rows)
    from django.db.models import DateTimeField

    field = DateTimeField()
    adapted = [(a, b, field.get_db_prep_value(c, connection), d, e) for a, b, c, d, e in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO sensors_observation ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",  # noqa: S608
            adapted,
        )
    return len(rows)


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def concurrently(clients: int, jobs, work):
    """Run work(connection, job) for all jobs on ``clients`` threads; returns latencies (s)."""
    jobs = list(jobs)
    latencies = []
    lock = threading.Lock()
    position = [0]

    def worker():
        connection = None
        while True:
            with lock:
                if position[0] >= len(jobs):
                    return
                job = jobs[position[0]]
                position[0] += 1
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", job[0], timeout=120)
            began = time.perf_counter()
            work(connection, job)
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def raw_request(method, path, body=b"", token=None) -> bytes:
    """One HTTP/1.1 keep-alive request as bytes (built before the clock starts)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


CONNECT_GAP = 0.005  # seconds between the load generator's connection set-ups


def fire(port, clients, requests, expect=200):
    """The load generator: ``clients`` keep-alive connections on one asyncio (uvloop) event
    loop, each sending the next prepared request as soon as its previous answer arrived
    (closed loop). Far cheaper per request than threads with http.client, so it leaves the
    CPU to the server on a shared 2-core machine. Returns (latencies in s, elapsed s)."""
    import asyncio

    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        uvloop = None
    requests = list(requests)
    latencies = []
    position = [0]

    async def client(number):
        # Connections open one after another, as independent sensors would: a burst of
        # simultaneous connects is accepted by one worker process (its accept loop drains the
        # whole backlog), which leaves the others idle and measures the load generator.
        await asyncio.sleep(number * CONNECT_GAP)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while position[0] < len(requests):
                data = requests[position[0]]
                position[0] += 1
                began = time.perf_counter()
                writer.write(data)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length)
                latencies.append(time.perf_counter() - began)
                if status != expect:
                    raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
        finally:
            writer.close()

    async def run_all():
        began = time.perf_counter()
        await asyncio.gather(*(client(number) for number in range(clients)))
        return time.perf_counter() - began

    elapsed = (uvloop.run if uvloop is not None else asyncio.run)(run_all())
    return latencies, elapsed


def uptime() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(latencies, elapsed):
    return (
        f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
        f"{len(latencies) / elapsed:.0f} req/s (mean {statistics.mean(latencies) * 1000:.1f} ms)"
    )


def dumps(value) -> bytes:
    return json.dumps(value).encode()
