# ruff: noqa: S311, S603, S608, S106 - seeded test data, our own server, placeholders built here
"""Benchmark: Open311 ``requests.json`` (bbox + status + date window, page size 100) and the
duplicate check at a point, over HTTP with concurrent clients, as a ratio to the same queries
run directly in SQL (same indexes, same number of concurrent clients) in the same run.

    .venv/bin/python bench/defects/open311_bench.py                 # 20,000 reports
    .venv/bin/python bench/defects/open311_bench.py --full          # 200,000 reports
    SMARTCITY_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_defects \
        .venv/bin/python bench/defects/open311_bench.py --full

Without SMARTCITY_BENCH_DATABASE_URL a temporary SQLite file is used. The PostgreSQL
database is created if missing and its defects tables are emptied first.
"""

import argparse
import asyncio
import http.client
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
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
# Dortmund's rough extent; the points lie inside it.
SOUTH, NORTH, WEST, EAST = 51.42, 51.60, 7.30, 7.65
OPEN = ("received", "confirmed", "in_progress", "forwarded")
ALL = (*OPEN, "resolved", "not_responsible", "duplicate", "rejected")


def configure(database_url: str | None, clients: int = 16) -> str:
    home = tempfile.mkdtemp(prefix="smartcity-bench-")
    os.makedirs(f"{home}/static")  # WhiteNoise warns about a missing folder
    url = database_url or f"sqlite:///{home}/bench.sqlite3"
    os.environ.update(
        SMARTCITY_HOME=home,
        SMARTCITY_DATABASE_URL=url,
        SMARTCITY_SECRET_KEY="bench-secret-key-" + "x" * 40,
        SMARTCITY_DEBUG="false",
        SMARTCITY_HTTPS="false",
        DJANGO_SETTINGS_MODULE="smartcity.settings",
        # The SQL side's threads each hold a connection of this process's pool for the whole
        # measurement: the pool must have one for every client, or some clients wait for
        # one instead of running (the server's pool is set in bench_settings.py).
        SMARTCITY_DATABASE_POOL_SIZE=str(clients + 2),
    )
    if url.startswith("postgres"):
        create_postgres_database(url)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    return url


def create_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def populate(count: int, seed: int = 7, reuse: bool = False) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from smartcity.core.demo import load_cities
    from smartcity.core.models import City
    from smartcity.defects import demo
    from smartcity.defects.models import Category, Event, Photo, Report, Support

    call_command("migrate", verbosity=0)
    load_cities()
    demo.load_categories()
    if reuse and Report.objects.filter(token__startswith="bench-").count() == count == (
        Report.objects.count()
    ):
        print(f"{count} reports from an earlier run reused ({connection.vendor})")
        city = City.objects.get(slug="dortmund")
        return {"city": city, "categories": list(Category.objects.filter(city=city))}
    Event.objects.all().delete()
    Photo.objects.all().delete()
    Support.objects.all().delete()
    Report.objects.all().delete()
    city = City.objects.get(slug="dortmund")
    categories = list(Category.objects.filter(city=city))
    departments = {category.pk: category.responsible_department() for category in categories}
    rng = random.Random(seed)
    now = datetime.now(UTC)
    started = time.perf_counter()
    batch = []
    for number in range(count):
        category = rng.choice(categories)
        created = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
        batch.append(
            Report(
                city=city,
                category=category,
                department=departments[category.pk],
                latitude=rng.uniform(SOUTH, NORTH),
                longitude=rng.uniform(WEST, EAST),
                description=f"Bench-Meldung {number}",
                status=rng.choice(ALL),
                source="web",
                token=f"bench-{number}",
                created_at=created,
                updated_at=created + timedelta(hours=rng.uniform(0, 200)),
            )
        )
        if len(batch) == 5000:
            Report.objects.bulk_create(batch)
            batch = []
    Report.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE defects_report")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{count} reports written in {time.perf_counter() - started:.1f} s ({connection.vendor})")
    return {"city": city, "categories": categories}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers: int, threads: int | None) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(Path(__file__).parent)]),
        DJANGO_SETTINGS_MODULE="bench_settings",
    )
    if threads:
        env["SMARTCITY_SERVER_THREADS"] = str(threads)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "smartcity.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level",
         "warning"],
        env=env,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("the server did not start")


def request_params(rng: random.Random) -> dict:
    """bbox of about 1.4 km × 1.1 km, status open, a 30-day window in the last year."""
    lat, lon = rng.uniform(SOUTH + 0.01, NORTH - 0.01), rng.uniform(WEST + 0.01, EAST - 0.01)
    end = datetime.now(UTC) - timedelta(days=rng.uniform(0, 330))
    return {
        "bbox": (lon - 0.01, lat - 0.005, lon + 0.01, lat + 0.005),
        "start": end - timedelta(days=30),
        "end": end,
    }


def duplicate_params(rng: random.Random, categories) -> dict:
    category = rng.choice(categories)
    return {
        "category": category,
        "lat": rng.uniform(SOUTH + 0.01, NORTH - 0.01),
        "lon": rng.uniform(WEST + 0.01, EAST - 0.01),
    }


