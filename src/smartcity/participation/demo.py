"""Demo ideas and comments; idempotent (matched by title, marked in the text)."""

from django.db import transaction
from django.utils import timezone

from smartcity.core.models import City
from smartcity.participation.models import Idea, IdeaStatus
from smartcity.participation.sanitise import render_text

DEMO_IDEAS = [
    (
        "dortmund",
        "Trinkbrunnen am Hauptbahnhof",
        "Im Sommer fehlt frisches Wasser.",
        7.459,
        51.517,
        IdeaStatus.IN_REVIEW,
    ),
    (
        "dortmund",
        "Sensoren für freie Radstellplätze",
        "Anzeige freier Plätze am Stadtgarten.",
        7.467,
        51.511,
        IdeaStatus.PARKED,
    ),
    (
        "schwerte",
        "Bürgerbus-Haltestellen mit Echtzeitanzeige",
        "Wann kommt der nächste Bus?",
        7.566,
        51.445,
        IdeaStatus.IN_REVIEW,
    ),
]
DEMO_MARK = "(Demo-Idee)"


@transaction.atomic
def load() -> None:
    cities = {city.slug: city for city in City.objects.all()}
    for slug, title, text, lon, lat, status in DEMO_IDEAS:
        city = cities.get(slug)
        if city is None:
            continue
        description = f"{text} {DEMO_MARK}"
        Idea.objects.update_or_create(
            city=city,
            title=title,
            defaults={
                "description": description,
                "description_html": render_text(description),
                "longitude": lon if city.contains(lon, lat) else None,
                "latitude": lat if city.contains(lon, lat) else None,
                "submitter_email": "demo@example.org",
                "consent_at": timezone.now(),
                "confirmed_at": timezone.now(),
                "status": status,
                "search_text": "",
            },
        )
