"""Benchmark of a project's participation page and of rating summary reads (issue: Performance).

Fills a scratch database, then measures in this process (Django test client: routing,
middleware, queries, templates):

- the participation page of a project with C comments (a quarter of them replies) and R
  ratings, as a ratio to the same page of a project with none (target < 3×), and the SQL
  query count of both (must be equal: no per-comment queries; comments paginate by 30);
- the rating summary read for a project with S ratings as a ratio to one with none
  (constant time: the kept summary row), next to a plain aggregate over the ratings table
  for contrast.

Usage: ``.venv/bin/python bench/participation/project_page.py`` (500 comments, 2,500 ratings,
summary with 20,000), ``--full`` for 2,000 comments, 10,000 ratings and 100,000 for the
summary; ``--postgres postgres://…/scratch`` to use PostgreSQL (dropped and re-created).
"""

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from harness import best_of as timed  # noqa: E402
from harness import start_django  # noqa: E402


def setup(postgres: str | None):
    start_django("participation", postgres)

    from django.conf import settings
    from django.test.utils import override_settings

    # Templates name static files; the scratch home has no collected manifest.
    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES=storages).enable()


def make_users(prefix: str, count: int):
    from smartcity.accounts.models import User

    User.objects.bulk_create(
        [
            User(username=f"{prefix}{n}", email=f"{prefix}{n}@example.org", password="!")  # noqa: S106 - unusable
            for n in range(count)
        ],
        batch_size=5000,
    )
    return list(User.objects.filter(username__startswith=prefix).values_list("pk", flat=True))


def make_project(city, slug: str):
    from smartcity.portfolio.models import Project

    project = Project.objects.create(title=slug, summary="Bench", review="published", slug=slug)
    project.cities.add(city)
    return project


def fill(project, city, comments: int, ratings: int, users: list[int], seed=3):
    """Bulk rows plus the summary row the services keep (checked against an aggregate)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, Sum

    from smartcity.participation.models import Comment, Rating, RatingSummary

    rng = random.Random(seed)  # noqa: S311 - reproducible bench data
    content_type = ContentType.objects.get_for_model(project)
    tops = comments - comments // 4
    common = {"city": city, "content_type": content_type, "object_id": project.pk}
    Comment.objects.bulk_create(
        [
            Comment(
                author_id=users[n % len(users)],
                body=f"Kommentar {n}",
                body_html=f"Kommentar {n}",
                **common,
            )
            for n in range(tops)
        ],
        batch_size=2000,
    )
    parents = list(Comment.objects.filter(parent=None, **common).values_list("pk", flat=True))
    Comment.objects.bulk_create(
        [
            Comment(
                author_id=users[n % len(users)],
                parent_id=rng.choice(parents),
                body=f"Antwort {n}",
                body_html=f"Antwort {n}",
                **common,
            )
            for n in range(comments - tops)
        ],
        batch_size=2000,
    )
    Rating.objects.bulk_create(
        [
            Rating(project=project, user_id=users[n], stars=rng.randint(1, 5))
            for n in range(ratings)
        ],
        batch_size=5000,
    )
    rows = Rating.objects.filter(project=project)
    per_star = dict(rows.values_list("stars").annotate(n=Count("id")))
    RatingSummary.objects.update_or_create(
        project=project,
        defaults={
            "count": ratings,
            "total": rows.aggregate(total=Sum("stars"))["total"] or 0,
            **{f"stars_{s}": per_star.get(s, 0) for s in range(1, 6)},
        },
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--postgres", help="postgres://… URL of a scratch database (dropped!)")
    args = parser.parse_args()
    comments, ratings, summary_size = (
        (2_000, 10_000, 100_000) if args.full else (500, 2_500, 20_000)
    )
    setup(args.postgres)

    from django.db import connection
    from django.db.models import Avg, Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from smartcity.core.demo import load_cities
    from smartcity.core.models import City
    from smartcity.participation.models import Rating
    from smartcity.participation.services import ratings as rating_service

    load_cities()
    city = City.objects.get(slug="dortmund")
    users = make_users("bench", max(ratings, summary_size))
    empty = make_project(city, "leer")
    busy = make_project(city, "voll")
    fill(busy, city, comments, ratings, users)
    client = Client()

    def page(project):
        response = client.get(f"/beteiligung/dortmund/projekte/{project.slug}/")
        assert response.status_code == 200
        return response

    queries = {}
    for name, project in (("empty", empty), ("busy", busy)):
        with CaptureQueriesContext(connection) as captured:
            page(project)
        queries[name] = len(captured)
    empty_time = timed(lambda: page(empty), args.repeat)
    busy_time = timed(lambda: page(busy), args.repeat)
    print(f"database: {connection.vendor}")
    print(f"page, no comments/ratings: {empty_time * 1000:.1f} ms, {queries['empty']} queries")
    print(
        f"page, {comments} comments + {ratings} ratings: {busy_time * 1000:.1f} ms, "
        f"{queries['busy']} queries"
    )
    print(f"ratio busy/empty: {busy_time / empty_time:.2f}x (target < 3x)")

    large = make_project(city, "gross")
    fill(large, city, 0, summary_size, users)
    kept_empty = timed(lambda: rating_service.summary(empty), args.repeat * 10)
    kept_large = timed(lambda: rating_service.summary(large), args.repeat * 10)
    summary = rating_service.summary(large)
    fresh = Rating.objects.filter(project=large).aggregate(n=Count("id"), avg=Avg("stars"))
    assert summary.count == fresh["n"] == summary_size
    assert abs(summary.average - round(fresh["avg"], 2)) < 0.01
    aggregate = timed(
        lambda: Rating.objects.filter(project=large).aggregate(n=Count("id"), avg=Avg("stars")),
        args.repeat,
    )
    print(
        f"summary read, {summary_size} ratings vs none: {kept_large * 1e6:.0f} µs vs "
        f"{kept_empty * 1e6:.0f} µs, ratio {kept_large / kept_empty:.2f}x (target ~1x)"
    )
    print(f"for contrast, an aggregate over the ratings: {aggregate / kept_large:.0f}x the read")


if __name__ == "__main__":
    main()
