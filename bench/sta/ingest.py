"""Ingest: (a) single POSTs, (b) CreateObservations × 1000, (c) MQTT — against the raw floor.

    .venv/bin/python bench/sta/ingest.py                      # SQLite, small
    .venv/bin/python bench/sta/ingest.py --postgres postgres://postgres@127.0.0.1/sta_bench
    … --rows 1000000 --posts 50000 --mqtt mqtt://127.0.0.1:1883   # bigger

The floor is the same rows inserted straight into the same table with the database's fastest
bulk path (COPY on PostgreSQL, executemany in one transaction on SQLite), measured in the same
run; every figure is printed as observations/s and as a ratio to that floor.
"""

import argparse
import json
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import common


def extra(parser):
    parser.add_argument("--datastreams", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100_000, help="rows for floor and (b)")
    parser.add_argument("--posts", type=int, default=3_000, help="single POSTs for (a)")
    parser.add_argument("--mqtt", help="broker URL for (c), e.g. mqtt://127.0.0.1:1883")
    parser.add_argument("--mqtt-messages", type=int, default=3_000)
    parser.add_argument(
        "--skip-plain", action="store_true", help="no (a') run with the grouped path off"
    )


def observation_count():
    from smartcity.sensors.models import Observation

    return Observation.objects.count()


def main():
    args = common.arguments(__doc__.splitlines()[0], extra)
    env = common.prepare_environment(args)
    token = common.writer_token()
    streams = common.create_network(args.datastreams)
    features = common.feature_ids()
    per_stream = args.rows // len(streams)
    rows = per_stream * len(streams)

    began = time.perf_counter()
    common.bulk_insert(
        common.rows_for(streams, per_stream, datetime(2020, 1, 1, tzinfo=UTC), features=features)
    )
    floor = rows / (time.perf_counter() - began)
    print(f"floor (raw bulk insert): {floor:,.0f} obs/s over {rows:,} rows")

    server = common.Server(env, args.workers)
    try:
        # (b) CreateObservations with 1000 observations per request.
        bodies = array_bodies(streams, per_stream, datetime(2021, 1, 1, tzinfo=UTC))

        def post_array(connection, job):
            status, _ = common.request(
                job[0], "POST", "/sta/v1.1/CreateObservations", job[1], token, connection
            )
            assert status == 201, status

        # Warm-up, not counted (a server in production is warm, and the floor's connection
        # is too): every worker's first requests pay its connection, prepared statements and
        # caches. Several rounds of fresh connections, so that each worker gets some.
        warm = array_bodies(streams[:4], 1000, datetime(2020, 6, 1, tzinfo=UTC))
        for _round in range(2 * args.workers):
            common.concurrently(4, [(server.port, body) for body in warm], post_array)
        began = time.perf_counter()
        common.concurrently(
            min(args.clients, 4), [(server.port, body) for body in bodies], post_array
        )
        rate_b = rows / (time.perf_counter() - began)
        print(f"(b) CreateObservations x1000: {rate_b:,.0f} obs/s = {rate_b / floor:.0%} of floor")

        # (a) single-Observation POSTs from 16 concurrent clients (grouped ingest path).
        rate_a = single_posts(args, server.port, streams, token, datetime(2022, 1, 1, tzinfo=UTC))
        print(
            f"(a) single POSTs, {args.clients} clients: {rate_a[0]:,.0f} obs/s = "
            f"{rate_a[0] / floor:.1%} of floor; {rate_a[1]}"
        )
    finally:
        server.stop()
    ceiling = empty_app(args, env)
    print(
        f"(a*) the same requests against an empty ASGI app answering 201: {ceiling[0]:,.0f} "
        f"req/s; (a) reaches {rate_a[0] / ceiling[0]:.0%} of it; {ceiling[1]}"
    )
    if args.skip_plain:
        return

    # The same through Django's request cycle (grouped ingest off), for comparison.
    plain_env = dict(env, STA_BENCH_FAST_INGEST="0")
    server = common.Server(plain_env, args.workers)
    try:
        rate_plain = single_posts(
            args, server.port, streams, token, datetime(2022, 6, 1, tzinfo=UTC)
        )
        print(
            f"(a') the same without the grouped ingest path: {rate_plain[0]:,.0f} obs/s; "
            f"grouped/plain = {rate_a[0] / rate_plain[0]:.1f}x; {rate_plain[1]}"
        )
    finally:
        server.stop()

    if args.mqtt:
        mqtt_bench(args, env, streams, floor)


