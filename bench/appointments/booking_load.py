"""Booking under load: many clients race for the slots of one day.

Prints bookings per second, the number of confirmed bookings (must equal the capacity
exactly) and, as the baseline measured in the same run, one client booking the same number
of slots one after the other (no contention): ``ratio`` = concurrent rate / sequential rate.

    .venv/bin/python bench/appointments/booking_load.py            # 50 clients, 20 slots
    .venv/bin/python bench/appointments/booking_load.py --full     # 200 clients, 50 slots
    .venv/bin/python bench/appointments/booking_load.py --postgres postgres://postgres@127.0.0.1:5432/smartcity_bench

SQLite runs on a fresh file database; PostgreSQL on the named database, which is dropped and
created anew (it must not hold anything else).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]


def fresh_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def run(database: str | None, clients: int, slots: int, workers: int) -> dict:
    command = [
        sys.executable, "-m", "smartcity.appointments.loadtest",
        "--clients", str(clients), "--slots", str(slots), "--workers", str(workers), "--baseline",
    ]  # fmt: skip
    if database:
        command += ["--database", database]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run(  # noqa: S603 - our own module with our own arguments
        command, capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    if not done.stdout.strip():
        raise SystemExit(done.stderr[-4000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(label: str, result: dict) -> bool:
    ok = result["confirmed"] == result["capacity"] and not result["errors"]
    ratio = result["bookings_per_second"] / result["baseline_bookings_per_second"]
    print(f"{label}:")
    print(f"  clients {result['clients']}, capacity {result['capacity']}")
    print(
        f"  confirmed {result['confirmed']} (= capacity: {'yes' if ok else 'NO'}), "
        f"attempts {result['attempts']}, refused as taken {result['refused']}"
    )
    print(
        f"  concurrent {result['bookings_per_second']:.1f} bookings/s "
        f"({result['attempts'] / result['seconds']:.1f} attempts/s) in {result['seconds']:.2f} s; "
        f"sequential baseline {result['baseline_bookings_per_second']:.1f} bookings/s; "
        f"ratio {ratio:.2f}"
    )
    for error in result["errors"][:5]:
        print(f"  error: {error}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="200 clients, 50 slots")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--slots", type=int)
    parser.add_argument("--workers", type=int, default=32, help="database worker pool size")
    parser.add_argument("--postgres", help="also run on this PostgreSQL database (recreated)")
    args = parser.parse_args()
    clients = args.clients or (200 if args.full else 50)
    slots = args.slots or (50 if args.full else 20)

    ok = show("SQLite (file, IMMEDIATE transactions)", run(None, clients, slots, args.workers))
    if args.postgres:
        fresh_postgres(args.postgres)
        ok &= show(
            "PostgreSQL (SELECT … FOR UPDATE)", run(args.postgres, clients, slots, args.workers)
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