def summary(latencies: list[float], wall: float, cpu: float) -> dict:
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "rps": len(latencies) / wall,
        "cpu_ms": cpu * 1000 / len(latencies),
    }


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # ended meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if ppid == parent:
            found.append(int(entry))
    return found


_MONITOR = {}  # a connection of its own for reading pg_stat_activity


def _backends() -> list[int]:
    """The PostgreSQL server processes of the benchmark's database (not those of other
    databases on the same server, e.g. other people's test runs)."""
    url = os.environ.get("SMARTCITY_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return []
    import psycopg

    if "connection" not in _MONITOR:
        _MONITOR["connection"] = psycopg.connect(url, autocommit=True)
    rows = _MONITOR["connection"].execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )
    return [pid for (pid,) in rows]


def cpu_meter(server: int | None):
    """CPU seconds used by the measured side's processes from now until the returned function
    is called: this benchmark process (the HTTP client or the SQL threads), the server's
    processes and the local PostgreSQL's processes serving the benchmark database. Other
    programs on the machine are not counted, so this figure is steadier than the times when
    the machine is shared (Linux, local database only; 0 elsewhere)."""
    if not os.path.isdir("/proc"):
        return lambda: 0.0

    def total() -> dict[int, float]:
        pids = {os.getpid(), *_backends()}
        if server is not None:
            pids.update([server, *_children(server)])
        return {pid: _cpu_seconds(pid) for pid in pids}

    before = total()

    def used() -> float:
        after = total()
        return sum(value - before.get(pid, 0.0) for pid, value in after.items())

    return used


