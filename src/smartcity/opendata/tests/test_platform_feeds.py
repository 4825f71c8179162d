import csv
import io

import pytest

from smartcity.core.registries import publications
from smartcity.opendata import publishing
from smartcity.opendata.models import Dataset


def _csv_rows(dataset_name: str, fmt="CSV"):
    distribution = Dataset.objects.get(name=dataset_name).distributions.get(format=fmt)
    return list(csv.DictReader(io.StringIO(distribution.file.open("rb").read().decode())))


def test_project_list_is_published_from_the_portfolio(cities):
    if "portfolio.projects.csv" not in publications:
        pytest.fail("the portfolio app is installed, so its publication must be registered")
    from smartcity.portfolio.models import Project

    shown = Project.objects.create(
        slug="lora-netz", title="LoRaWAN-Netz", summary="Funknetz", review="published"
    )
    shown.cities.add(cities["dortmund"])
    hidden = Project.objects.create(slug="entwurf", title="Entwurf", summary="x", review="draft")
    hidden.cities.add(cities["dortmund"])
    publishing.refresh("portfolio.projects.csv")
    publishing.refresh("portfolio.projects.geojson")
    rows = _csv_rows("dortmund-projekte")
    assert [row["titel"] for row in rows] == ["LoRaWAN-Netz"]
    assert rows[0]["status"] == "geplant"
    assert _csv_rows("schwerte-projekte") == []
    dataset = Dataset.objects.get(name="dortmund-projekte")
    assert sorted(dataset.distributions.values_list("format", flat=True)) == ["CSV", "GEOJSON"]


def test_defect_statistics_are_counts_only(cities):
    if "defects.statistics.csv" not in publications:
        pytest.fail("the defects app is installed, so its publication must be registered")
    from smartcity.defects import demo as defects_demo
    from smartcity.defects.models import Report

    defects_demo.load()
    publishing.refresh("defects.statistics.csv")
    rows = _csv_rows("dortmund-maengelmeldungen-statistik")
    total = sum(int(row["meldungen"]) for row in rows)
    assert total == Report.objects.filter(city=cities["dortmund"]).count() > 0
    assert all(int(row["meldungen"]) >= 3 or row["kategorie"] == "andere" for row in rows)
    content = Dataset.objects.get(name="dortmund-maengelmeldungen-statistik").distributions.get()
    raw = content.file.open("rb").read().decode()
    for report in Report.objects.filter(city=cities["dortmund"])[:20]:
        assert report.description[:40] not in raw
        if report.reporter_email:
            assert report.reporter_email not in raw


MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"


def test_sensor_hourly_aggregates(db):
    import json
    from datetime import UTC, datetime, timedelta

    from django.test import Client

    from smartcity.accounts.models import User
    from smartcity.core.tokens import create_token

    secret = create_token(User.objects.create_user("station", password="x" * 12), ["sta:write"])[1]
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    observations = [
        {"phenomenonTime": (hour + timedelta(minutes=minute)).isoformat(), "result": value}
        for minute, value in ((5, 10.0), (20, 14.0), (40, 12.0))
    ]
    body = {
        "name": "Wetterstation Hörde",
        "description": "Dach der Schule",
        "Locations": [{"name": "Dach", "description": "Dach",
                       "encodingType": "application/geo+json",
                       "location": {"type": "Point", "coordinates": [7.49, 51.48]}}],
        "Datastreams": [{
            "name": "Lufttemperatur",
            "description": "2 m über Dach",
            "observationType": MEASUREMENT,
            "unitOfMeasurement": {"name": "Grad Celsius", "symbol": "°C", "definition": "ucum:Cel"},
            "Sensor": {"name": "PT100", "description": "Thermometer",
                       "encodingType": "application/pdf", "metadata": "https://example.org/pt100.pdf"},
            "ObservedProperty": {"name": "Lufttemperatur", "description": "Temperatur",
                                 "definition": "https://example.org/temperatur"},
            "Observations": observations,
        }],
    }  # fmt: skip
    created = Client().post(
        "/sta/v1.1/Things", json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    publishing.refresh("sensors.hourly.csv")
    rows = _csv_rows("sensordaten-stundenwerte")
    assert len(rows) == 1
    row = rows[0]
    assert (row["messstelle"], row["einheit"], row["anzahl"]) == ("Wetterstation Hörde", "°C", "3")
    assert (float(row["mittel"]), float(row["minimum"]), float(row["maximum"])) == (
        12.0,
        10.0,
        14.0,
    )
    assert row["beginn"] == hour.isoformat()
