"""Publications of other capabilities' data: the portfolio's project list, anonymised
defect-report statistics and hourly sensor aggregates.

By the house rules the portfolio and defects apps would register these in their own
``AppConfig.ready()``; until they do, the portal registers them here, only when the app is
installed, and reads their models lazily inside ``produce`` (so the portal never imports them
at start-up). Each function can move unchanged into its app.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

import orjson
from django.apps import apps

from smartcity.core.registries import Publication, publications

PROJECT_COLUMNS = [
    "kennung",
    "titel",
    "kurzbeschreibung",
    "art",
    "status",
    "beginn",
    "ende",
    "handlungsfelder",
    "stadtbezirk",
    "federfuehrung",
    "budget_eur",
    "adresse",
]


def _published_projects(city):
    from smartcity.portfolio.models import Project

    projects = Project.objects.published().filter(cities=city)
    return projects.select_related("district").prefetch_related("action_fields").order_by("title")


def _project_row(project, request_base: str = "") -> dict:
    return {
        "kennung": project.code,
        "titel": project.title,
        "kurzbeschreibung": project.summary,
        "art": project.get_kind_display(),
        "status": project.get_status_display(),
        "beginn": project.start_date.isoformat() if project.start_date else "",
        "ende": project.end_date.isoformat() if project.end_date else "",
        "handlungsfelder": ", ".join(field.name for field in project.action_fields.all()),
        "stadtbezirk": project.district.name if project.district_id else "",
        "federfuehrung": project.lead_department,
        "budget_eur": str(project.budget_eur) if project.budget_eur is not None else "",
        "adresse": project.get_absolute_url(),
    }


def projects_csv(city) -> tuple[str, bytes]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PROJECT_COLUMNS)
    writer.writeheader()
    for project in _published_projects(city):
        writer.writerow(_project_row(project))
    return "projekte.csv", out.getvalue().encode()


def projects_geojson(city) -> tuple[str, bytes]:
    features = [
        {
            "type": "Feature",
            "geometry": project.location or None,
            "properties": _project_row(project),
        }
        for project in _published_projects(city)
    ]
    return "projekte.geojson", orjson.dumps({"type": "FeatureCollection", "features": features})


# Cells with fewer reports than this are merged into "andere", so no single report (and no
# reporter) can be singled out from the statistics.
MIN_CELL = 3


def defect_statistics_csv(city) -> tuple[str, bytes]:
    """Reports per month, category and status: counts only, small cells merged."""
    from smartcity.defects.models import Report

    rows = Report.objects.filter(city=city).values_list(
        "created_at", "category__name", "status", "district__name"
    )
    counts: Counter = Counter()
    for created_at, category, status, district in rows:
        counts[(created_at.strftime("%Y-%m"), category or "", status, district or "")] += 1
    merged: Counter = Counter()
    for (month, category, status, district), count in counts.items():
        if count < MIN_CELL:
            merged[(month, "andere", status, "")] += count
        else:
            merged[(month, category, status, district)] += count
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["monat", "kategorie", "status", "stadtbezirk", "meldungen"])
    for key in sorted(merged):
        writer.writerow([*key, merged[key]])
    return "maengelmeldungen-statistik.csv", out.getvalue().encode()


SENSOR_COLUMNS = [
    "beginn",
    "ende",
    "messstelle",
    "datenstrom",
    "messgroesse",
    "einheit",
    "anzahl",
    "mittel",
    "minimum",
    "maximum",
]
SENSOR_DAYS = 7


def sensor_hourly_csv(city) -> tuple[str, bytes]:
    """Hourly aggregates of the last week for every public numeric datastream (weather and
    climate stations, school rooms, bridges — whatever the platform measures)."""
    from datetime import timedelta

    from django.utils import timezone

    from smartcity.sensors.models import Datastream
    from smartcity.sensors.services.aggregates import aggregate

    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=SENSOR_DAYS)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SENSOR_COLUMNS)
    streams = (
        Datastream.objects.filter(is_public=True, thing__is_public=True)
        .select_related("thing", "observed_property")
        .order_by("thing__name", "name", "pk")
    )
    for stream in streams:
        unit = (stream.unit_of_measurement or {}).get("symbol", "")
        buckets = aggregate(stream, timedelta(hours=1), ["count", "mean", "min", "max"], start, end)
        for bucket in buckets:
            if not bucket["count"] or bucket["mean"] is None:
                continue
            writer.writerow(
                [
                    bucket["start"].isoformat(),
                    bucket["end"].isoformat(),
                    stream.thing.name,
                    stream.name,
                    stream.observed_property.name,
                    unit,
                    bucket["count"],
                    round(bucket["mean"], 4),
                    bucket["min"],
                    bucket["max"],
                ]
            )
    return "sensordaten-stundenwerte.csv", out.getvalue().encode()


def register_all() -> None:
    if apps.is_installed("smartcity.portfolio"):
        project_metadata = {
            "dataset": "projekte",
            "title": "Smart-City-Projekte {city}",
            "notes": "Alle veröffentlichten Projekte des Smart-City-Programms in {city} mit "
            "Status, Zeitraum, Handlungsfeldern und Ort; stündlich aus der Plattform erzeugt.",
            "tags": ["Smart City", "Projekte", "Digitalisierung"],
            "themes": ["GOVE", "TECH"],
            "frequency": "DAILY",
        }
        publications.register(
            "portfolio.projects.csv",
            Publication(
                "portfolio.projects.csv",
                {**project_metadata, "distribution": "Projektliste (CSV)"},
                projects_csv,
            ),
        )
        publications.register(
            "portfolio.projects.geojson",
            Publication(
                "portfolio.projects.geojson",
                {**project_metadata, "distribution": "Projektorte (GeoJSON)"},
                projects_geojson,
            ),
        )
    if apps.is_installed("smartcity.sensors"):
        publications.register(
            "sensors.hourly.csv",
            Publication(
                "sensors.hourly.csv",
                {
                    "dataset": "sensordaten-stundenwerte",
                    "title": "Sensordaten der Smart-City-Plattform – Stundenwerte",
                    "notes": "Stündliche Anzahl, Mittel-, Minimal- und Maximalwerte der "
                    f"letzten {SENSOR_DAYS} Tage aller öffentlichen Messreihen der Plattform "
                    "(Wetter- und Klimastationen, Raumklima, Brücken), stündlich erneuert.",
                    "tags": ["Sensoren", "Messwerte", "Klima", "Wetter"],
                    "themes": ["ENVI", "TECH"],
                    "frequency": "HOURLY",
                    "distribution": "Stundenwerte (CSV)",
                    "per_city": False,
                },
                sensor_hourly_csv,
            ),
        )
    if apps.is_installed("smartcity.defects"):
        publications.register(
            "defects.statistics.csv",
            Publication(
                "defects.statistics.csv",
                {
                    "dataset": "maengelmeldungen-statistik",
                    "title": "Mängelmeldungen {city} – Statistik",
                    "notes": "Anzahl der Mängelmeldungen in {city} nach Monat, Kategorie, "
                    "Status und Stadtbezirk. Anonymisiert: nur Anzahlen, Zellen mit weniger "
                    f"als {MIN_CELL} Meldungen sind unter „andere“ zusammengefasst.",
                    "tags": ["Mängelmelder", "Statistik", "Stadtverwaltung"],
                    "themes": ["GOVE", "REGI"],
                    "frequency": "DAILY",
                    "distribution": "Statistik (CSV)",
                },
                defect_statistics_csv,
            ),
        )
