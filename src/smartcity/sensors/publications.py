"""The sensor hub's open-data publication: hourly aggregates of every public datastream."""

from __future__ import annotations

import csv
import io

from smartcity.core.registries import Publication, publications

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


def register() -> None:
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