def array_bodies(streams, per_stream, start) -> list[bytes]:
    """CreateObservations bodies of (at most) 1000 rows of one Datastream each."""
    bodies = []
    for stream in streams:
        for chunk in range(0, per_stream, 1000):
            data = [
                [common.iso(start + timedelta(minutes=chunk + i)), float(i % 40)]
                for i in range(min(1000, per_stream - chunk))
            ]
            group = {
                "Datastream": {"@iot.id": stream},
                "components": ["phenomenonTime", "result"],
                "dataArray": data,
            }
            bodies.append(json.dumps([group]).encode())
    return bodies


def single_posts(args, port, streams, token, start, warm_up=500):
    """``args.posts`` single POSTs from ``args.clients`` clients, after ``warm_up`` POSTs
    (from fresh connections, half a minute earlier in phenomenonTime) that are not counted."""
    if warm_up:
        single_posts(
            argparse.Namespace(posts=warm_up, clients=args.clients),
            port,
            streams,
            token,
            start - timedelta(minutes=30),
            warm_up=0,
        )
    requests = [
        common.raw_request(
            "POST",
            f"/sta/v1.1/Datastreams({streams[i % len(streams)]})/Observations",
            json.dumps(
                {"phenomenonTime": common.iso(start + timedelta(seconds=i)), "result": i}
            ).encode(),
            token,
        )
        for i in range(args.posts)
    ]
    latencies, elapsed = common.fire(port, args.clients, requests, expect=201)
    return args.posts / elapsed, f"{common.summary(latencies, elapsed)}, {common.uptime()}"


def empty_app(args, env):
    """The same requests against an ASGI app that only answers 201: the ceiling."""
    port = common.free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [
            str(common.BIN / "uvicorn"),
            "empty_app:app",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=str(Path(__file__).resolve().parent),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                common.request(port, "GET", "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return single_posts(args, port, [1], "x", datetime(2020, 1, 1, tzinfo=UTC))
    finally:
        process.terminate()
        process.wait(20)


def mqtt_bench(args, env, streams, floor):
    from smartcity.core.mqtt import client_from_url

    env = dict(env, SMARTCITY_MQTT_URL=args.mqtt, PYTHONUNBUFFERED="1")
    bridge = subprocess.Popen(  # noqa: S603 - our own command
        [str(common.BIN / "smartcity"), "mqtt", "--client-id", f"bench-{uuid.uuid4().hex[:6]}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The bridge prints its "running" line once the broker confirmed its subscriptions.
        if b"running" not in bridge.stdout.readline():
            raise RuntimeError("the MQTT bridge did not start")
        before = observation_count()
        publisher = client_from_url(args.mqtt, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}")
        publisher.loop_start()
        start = datetime(2023, 1, 1, tzinfo=UTC)
        began = time.perf_counter()
        for i in range(args.mqtt_messages):
            payload = {"phenomenonTime": common.iso(start + timedelta(seconds=i)), "result": i}
            topic = f"v1.1/Datastreams({streams[i % len(streams)]})/Observations"
            publisher.publish(topic, json.dumps(payload), qos=1)
            if i % 200 == 199:
                # Mosquitto queues at most max_queued_messages (default 1000) for a slow
                # subscriber and drops the rest: keep the backlog well below that.
                while i + 1 - (observation_count() - before) > 400:
                    time.sleep(0.05)
        while observation_count() - before < args.mqtt_messages:
            if time.perf_counter() - began > 600:
                raise RuntimeError("MQTT ingest did not finish in 10 minutes")
            time.sleep(0.2)
        rate_c = args.mqtt_messages / (time.perf_counter() - began)
        print(f"(c) MQTT publishes (QoS 1): {rate_c:,.0f} obs/s = {rate_c / floor:.1%} of floor")
        publisher.loop_stop()
        publisher.disconnect()
    finally:
        bridge.terminate()
        bridge.wait(20)


if __name__ == "__main__":
    main()