def run_concurrently(clients: int, total: int, work, make_args) -> dict:
    """SQL side: ``clients`` threads, each with its own database connection, run
    ``work(args, state)`` until ``total`` calls are done; the arguments are made outside the
    timed part."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))

    clock = {}

    def start_clock():
        # Run by the last thread to arrive, before any is released: on a loaded machine the
        # main thread could otherwise start the clock after the clients had finished.
        clock["cpu"] = cpu_meter(None)
        clock["began"] = time.perf_counter()

    ready = threading.Barrier(clients + 1, action=start_clock)

    def client(index):
        rng = random.Random(1000 + index)
        state = {}
        mine = []
        # Untimed: open this thread's connection and run the statement once, as the HTTP
        # side's warm-up does for the server (its connections come from a pool).
        work(make_args(random.Random(-1 - index)), state)
        ready.wait()
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            args = make_args(rng)
            began = time.perf_counter()
            work(args, state)
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
        if "close" in state:
            state["close"]()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    for thread in threads:
        thread.join()
    return summary(latencies, time.perf_counter() - clock["began"], clock["cpu"]())


async def _read_body(reader, head: bytes) -> bytes:
    length, chunked = 0, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return await reader.readexactly(length)
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        body += await reader.readexactly(size + 2)
        if size == 0:
            return body


def run_http(port: int, clients: int, total: int, path_for, server: int | None = None) -> dict:
    """HTTP side: ``clients`` keep-alive connections driven by one asyncio loop (a few tens
    of microseconds per request, so the client does not eat the shared cores the server
    needs); the whole answer is read; paths are made outside the timed part."""

    async def main():
        latencies: list[float] = []
        counter = iter(range(total))

        async def client(index):
            rng = random.Random(1000 + index)
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                while next(counter, None) is not None:
                    request = f"GET {path_for(rng)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    began = time.perf_counter()
                    writer.write(request.encode())
                    head = await reader.readuntil(b"\r\n\r\n")
                    body = await _read_body(reader, head)
                    latencies.append(time.perf_counter() - began)
                    if head[9:12] != b"200":
                        raise SystemExit(f"HTTP {head[:12]!r}: {body[:300]!r}")
            finally:
                writer.close()

        cpu = cpu_meter(server)
        began = time.perf_counter()
        await asyncio.gather(*(client(index) for index in range(clients)))
        return summary(latencies, time.perf_counter() - began, cpu())

    try:
        import uvloop

        return uvloop.run(main())
    except ImportError:
        return asyncio.run(main())


def sql_worker(sql: str, prepare: bool = False):
    """The statement through Django's cursor as any Django code sends it (values written into
    the text by psycopg, parsed and planned by PostgreSQL each time), or with ``prepare`` as a
    statement prepared once per connection, as the server does on PostgreSQL
    (``defects.prepared``)."""
    from django.db import connection

    from smartcity.defects import prepared

    def work(args, state):
        if prepare:
            prepared.fetchall(sql, args)  # all rows, converted to Python values
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                cursor.fetchall()  # all rows, converted to Python values
        state["close"] = connection.close

    return work


def show(label: str, result: dict) -> None:
    print(f"  {label:<13} p50 {result['p50_ms']:7.2f} ms  p99 {result['p99_ms']:7.2f} ms  "
          f"{result['rps']:8.1f} req/s  CPU {result['cpu_ms']:.3f} ms/answer")  # fmt: skip


def show_ratio(label: str, served: dict, direct: dict) -> None:
    print(f"  {label:<13} p50 {served['p50_ms'] / direct['p50_ms']:.2f}×  "
          f"p99 {served['p99_ms'] / direct['p99_ms']:.2f}×  "
          f"throughput {direct['rps'] / served['rps']:.2f}×  "
          f"CPU {served['cpu_ms'] / direct['cpu_ms']:.2f}× (target < 3×)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--full", action="store_true", help="200,000 reports")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=800, help="per scenario")
    parser.add_argument("--server-workers", type=int, default=2, help="uvicorn processes")
    parser.add_argument(
        "--server-threads", type=int, default=None, help="request threads per process"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the reports of an earlier run of this size"
    )
    args = parser.parse_args()
    count = 200_000 if args.full else args.reports
    configure(os.environ.get("SMARTCITY_BENCH_DATABASE_URL"), args.clients)
    data = populate(count, reuse=args.reuse)
    city, categories = data["city"], data["categories"]
    placeholders = ", ".join(["%s"] * len(OPEN))

    def open311_path(rng):
        p = request_params(rng)
        query = {
            "jurisdiction_id": "dortmund",
            "bbox": ",".join(f"{v:.5f}" for v in p["bbox"]),
            "status": "open",
            "start_date": p["start"].isoformat(),
            "end_date": p["end"].isoformat(),
            "page_size": 100,
        }
        return "/open311/v2/requests.json?" + urlencode(query)

    requests_sql = (
        "SELECT r.id, r.status, r.status_notes, r.description, r.created_at, r.updated_at, "
        "r.expected_at, r.address, r.address_id, r.zipcode, r.latitude, r.longitude, "
        "c.code, c.name, d.name FROM defects_report r "
        "JOIN defects_category c ON c.id = r.category_id "
        "JOIN defects_department d ON d.id = r.department_id "
        f"WHERE r.city_id = %s AND r.status IN ({placeholders}) "
        "AND r.created_at >= %s AND r.created_at <= %s "
        "AND r.longitude >= %s AND r.longitude <= %s AND r.latitude >= %s AND r.latitude <= %s "
        "ORDER BY r.created_at DESC, r.id DESC LIMIT 100"
    )

    def requests_args(rng):
        p = request_params(rng)
        west, south, east, north = p["bbox"]
        return [city.pk, *OPEN, p["start"], p["end"], west, east, south, north]

    def duplicate_path(rng):
        p = duplicate_params(rng, categories)
        query = {"category": p["category"].code, "lat": f"{p['lat']:.6f}", "lon": f"{p['lon']:.6f}"}
        return "/api/v1/defects/dortmund/duplicates?" + urlencode(query)

    duplicate_sql = (
        "SELECT r.id, r.status, r.description, r.latitude, r.longitude, r.supporter_count, "
        "r.created_at FROM defects_report r "
        f"WHERE r.category_id = %s AND r.status IN ({placeholders}) AND r.created_at >= %s "
        "AND r.latitude >= %s AND r.latitude <= %s AND r.longitude >= %s AND r.longitude <= %s"
    )

    def duplicate_args(rng):
        p = duplicate_params(rng, categories)
        dlat, dlon = 50 / 111_320, 50 / (111_320 * 0.62)
        since = datetime.now(UTC) - timedelta(days=30)
        lat, lon = p["lat"], p["lon"]
        return [p["category"].pk, *OPEN, since, lat - dlat, lat + dlat, lon - dlon, lon + dlon]

    from django.db import connection

    process, port = start_server(args.server_workers, args.server_threads)
    try:
        scenarios = [
            (
                "requests.json bbox+status+dates, 100/page",
                open311_path,
                requests_sql,
                requests_args,
            ),
            ("duplicate check at a point", duplicate_path, duplicate_sql, duplicate_args),
        ]
        print(
            f"{args.clients} concurrent clients, {args.requests} requests per measurement; "
            f"uvicorn {args.server_workers} processes × {args.server_threads or 'default'} "
            f"threads; load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
        )
        # The framework's floor on this machine: the cheapest request the server answers.
        floor = run_http(port, args.clients, args.requests, lambda r: "/healthz", process.pid)
        print("\nserver floor (GET /healthz, one SELECT 1)")
        show("HTTP", floor)
        on_postgres = connection.vendor == "postgresql"
        for name, path_for, sql, args_for in scenarios:
            run_http(port, args.clients, args.clients * 4, path_for)  # warm-up
            served = run_http(port, args.clients, args.requests, path_for, process.pid)
            direct = run_concurrently(args.clients, args.requests, sql_worker(sql), args_for)
            print(f"\n{name}")
            show("HTTP", served)
            show("SQL", direct)
            if on_postgres:
                ready = run_concurrently(
                    args.clients, args.requests, sql_worker(sql, prepare=True), args_for
                )
                show("SQL prepared", ready)
            show_ratio("ratio", served, direct)
            if on_postgres:
                show_ratio("to prepared", served, ready)
        print(f"\nload average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
