"""Benchmark of ``GET /api/v1/map/features.geojson`` (issue: Performance).

Fills a scratch database with N map features (real projects, indexed like an import does),
then measures in this process:

- the floor: ``orjson.dumps`` of the same FeatureCollection from an in-memory list of dicts;
- the endpoint's server time for all features (Django test client: URL routing,
  middleware, validation, query, serialisation) as a ratio to the floor (target ≤ 3×), three
  ways: cold (no fragment body in the process's memory, as for the first request of a
  worker), after a change (one project edited before each request: its fragment is read
  again) and warm;
- a typical filtered view (action field + map section, ~500 features; never cached) as a
  ratio to the cold unfiltered time (target < 0.1), and to the warm one for information
  (also for information: the same view limited to the portfolio's layers, without ideas);
- the SQL query count per request for N and N/10 features (must be equal).

Usage: ``.venv/bin/python bench/portfolio/map_features.py`` (5,000 features),
``--full`` for 20,000, ``--postgres postgres://…/scratch`` to use PostgreSQL (the database
is dropped and re-created).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from harness import best_of as timed  # noqa: E402
from harness import start_django  # noqa: E402


def setup(postgres: str | None):
    start_django("portfolio", postgres)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="20,000 features (default 5,000)")
    parser.add_argument("--features", type=int, help="any other number of features")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--postgres", help="postgres://… URL of a scratch database (dropped!)")
    args = parser.parse_args()
    count = args.features or (20_000 if args.full else 5_000)
    setup(args.postgres)

    import orjson
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.portfolio.fixtures import create_map_entries
    from smartcity.core.demo import load_cities
    from smartcity.core.models import City
    from smartcity.portfolio.demo import load as load_portfolio
    from smartcity.portfolio.models import MapEntry, Project
    from smartcity.portfolio.services import mapfragments

    load_cities()
    load_portfolio()
    dortmund = City.objects.get(slug="dortmund")
    started = time.perf_counter()
    create_map_entries(count // 10, dortmund)
    client = Client()
    url = "/api/v1/map/features.geojson"

    def queries(query=""):
        client.get(url + query)  # other layers may keep per-process state of their own
        mapfragments.bodies.clear()  # the same (cold) state for both counts
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url + query)
        assert response.status_code == 200, response.content[:300]
        return len(captured), len(orjson.loads(response.content)["features"])

    small_queries, small_features = queries()
    total = create_map_entries(count - count // 10, dortmund, start=count // 10)
    fill_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: visibility map (index-only scans of
        # the filter keys) and statistics.
        with connection.cursor() as cursor:
            for table in ("portfolio_mapentry", "portfolio_mapentrykey", "portfolio_mapfragment"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    full_queries, full_features = queries()

    in_memory = [orjson.loads(text) for text in MapEntry.objects.values_list("feature", flat=True)]
    floor = timed(
        lambda: orjson.dumps({"type": "FeatureCollection", "features": in_memory}), args.repeat
    )

    def best_with(prepare, request):
        """Best of ``repeat`` runs of ``request``, each after ``prepare`` (not timed)."""
        runs = []
        for _run in range(args.repeat + 1):
            prepare()
            started = time.perf_counter()
            request()
            runs.append(time.perf_counter() - started)
        return min(runs[1:])

    edited = Project.objects.filter(slug__startswith="bench-").first()

    def edit_one_project():
        edited.title = f"Messpunkt geändert {time.perf_counter()}"
        edited.save()

    # Cold: no fragment bodies in this process's memory (first request of a worker).
    cold = best_with(mapfragments.bodies.clear, lambda: client.get(url))
    # After a change: one project edited, so one fragment is read again.
    changed = best_with(edit_one_project, lambda: client.get(url))
    # Warm: nothing changed since the last request.
    warm = timed(lambda: client.get(url), args.repeat)
    # A typical view: one action field in a part of the city (about 500 features at 20,000).
    view = "?city=dortmund&action_field=daten-und-plattformen&bbox=7.30,51.42,7.45,51.56"
    view_queries, view_features = queries(view)
    filtered = timed(lambda: client.get(url + view), args.repeat)
    # For information (not the target): the same view limited to the portfolio's own layers,
    # i.e. without the fixed cost of the other applicable layers (ideas).
    own_view = view + "&layer=projects,pilots"
    own_only = timed(lambda: client.get(url + own_view), args.repeat)
    load = os.getloadavg()

    print(f"database: {connection.vendor}; map entries: {total} (filled in {fill_seconds:.0f} s)")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"floor (orjson.dumps of {len(in_memory)} in-memory features): {floor * 1000:.1f} ms")
    print(f"unfiltered endpoint, {full_features} features (target ≤ 3× the floor):")
    for label, seconds in (
        ("cold (no fragment in memory; first request of a process)", cold),
        ("after a change (one project edited before each request)", changed),
        ("warm (nothing changed)", warm),
    ):
        print(f"  {label}: {seconds * 1000:.1f} ms = {seconds / floor:.2f}× the floor")
    print(
        f"filtered view, {view_features} features ({view_queries} queries): "
        f"{filtered * 1000:.1f} ms = {filtered / cold:.3f} of the cold unfiltered time "
        f"(target < 0.1), {filtered / warm:.3f} of the warm one"
    )
    print(
        f"  for information, the same view with layer=projects,pilots only: "
        f"{own_only * 1000:.1f} ms = {own_only / cold:.3f} of the cold unfiltered time"
    )
    print(
        f"queries per request: {small_queries} with {small_features} features, "
        f"{full_queries} with {full_features} features (must be equal)"
    )
    return 0 if small_queries == full_queries else 1


if __name__ == "__main__":
    sys.exit(main())
