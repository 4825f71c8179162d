# ruff: noqa: S311, S608 - seeded test data, placeholders built here
"""Benchmark in this process (no HTTP server): the defect reporter's read paths against the
same queries sent directly to the database, in the same run.

For each scenario the same list of randomly placed requests is run through Django's test
client (routing, middleware, parsing, queries, serialisation) and, as the baseline, the
equivalent SQL statement is run with the same arguments and its rows fetched. Printed: the
median time per request and the ratio served / SQL (the issue's target is < 3×), and the
number of SQL queries per request (must not grow with the page size).

    .venv/bin/python bench/defects/inprocess_bench.py                 # 20,000 reports
    .venv/bin/python bench/defects/inprocess_bench.py --full          # 200,000 reports
    .venv/bin/python bench/defects/inprocess_bench.py --postgres postgres://postgres@127.0.0.1:5432/bench_defects_ip
    .venv/bin/python bench/defects/inprocess_bench.py --profile requests  # pyinstrument

The concurrent HTTP measurement (uvicorn, 16 clients) is ``open311_bench.py`` beside this.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "bench" / "defects")]
from harness import start_django  # noqa: E402

SOUTH, NORTH, WEST, EAST = 51.42, 51.60, 7.30, 7.65
OPEN = ("received", "confirmed", "in_progress", "forwarded")


def window(rng):
    lat, lon = rng.uniform(SOUTH + 0.01, NORTH - 0.01), rng.uniform(WEST + 0.01, EAST - 0.01)
    end = datetime.now(UTC) - timedelta(days=rng.uniform(0, 330))
    return (lon - 0.01, lat - 0.005, lon + 0.01, lat + 0.005), end - timedelta(days=30), end


def scenarios(city, categories):
    marks = ", ".join(["%s"] * len(OPEN))
    requests_sql = (
        "SELECT r.id, r.status, r.status_notes, r.description, r.created_at, r.updated_at, "
        "r.expected_at, r.address, r.address_id, r.zipcode, r.latitude, r.longitude, "
        "c.code, c.name, d.name FROM defects_report r "
        "JOIN defects_category c ON c.id = r.category_id "
        "JOIN defects_department d ON d.id = r.department_id "
        f"WHERE r.city_id = %s AND r.status IN ({marks}) "
        "AND r.created_at >= %s AND r.created_at <= %s "
        "AND r.longitude >= %s AND r.longitude <= %s AND r.latitude >= %s AND r.latitude <= %s "
        "ORDER BY r.created_at DESC, r.id DESC LIMIT 100"
    )

    def requests_case(fmt, extra=None):
        def make(rng):
            bbox, start, end = window(rng)
            query = {
                "jurisdiction_id": "dortmund",
                "bbox": ",".join(f"{v:.5f}" for v in bbox),
                "status": "open",
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "page_size": 100,
                **(extra or {}),
            }
            west, south, east, north = bbox
            args = [city.pk, *OPEN, start, end, west, east, south, north]
            return f"/open311/v2/requests.{fmt}?" + urlencode(query), requests_sql, args

        return make

    def wide_page(rng):
        """A full page of 1000 (the spec's default page size): per-row cost dominates."""
        _bbox, start, end = window(rng)
        query = {
            "jurisdiction_id": "dortmund",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "page_size": 1000,
        }
        sql = requests_sql.replace(f"AND r.status IN ({marks}) ", "").replace(
            "AND r.longitude >= %s AND r.longitude <= %s AND r.latitude >= %s "
            "AND r.latitude <= %s ",
            "",
        )
        return (
            "/open311/v2/requests.json?" + urlencode(query),
            sql.replace("LIMIT 100", "LIMIT 1000"),
            [city.pk, start, end],
        )

    def services_case(rng):
        sql = (
            'SELECT c.code, c.name, c.description, c.keywords, c."group", '
            "EXISTS (SELECT 1 FROM defects_categoryattribute a "
            "WHERE a.category_id = c.id AND a.variable) FROM defects_category c "
            'WHERE c.city_id = %s AND c.active ORDER BY c."group", c.ordering, c.name'
        )
        return "/open311/v2/services.json?jurisdiction_id=dortmund", sql, [city.pk]

    duplicate_sql = (
        "SELECT r.id, r.status, r.description, r.latitude, r.longitude, r.supporter_count, "
        "r.created_at FROM defects_report r "
        f"WHERE r.category_id = %s AND r.status IN ({marks}) AND r.created_at >= %s "
        "AND r.latitude >= %s AND r.latitude <= %s AND r.longitude >= %s AND r.longitude <= %s"
    )

    def duplicate_case(rng):
        category = rng.choice(categories)
        lat, lon = rng.uniform(SOUTH + 0.01, NORTH - 0.01), rng.uniform(WEST + 0.01, EAST - 0.01)
        dlat, dlon = 50 / 111_320, 50 / (111_320 * 0.62)
        since = datetime.now(UTC) - timedelta(days=30)
        query = {"category": category.code, "lat": f"{lat:.6f}", "lon": f"{lon:.6f}"}
        return (
            "/api/v1/defects/dortmund/duplicates?" + urlencode(query),
            duplicate_sql,
            [category.pk, *OPEN, since, lat - dlat, lat + dlat, lon - dlon, lon + dlon],
        )

    map_sql = (
        "SELECT r.id, r.latitude, r.longitude, r.status, r.created_at, c.code, c.name, "
        'c."group" FROM defects_report r JOIN defects_category c ON c.id = r.category_id '
        f"WHERE r.city_id = %s AND r.status IN ({marks}) "
        "AND r.longitude >= %s AND r.longitude <= %s AND r.latitude >= %s AND r.latitude <= %s "
        "ORDER BY r.created_at DESC LIMIT 5000"
    )

    def map_case(rng):
        """The map layer in a district-sized box (a few hundred to a few thousand points)."""
        lat, lon = rng.uniform(SOUTH + 0.03, NORTH - 0.03), rng.uniform(WEST + 0.05, EAST - 0.05)
        bbox = (lon - 0.05, lat - 0.03, lon + 0.05, lat + 0.03)
        query = {"city": "dortmund", "layer": "defects", "bbox": ",".join(f"{v:.5f}" for v in bbox)}
        west, south, east, north = bbox
        return (
            "/api/v1/map/features.geojson?" + urlencode(query),
            map_sql,
            [city.pk, *OPEN, west, east, south, north],
        )

    def floor_case(rng):
        return "/healthz", "SELECT 1", []

    def discovery_case(rng):
        return "/open311/v2/discovery.json?jurisdiction_id=dortmund", "SELECT 1", []

    return {
        "floor": ("floor: GET /healthz vs SELECT 1", floor_case),
        "discovery": ("discovery.json (one query: the city)", discovery_case),
        "requests": ("requests.json bbox+status+30 days, 100/page", requests_case("json")),
        "requests_xml": ("requests.xml, same query", requests_case("xml")),
        "requests_ext": (
            "requests.json, same, extensions=true",
            requests_case("json", {"extensions": "true"}),
        ),
        "page_1000": ("requests.json 30 days, 1000/page", wide_page),
        "services": ("services.json", services_case),
        "duplicates": ("duplicate check at a point", duplicate_case),
        "map": ("map layer 'defects', district-sized bbox", map_case),
    }


def measure(client, cases, repeat):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    served, direct = [], []
    with CaptureQueriesContext(connection) as captured:
        response = client.get(cases[0][0])
        assert response.status_code == 200, response.content[:300]
    queries = len(captured)
    for _round in range(repeat):
        for path, sql, args in cases:
            began = time.perf_counter()
            response = client.get(path)
            response.content  # noqa: B018 - read the body like a client
            served.append(time.perf_counter() - began)
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                cursor.fetchall()
            direct.append(time.perf_counter() - began)
            reset_queries()
    return statistics.median(served) * 1000, statistics.median(direct) * 1000, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--full", action="store_true", help="200,000 reports")
    parser.add_argument("--postgres", help="postgres://… URL of a scratch database (dropped!)")
    parser.add_argument("--samples", type=int, default=60, help="different requests per case")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument("--profile", help="profile one scenario with pyinstrument")
    parser.add_argument("--profile-all", action="store_true", help="show every frame")
    args = parser.parse_args()
    start_django("defects", args.postgres)
    from django.conf import settings
    from django.test import Client
    from open311_bench import populate

    settings.ALLOWED_HOSTS = ["*"]
    data = populate(200_000 if args.full else args.reports)
    all_cases = scenarios(data["city"], data["categories"])
    client = Client()
    names = args.only.split(",") if args.only else list(all_cases)
    if args.profile:
        from pyinstrument import Profiler

        label, make = all_cases[args.profile]
        rng = random.Random(11)
        cases = [make(rng) for _ in range(args.samples)]
        client.get(cases[0][0])
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for path, _sql, _args in cases * args.repeat:
            client.get(path).content  # noqa: B018
        profiler.stop()
        every = bool(args.profile_all)
        print(profiler.output_text(unicode=True, color=False, show_all=every, flat=every))
        return
    print(f"{'scenario':46} {'served':>9} {'SQL':>9} {'ratio':>7} {'queries':>7}")
    for name in names:
        label, make = all_cases[name]
        rng = random.Random(11)
        cases = [make(rng) for _ in range(args.samples)]
        served, direct, queries = measure(client, cases, args.repeat)
        print(f"{label:46} {served:7.2f}ms {direct:7.2f}ms {served / direct:6.2f}× {queries:7d}")


if __name__ == "__main__":
    main()
