"""Open data: the bridge register with inspection grades, due dates and today's sensor light.

The measurements themselves (raw and derived: compensated values, natural frequencies,
damage) are public Datastreams and so already in the sensor hub's hourly publication and in
the SensorThings API.
"""

import csv
import io

from smartcity.core.registries import Publication, publications

COLUMNS = [
    "bauwerksnummer",
    "name",
    "strasse",
    "baujahr",
    "baustoff",
    "laenge_m",
    "zustandsnote",
    "notenbereich",
    "letzte_hauptpruefung",
    "naechste_hauptpruefung",
    "naechste_besichtigung",
    "ueberfaellig",
    "sensorampel",
    "thing_id",
]


def bridges_csv(city) -> tuple[str, bytes]:
    from smartcity.bridges.models import Bridge
    from smartcity.bridges.services import condition

    bridges = Bridge.objects.filter(is_public=True).prefetch_related("inspections", "channels")
    if city is not None:
        bridges = bridges.filter(city=city)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for bridge in bridges.order_by("structure_number"):
        schedule = bridge.inspection_schedule()
        writer.writerow(
            [
                bridge.structure_number,
                bridge.name,
                bridge.road,
                bridge.year_built or "",
                bridge.material,
                bridge.length_m,
                bridge.condition_grade or "",
                bridge.grade_band[0] if bridge.grade_band else "",
                schedule["last_main"] or "",
                schedule["next_main"] or "",
                schedule["next_visual"] or "",
                "ja" if bridge.overdue() else "nein",
                condition.condition(bridge)["light"],
                bridge.thing_id,
            ]
        )
    return "brueckenmonitoring.csv", out.getvalue().encode()


def register() -> None:
    publications.register(
        "bridges.csv",
        Publication(
            "bridges.csv",
            {
                "dataset": "brueckenmonitoring",
                "title": "Brücken mit Sensoren – Zustand und Prüftermine",
                "notes": "Überwachte Brücken mit Bauwerksnummer, Zustandsnote nach DIN 1076 "
                "(RI-EBW-PRÜF), letzter und nächster Prüfung und der Ampel der Sensoren. Die "
                "Messreihen stehen in der SensorThings-Schnittstelle (thing_id).",
                "tags": ["Brücken", "Bauwerksprüfung", "Sensoren", "Verkehr"],
                "themes": ["TRAN", "TECH"],
                "frequency": "DAILY",
                "distribution": "Brückenliste (CSV)",
            },
            bridges_csv,
        ),
    )
