"""Open data: hourly aggregates per school room, published per city and renewed daily."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from smartcity.core.registries import Publication, publications

COLUMNS = [
    "schule",
    "raum",
    "messgroesse",
    "einheit",
    "beginn",
    "ende",
    "anzahl",
    "mittel",
    "minimum",
    "maximum",
]
DAYS = 30


def hourly_csv(city) -> tuple[str, bytes]:
    """The last ``DAYS`` complete days (up to local midnight), so the file changes once a day."""
    from smartcity.schools import calendar
    from smartcity.schools.models import UNITS, RoomSensor
    from smartcity.sensors.models import HourlyAggregate

    today = datetime.now(calendar.LOCAL).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = today - timedelta(days=DAYS), today
    sensors = (
        RoomSensor.objects.filter(room__building__school__is_public=True)
        .select_related("room__building__school")
        .order_by("room__building__school__name", "room__name", "quantity")
    )
    if city is not None:
        sensors = sensors.filter(room__building__school__city=city)
    labels = {sensor.datastream_id: sensor for sensor in sensors}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows = (
        HourlyAggregate.objects.filter(
            datastream_id__in=list(labels), hour__gte=start, hour__lt=end, numeric_count__gt=0
        )
        .order_by("datastream_id", "hour")
        .values_list("datastream_id", "hour", "numeric_count", "total", "minimum", "maximum")
    )
    order = {stream: index for index, stream in enumerate(labels)}
    for stream, hour, count, total, low, high in sorted(rows, key=lambda r: (order[r[0]], r[1])):
        sensor = labels[stream]
        writer.writerow(
            [
                sensor.room.building.school.name,
                sensor.room.name,
                sensor.get_quantity_display(),
                UNITS[sensor.quantity],
                hour.isoformat(),
                (hour + timedelta(hours=1)).isoformat(),
                count,
                round(total / count, 2),
                low,
                high,
            ]
        )
    return "schulen-raumklima-stundenwerte.csv", out.getvalue().encode()


def register() -> None:
    publications.register(
        "schools.hourly.csv",
        Publication(
            "schools.hourly.csv",
            {
                "dataset": "schulen-raumklima",
                "title": "Raumklima in Schulen {city} – Stundenwerte",
                "notes": "Stündliche Anzahl, Mittel-, Minimal- und Maximalwerte von CO₂, "
                "Temperatur, Luftfeuchte, Feinstaub und Lautstärke in Klassenräumen der "
                f"letzten {DAYS} Tage, je Schule und Raum. Nur Räume, keine Personen. "
                "Täglich erneuert.",
                "tags": ["Schulen", "Raumklima", "CO2", "Luftqualität"],
                "themes": ["EDUC", "ENVI", "HEAL"],
                "frequency": "DAILY",
                "distribution": "Stundenwerte je Raum (CSV)",
            },
            hourly_csv,
        ),
    )
