"""Benchmark of the status report (issue: Performance): HTML page and PDF of one period.

Fills a scratch database with N projects across the 12 action fields, each with milestones,
an indicator and an approved entry in 3 yearly periods (budget lines, milestone statuses),
then measures in this process:

- the HTML report page's server time (Django test client, an editor viewing live figures);
- the PDF's server time, as a ratio to the HTML time;
- the figures alone (``services.report_figures``) as the baseline both build on;
- the SQL query count of the HTML page for N and N/3 projects (must be equal).

Usage: ``.venv/bin/python bench/reporting/report_render.py`` (45 projects × 3 periods, the
issue's size), ``--full`` for 135 projects, ``--postgres postgres://…/scratch`` to use
PostgreSQL (the database is dropped and re-created).
"""

import argparse
import datetime
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from harness import best_of as timed  # noqa: E402
from harness import start_django  # noqa: E402

YEARS = (2023, 2024, 2025)
LIGHTS = ["on_track", "on_track", "at_risk", "on_track", "delayed", "stopped"]


def setup(postgres: str | None):
    start_django("reporting", postgres)
    from django.conf import settings

    # Production settings expect collected static files; the page only needs their URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def fill(count: int, city, prefix: str):
    """``count`` projects with entries in three periods; returns the newest period."""
    from smartcity.portfolio.models import (
        ActionField,
        Indicator,
        IndicatorValue,
        Milestone,
        Project,
    )
    from smartcity.reporting.models import (
        BudgetLine,
        MilestoneStatus,
        ProjectEntry,
        ReportingPeriod,
    )

    fields = list(ActionField.objects.all())
    periods = [
        ReportingPeriod.objects.create(
            city=city,
            slug=f"{prefix}-{year}",
            title=f"Sachstandsbericht {year}",
            start_date=datetime.date(year, 1, 1),
            cut_off_date=datetime.date(year, 12, 31),
        )
        for year in YEARS
    ]
    for number in range(count):
        project = Project.objects.create(
            code=f"{prefix.upper()} {number:03d}",
            title=f"Projekt {prefix} {number}",
            summary="Ein Projekt für den Bericht.",
            start_date=datetime.date(2022, 1, 1),
        )
        project.cities.add(city)
        project.action_fields.add(fields[number % len(fields)])
        milestones = [
            Milestone.objects.create(
                project=project,
                title=f"Meilenstein {step}",
                planned_date=datetime.date(2023 + step, 6, 30),
                actual_date=datetime.date(2023 + step, 7, 10) if step < 2 else None,
            )
            for step in range(3)
        ]
        indicator = Indicator.objects.create(project=project, name="Nutzende", target=1000)
        for year in YEARS:
            IndicatorValue.objects.create(
                indicator=indicator, date=datetime.date(year, 12, 1), value=100 * (year - 2020)
            )
        for offset, period in enumerate(periods):
            entry = ProjectEntry.objects.create(
                period=period,
                project=project,
                progress=min(100, 20 + 25 * offset + number % 10),
                traffic_light=LIGHTS[(number + offset) % len(LIGHTS)],
                traffic_light_reason="Begründung",
                narrative="Sachstand des Projekts im Berichtszeitraum. " * 3,
                new_measures="Maßnahme A\nMaßnahme B",
                state="approved",
            )
            BudgetLine.objects.bulk_create(
                BudgetLine(
                    entry=entry,
                    funding_source=source,
                    planned_eur=Decimal("100000.00"),
                    spent_eur=Decimal(20000 * (offset + 1)),
                )
                for source in ("Bund", "Stadt")
            )
            MilestoneStatus.objects.bulk_create(
                MilestoneStatus(
                    entry=entry,
                    milestone=milestone,
                    title=milestone.title,
                    planned_date=milestone.planned_date,
                    actual_date=milestone.actual_date,
                )
                for milestone in milestones
            )
    return periods[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="135 projects (default 45)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="postgres://… URL of a scratch database (dropped!)")
    args = parser.parse_args()
    count = 135 if args.full else 45
    setup(args.postgres)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from smartcity.accounts.models import Membership, User
    from smartcity.core.demo import load_cities
    from smartcity.portfolio.demo import _action_fields
    from smartcity.reporting import pdf, services

    load_cities()
    _action_fields()
    from smartcity.core.models import City

    city = City.objects.get(slug="dortmund")
    started = time.perf_counter()
    period = fill(count, city, "a")
    small = fill(count // 3, city, "b")
    print(
        f"filled {count} + {count // 3} projects × 3 periods in "
        f"{time.perf_counter() - started:.1f} s"
    )

    editor = User.objects.create_user("bench", "bench@example.org", "x")
    Membership.objects.create(user=editor, city=city, role="editor")
    client = Client()
    client.force_login(editor)
    html_url = period.get_absolute_url()

    def html():
        response = client.get(html_url)
        assert response.status_code == 200 and b"Projekt a 0" in response.content

    def queries(target):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(target.get_absolute_url()).status_code == 200
        return len(captured)

    figures_time = timed(lambda: services.report_figures(period), args.repeat)
    html_time = timed(html, args.repeat)
    figures = services.report_figures(period)
    pdf_time = timed(lambda: pdf.render_pdf(figures), max(2, args.repeat // 2))
    view_pdf = timed(lambda: client.get(html_url + "pdf/"), 1)
    size = len(pdf.render_pdf(figures))

    print(f"projects per period: {count}, periods: {len(YEARS)}")
    print(f"figures (baseline):  {figures_time * 1000:8.1f} ms")
    print(f"HTML page:           {html_time * 1000:8.1f} ms  = {html_time / figures_time:.1f}×")
    print(
        f"PDF (render only):   {pdf_time * 1000:8.1f} ms  = {pdf_time / figures_time:.1f}× figures"
    )
    print(f"PDF (whole request): {view_pdf * 1000:8.1f} ms, {size // 1024} KiB")
    print(f"ratio PDF/HTML:      {view_pdf / html_time:8.1f}")
    many, few = queries(period), queries(small)
    print(
        f"HTML queries: {many} for {count} projects, {few} for {count // 3} "
        f"({'equal' if many == few else 'NOT EQUAL'})"
    )
    return 0 if many == few else 1


if __name__ == "__main__":
    sys.exit(main())
