"""Demo Bürgerdienste in Dortmund and Schwerte. Idempotent (keyed by city and slug)."""

import datetime as dt

from django.db import transaction

from smartcity.appointments.models import Office, OpeningHours, Service
from smartcity.core.models import City

WEEKDAY_HOURS = {
    0: [("08:00", "12:30"), ("13:30", "16:00")],
    1: [("08:00", "12:30"), ("13:30", "16:00")],
    2: [("08:00", "12:30")],
    3: [("08:00", "12:30"), ("13:30", "18:00")],
    4: [("08:00", "12:00")],
}

OFFICES = {
    "dortmund": [
        {
            "slug": "buergerdienste-innenstadt",
            "name": "Bürgerdienste Innenstadt (Berswordt-Halle)",
            "street": "Südwall 2–4",
            "postcode": "44137",
            "town": "Dortmund",
            "latitude": 51.5106,
            "longitude": 7.4640,
            "counters": 4,
        },
        {
            "slug": "buergerdienste-hoerde",
            "name": "Bürgerdienste Hörde",
            "street": "Hörder Bahnhofstraße 16",
            "postcode": "44263",
            "town": "Dortmund",
            "latitude": 51.4890,
            "longitude": 7.5030,
            "counters": 2,
        },
    ],
    "schwerte": [
        {
            "slug": "buergerbuero",
            "name": "Bürgerbüro Schwerte",
            "street": "Rathausstraße 31",
            "postcode": "58239",
            "town": "Schwerte",
            "latitude": 51.4448,
            "longitude": 7.5660,
            "counters": 2,
        }
    ],
}

SERVICES = [
    {
        "slug": "personalausweis",
        "name": "Personalausweis beantragen",
        "duration_minutes": 30,
        "documents": "Bisheriger Ausweis oder Reisepass\nEin biometrisches Lichtbild",
    },
    {
        "slug": "reisepass",
        "name": "Reisepass beantragen",
        "duration_minutes": 30,
        "documents": "Bisheriger Reisepass oder Personalausweis\nEin biometrisches Lichtbild",
    },
    {
        "slug": "wohnsitz-anmelden",
        "name": "Wohnsitz anmelden oder ummelden",
        "duration_minutes": 15,
        "documents": "Personalausweis oder Reisepass\nWohnungsgeberbestätigung",
    },
    {
        "slug": "fuehrungszeugnis",
        "name": "Führungszeugnis beantragen",
        "duration_minutes": 15,
        "documents": "Personalausweis oder Reisepass",
    },
]


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


@transaction.atomic
def load() -> None:
    for city_slug, offices in OFFICES.items():
        city = City.objects.filter(slug=city_slug).first()
        if city is None:
            continue
        created = []
        for data in offices:
            office, _new = Office.objects.update_or_create(
                city=city,
                slug=data["slug"],
                defaults={k: v for k, v in data.items() if k != "slug"},
            )
            if not office.opening_hours.exists():
                OpeningHours.objects.bulk_create(
                    OpeningHours(office=office, weekday=day, opens=_time(a), closes=_time(b))
                    for day, spans in WEEKDAY_HOURS.items()
                    for a, b in spans
                )
            created.append(office)
        for order, data in enumerate(SERVICES):
            service, _new = Service.objects.update_or_create(
                city=city,
                slug=data["slug"],
                defaults={**{k: v for k, v in data.items() if k != "slug"}, "ordering": order},
            )
            service.offices.add(*created)
