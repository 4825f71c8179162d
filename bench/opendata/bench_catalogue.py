"""Open data portal under a large catalogue.

Fills a fresh database with N datasets (default 5,000; ``--full`` 50,000), then measures through
the whole Django stack (in-process client, no network):

1. ``package_search`` with a text query and three facets — p50/p99 against a direct indexed
   database query returning the same ids (the baseline, measured in the same run);
2. a harvester's full paging pass (``sort=id asc``, ``rows=1000`` until an empty page) — p50/p99
   per page and total, against paging the ids directly;
3. the DCAT-AP.de export of all catalogue pages — total, against reading the same ids per page.

    .venv/bin/python bench/opendata/bench_catalogue.py
    .venv/bin/python bench/opendata/bench_catalogue.py --full
    .venv/bin/python bench/opendata/bench_catalogue.py --postgres postgres://postgres@127.0.0.1:5432/smartcity_bench_opendata

SQLite runs on a fresh file in a temporary folder; PostgreSQL on the named database, which is
dropped and created anew (it must not hold anything else).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
WORDS = [
    "Bäume", "Spielplätze", "Parkhäuser", "Bevölkerung", "Wahlergebnisse", "Luftqualität",
    "Radwege", "Haushalt", "Schulen", "Kitas", "Baustellen", "Lärm", "Ladesäulen", "Wetter",
]  # fmt: skip


def fresh_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        name = parts.path.lstrip("/")
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup(database: str | None) -> None:
    home = tempfile.mkdtemp(prefix="bench-opendata-")
    os.environ["SMARTCITY_HOME"] = home
    os.environ["SMARTCITY_HTTPS"] = "false"
    os.environ["SMARTCITY_SECRET_KEY"] = "bench-" + "x" * 50
    if database:
        fresh_postgres(database)
        os.environ["SMARTCITY_DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "smartcity.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def fill(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from smartcity.core.demo import load_cities
    from smartcity.opendata import services, text
    from smartcity.opendata.models import Dataset, Distribution, Organization, Tag

    load_cities()
    groups = list(services.ensure_groups().values())
    organizations = [
        Organization.objects.create(name=f"amt-{number}", title=f"Amt {number}")
        for number in range(40)
    ]
    tags = [Tag.objects.create(name=word) for word in WORDS]
    rng = random.Random(50_000)  # noqa: S311 - synthetic figures
    now = timezone.now()
    tag_links = Dataset.tags.through
    group_links = Dataset.groups.through
    for offset in range(0, count, 5000):
        datasets, distributions, tag_rows, group_rows = [], [], [], []
        for number in range(offset, min(count, offset + 5000)):
            word = rng.choice(WORDS)
            title = f"{word} {rng.choice(['Dortmund', 'Schwerte'])} {number}"
            notes = f"Daten über {word} und {rng.choice(WORDS)} im Stadtgebiet, Stand {number}."
            dataset = Dataset(
                id=uuid.uuid4(),
                name=f"datensatz-{number:06d}",
                title=title,
                notes=notes,
                organization=rng.choice(organizations),
                contact_name="Open-Data-Team",
                contact_email="opendata@example.org",
                municipality_key="05913000",
                metadata_modified=now - timedelta(minutes=number),
                search_title=text.document(title),
                search_text=text.document(title, notes, word),
            )
            datasets.append(dataset)
            distributions.append(
                Distribution(
                    dataset=dataset,
                    name="Tabelle",
                    url=f"https://example.org/{number}.csv",
                    format=rng.choice(["CSV", "JSON", "XLSX", "GEOJSON"]),
                    media_type="text/csv",
                )
            )
            tag_rows.append(tag_links(dataset_id=dataset.id, tag=rng.choice(tags)))
            group_rows.append(group_links(dataset_id=dataset.id, group=rng.choice(groups)))
        with transaction.atomic():
            Dataset.objects.bulk_create(datasets)
            Distribution.objects.bulk_create(distributions)
            tag_links.objects.bulk_create(tag_rows)
            group_links.objects.bulk_create(group_rows)


def timed(function, repeat: int) -> list[float]:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return durations


def quantiles(durations: list[float]) -> tuple[float, float]:
    ordered = sorted(durations)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return p50, p99


def report(label: str, measured: list[float], baseline: list[float]) -> None:
    p50, p99 = quantiles(measured)
    base50, base99 = quantiles(baseline)
    print(label)
    for name, (fifty, ninety_nine), total in (
        ("portal  ", (p50, p99), sum(measured)),
        ("baseline", (base50, base99), sum(baseline)),
    ):
        print(
            f"  {name} p50 {fifty * 1000:8.1f} ms  p99 {ninety_nine * 1000:8.1f} ms"
            f"  total {total:7.2f} s"
        )
    print(f"  ratio p50 {p50 / base50:6.1f}x   ratio total {sum(measured) / sum(baseline):6.1f}x")


def measure(repeat: int) -> None:
    from django.test import Client

    from smartcity.opendata.models import Dataset

    client = Client()
    # 1. Text query with three facets.
    params = {
        "q": "Bäume",
        "facet.field": json.dumps(["organization", "tags", "res_format"]),
        "rows": 10,
        # The baseline orders the same way (relevance would need the score in the baseline).
        "sort": "metadata_modified desc",
    }
    expected = []

    def api_search():
        body = client.get("/api/3/action/package_search", params).json()
        expected[:] = [item["id"] for item in body["result"]["results"]]

    def direct_search():
        ids = list(
            Dataset.objects.filter(state="active", private=False, search_text__contains="baum")
            .order_by("-metadata_modified", "id")
            .values_list("id", flat=True)[:10]
        )
        assert [str(item) for item in ids] == expected or not expected, "different ids"

    api_search()
    report(
        f"package_search q=Bäume + 3 facets, sort metadata_modified desc ({repeat} runs)",
        timed(api_search, repeat),
        timed(direct_search, repeat),
    )

    # 2. Harvester's full paging pass.
    api_pages, direct_pages, seen = [], [], []
    start = 0
    while True:
        started = time.perf_counter()
        results = client.get(
            "/api/3/action/package_search", {"sort": "id asc", "rows": 1000, "start": start}
        ).json()["result"]["results"]
        api_pages.append(time.perf_counter() - started)
        started = time.perf_counter()
        ids = list(
            Dataset.objects.filter(state="active", private=False)
            .order_by("id")
            .values_list("id", flat=True)[start : start + 1000]
        )
        direct_pages.append(time.perf_counter() - started)
        assert [str(item) for item in ids] == [item["id"] for item in results], "different ids"
        if not results:
            break
        seen.extend(item["id"] for item in results)
        start += len(results)
    assert len(seen) == len(set(seen)) == Dataset.objects.count()
    report(
        f"harvester pass sort=id asc rows=1000 ({len(api_pages)} pages)", api_pages, direct_pages
    )

    # 3. DCAT-AP.de export of all catalogue pages.
    export_pages, direct_pages = [], []
    page = 1
    while True:
        started = time.perf_counter()
        response = client.get("/catalog.ttl", {"page": page})
        export_pages.append(time.perf_counter() - started)
        started = time.perf_counter()
        list(
            Dataset.objects.filter(state="active", private=False)
            .order_by("id")
            .values_list("id", flat=True)[(page - 1) * 100 : page * 100]
        )
        direct_pages.append(time.perf_counter() - started)
        if response.status_code != 200 or b"hydra:next" not in response.content:
            break
        page += 1
    report(f"DCAT-AP.de catalogue export ({page} pages of 100)", export_pages, direct_pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="50,000 datasets")
    parser.add_argument("--datasets", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (database is recreated)")
    args = parser.parse_args()
    count = args.datasets or (50_000 if args.full else 5_000)
    setup(args.postgres)
    started = time.perf_counter()
    fill(count)
    engine = "PostgreSQL" if args.postgres else "SQLite"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would keep them
    print(f"{count} datasets on {engine}, filled in {time.perf_counter() - started:.1f} s")
    measure(args.repeat)


if __name__ == "__main__":
    main()
