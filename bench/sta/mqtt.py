"""MQTT ingest: QoS 1 publishes to v1.1/Datastreams(id)/Observations through the broker with
the ``smartcity mqtt`` bridge running, against the raw floor measured in the same run.

    .venv/bin/python bench/sta/mqtt.py                                   # SQLite
    .venv/bin/python bench/sta/mqtt.py --postgres postgres://postgres@127.0.0.1/sta_bench \\
        --mqtt mqtt://127.0.0.1:1883 --mqtt-messages 20000

Prints observations/s stored (counted in the database, from the first publish until the last
one is stored) and the ratio to the floor (the same number of rows inserted straight into the
table with COPY on PostgreSQL, executemany in one transaction on SQLite).
"""

import time
from datetime import UTC, datetime

import common
import ingest


def extra(parser):
    parser.add_argument("--datastreams", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100_000, help="rows for the floor")
    parser.add_argument("--mqtt", default="mqtt://127.0.0.1:1883", help="broker URL")
    parser.add_argument("--mqtt-messages", type=int, default=5_000)


def main():
    args = common.arguments(__doc__.splitlines()[0], extra)
    env = common.prepare_environment(args)
    streams = common.create_network(args.datastreams)
    features = common.feature_ids()
    per_stream = args.rows // len(streams)
    began = time.perf_counter()
    common.bulk_insert(
        common.rows_for(streams, per_stream, datetime(2020, 1, 1, tzinfo=UTC), features=features)
    )
    floor = per_stream * len(streams) / (time.perf_counter() - began)
    print(f"floor (raw bulk insert): {floor:,.0f} obs/s over {per_stream * len(streams):,} rows")
    ingest.mqtt_bench(args, env, streams, floor)
    print(common.uptime())


if __name__ == "__main__":
    main()
