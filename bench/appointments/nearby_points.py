"""``nearby`` (the app API's query over all map layers) with many points on the map.

Fills the events layer with N upcoming events spread over Dortmund, then asks ``nearby`` for
random points (radius 500 m) and, as the baseline in the same run, the plain indexed
bounding-box query over the same table. Prints p50/p99 of both and their ratio.

    .venv/bin/python bench/appointments/nearby_points.py           # 20,000 points
    .venv/bin/python bench/appointments/nearby_points.py --full    # 100,000 points
    .venv/bin/python bench/appointments/nearby_points.py --database postgres://postgres@127.0.0.1:5432/smartcity_bench_nearby

(It lives here because ``bench/news/`` is not this helper's to create; ``nearby`` is in the
news app.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOX = (7.30, 51.41, 7.64, 51.60)  # Dortmund: min lon, min lat, max lon, max lat


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def setup(database: str | None) -> None:
    home = tempfile.mkdtemp(prefix="smartcity-nearby-")
    os.environ["SMARTCITY_HOME"] = home
    os.environ["SMARTCITY_DATABASE_URL"] = database or f"sqlite:///{home}/nearby.sqlite3"
    os.environ.setdefault("SMARTCITY_SECRET_KEY", "bench-" + "x" * 50)
    os.environ["DJANGO_SETTINGS_MODULE"] = "smartcity.settings"
    sys.path.insert(0, str(ROOT / "src"))
    if database:
        from booking_load import fresh_postgres

        fresh_postgres(database)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def fill(count: int, rng: random.Random) -> None:
    from django.utils import timezone

    from smartcity.core.demo import load_cities
    from smartcity.core.models import City
    from smartcity.news.models import Event

    load_cities()
    city = City.objects.get(slug="dortmund")
    start = timezone.now() + dt.timedelta(days=3)
    batch = []
    for number in range(count):
        batch.append(
            Event(
                city=city,
                slug=f"punkt-{number}",
                title=f"Punkt {number}",
                description="",
                start=start,
                end=start + dt.timedelta(hours=1),
                place="Dortmund",
                organiser="Bench",
                latitude=rng.uniform(BOX[1], BOX[3]),
                longitude=rng.uniform(BOX[0], BOX[2]),
                status=Event.Status.PUBLISHED,
                published_at=timezone.now() - dt.timedelta(days=1),
            )
        )
        if len(batch) == 5000:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="100,000 points")
    parser.add_argument("--points", type=int)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--radius", type=float, default=500)
    parser.add_argument("--database", help="PostgreSQL URL (recreated); default SQLite file")
    args = parser.parse_args()
    points = args.points or (100_000 if args.full else 20_000)
    rng = random.Random(7)  # noqa: S311 - reproducible positions, not secrets

    sys.path.insert(0, str(Path(__file__).parent))
    setup(args.database)
    began = time.perf_counter()
    fill(points, rng)
    print(f"{points} points stored in {time.perf_counter() - began:.1f} s")

    from smartcity.news.models import Event
    from smartcity.news.nearby import bbox_around, nearby

    nearby(51.51, 7.46, args.radius)  # warm up: URL resolver, imports, caches
    nearby_times, box_times, found = [], [], []
    for _query in range(args.queries):
        lat, lon = rng.uniform(BOX[1], BOX[3]), rng.uniform(BOX[0], BOX[2])
        began = time.perf_counter()
        items = nearby(lat, lon, args.radius)
        nearby_times.append(time.perf_counter() - began)
        found.append(len(items))
        min_lon, min_lat, max_lon, max_lat = bbox_around(lon, lat, args.radius)
        began = time.perf_counter()
        list(
            Event.objects.filter(
                latitude__gte=min_lat,
                latitude__lte=max_lat,
                longitude__gte=min_lon,
                longitude__lte=max_lon,
            ).values_list("pk", "latitude", "longitude")
        )
        box_times.append(time.perf_counter() - began)

    for label, share in (("p50", 0.50), ("p99", 0.99)):
        near, box = percentile(nearby_times, share), percentile(box_times, share)
        print(
            f"{label}: nearby {near * 1000:.1f} ms, indexed bbox query {box * 1000:.1f} ms, "
            f"ratio {near / box:.1f}"
        )
    print(f"features per answer: median {statistics.median(found):.0f}, max {max(found)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
