"""Query: latest 1000, one-day $filter, serialisation and $aggregate against their baselines.

    .venv/bin/python bench/sta/query.py                        # SQLite, 200k observations
    .venv/bin/python bench/sta/query.py --postgres postgres://postgres@127.0.0.1/sta_bench \
        --datastreams 1000 --observations 10000000             # the full size

Figures: p50/p99 latency and requests/s with 16 concurrent clients for
``Datastreams(id)/Observations?$top=1000&$orderby=phenomenonTime desc`` and a one-day
``$filter`` on phenomenonTime; serialisation of 1000 rows by the server code against dumping
the same rows with orjson; ``$aggregate`` over one year of 1-minute data (or what was loaded)
against a plain SELECT of one page.
"""

import random
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import common


def extra(parser):
    parser.add_argument("--datastreams", type=int, default=100)
    parser.add_argument("--observations", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per query kind")
    parser.add_argument(
        "--year-minutes",
        type=int,
        default=60 * 24 * 60,
        help="1-minute observations of the aggregate Datastream (525600 = one year)",
    )


START = datetime(2025, 1, 1, tzinfo=UTC)


def load(args):
    streams = common.create_network(args.datastreams)
    features = common.feature_ids()
    per_stream = max(1, args.observations // len(streams))
    began = time.perf_counter()
    batch = []
    for row in common.rows_for(streams[1:], per_stream, START, features=features):
        batch.append(row)
        if len(batch) == 100_000:
            common.bulk_insert(batch)
            batch = []
    common.bulk_insert(batch)
    common.bulk_insert(common.rows_for(streams[:1], args.year_minutes, START, features=features))
    from django.db import connection

    from smartcity.sensors.services import rollups

    for stream in streams:  # COPY bypassed the service layer: build the hourly roll-ups
        rollups.rebuild(stream)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sensors_observation")
    total = per_stream * (len(streams) - 1) + args.year_minutes
    print(f"loaded {total:,} observations in {time.perf_counter() - began:.1f} s")
    return streams, per_stream


def run_queries(args, server, streams, per_stream, label, make_path):
    requests = [
        common.raw_request("GET", make_path(random.choice(streams[1:])))  # noqa: S311
        for _ in range(args.requests)
    ]
    latencies, elapsed = common.fire(server.port, args.clients, requests)
    print(f"{label}: {common.summary(latencies, elapsed)}; {common.uptime()}")


def serialisation(streams):
    """Server code (query + entity JSON + orjson) vs orjson over the same rows' values."""
    import orjson
    from django.test import RequestFactory

    from smartcity.sensors.models import Observation
    from smartcity.sensors.sta.views import dispatch

    stream = streams[0]
    path = f"Datastreams({stream})/Observations"
    request = RequestFactory(HTTP_HOST="127.0.0.1").get(
        f"/sta/v1.1/{path}", {"$top": "1000", "$orderby": "phenomenonTime desc"}
    )
    rounds = 20
    began = time.perf_counter()
    for _ in range(rounds):
        dispatch(request, "v1.1", path)
    ours = (time.perf_counter() - began) / rounds
    began = time.perf_counter()
    for _ in range(rounds):
        rows = list(
            Observation.objects.filter(datastream_id=stream)
            .order_by("-phenomenon_time_start")
            .values()[:1000]
        )
        orjson.dumps(rows)
    floor = (time.perf_counter() - began) / rounds
    print(
        f"serialisation of 1000 rows: {ours * 1000:.1f} ms vs SELECT+orjson {floor * 1000:.1f} ms"
        f" = {ours / floor:.2f}x; {common.uptime()}"
    )


def aggregates(server, stream, minutes):
    """$aggregate for the whole loaded span vs one page, both in SQL and both over HTTP."""
    from django.db import connection

    from smartcity.sensors.models import Datastream
    from smartcity.sensors.services import aggregate_json

    end = START + timedelta(minutes=minutes)
    rounds = 10

    def timed(function):
        function()  # warm caches once
        began = time.perf_counter()
        for _ in range(rounds):
            function()
        return (time.perf_counter() - began) / rounds

    datastream = Datastream.objects.get(pk=stream)
    stats = ["mean", "min", "max", "count"]
    # What the view runs: one query, the buckets come back as JSON text.
    in_sql = timed(lambda: aggregate_json(datastream, timedelta(hours=1), stats, START, end))

    def page_select():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT * FROM sensors_observation WHERE datastream_id = %s "
                "ORDER BY phenomenon_time_start DESC LIMIT 100",
                [stream],
            )
            cursor.fetchall()

    page = timed(page_select)
    path = (
        f"/sta/v1.1/Datastreams({stream})/Observations/$aggregate?interval=PT1H"
        f"&stats=mean,min,max,count&from={common.iso(START)}&to={common.iso(end)}"
    )

    def get(url):
        status, body = common.request(server.port, "GET", url)
        assert status == 200, body

    over_http = timed(lambda: get(path))
    page_http = timed(lambda: get(f"/sta/v1.1/Datastreams({stream})/Observations"))
    print(
        f"$aggregate PT1H over {minutes:,} 1-minute rows: service {in_sql * 1000:.1f} ms vs "
        f"one-page SELECT {page * 1000:.1f} ms = {in_sql / page:.1f}x; over HTTP "
        f"{over_http * 1000:.1f} ms vs one-page GET {page_http * 1000:.1f} ms = "
        f"{over_http / page_http:.1f}x; {common.uptime()}"
    )


def main():
    args = common.arguments(__doc__.splitlines()[0], extra)
    env = common.prepare_environment(args)
    streams, per_stream = load(args)
    server = common.Server(env, args.workers)
    try:
        run_queries(
            args,
            server,
            streams,
            per_stream,
            "top 1000 by phenomenonTime desc",
            lambda s: (
                f"/sta/v1.1/Datastreams({s})/Observations?$top=1000"
                "&$orderby=" + quote("phenomenonTime desc")
            ),
        )
        day = START + timedelta(minutes=random.randint(0, max(per_stream - 1440, 0)))  # noqa: S311
        one_day = (
            f"phenomenonTime ge {common.iso(day)} and "
            f"phenomenonTime lt {common.iso(day + timedelta(days=1))}"
        )
        run_queries(
            args,
            server,
            streams,
            per_stream,
            "one-day $filter",
            lambda s: (
                f"/sta/v1.1/Datastreams({s})/Observations?$top=1000&$filter=" + quote(one_day)
            ),
        )
        serialisation(streams)
        aggregates(server, streams[0], args.year_minutes)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
