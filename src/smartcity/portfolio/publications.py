"""The portfolio's open-data publications: the project list as CSV and GeoJSON.

Registered with ``core.registries.publications``; the open data portal refreshes them.
"""

from __future__ import annotations

import csv
import io

import orjson

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


def register() -> None:
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
