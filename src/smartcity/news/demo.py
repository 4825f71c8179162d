"""Demo news and events for Dortmund and Schwerte. Idempotent: existing items stay unchanged."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from smartcity.core.models import City
from smartcity.news.models import Event, Post, Tag

TAGS = {"mobilitaet": "Mobilität", "klima": "Klima", "beteiligung": "Beteiligung"}

POSTS = {
    "dortmund": [
        (
            "sensoren-an-bruecken",
            "Sensoren messen an Dortmunder Brücken",
            "Neue Sensoren melden Schwingungen und Temperatur ins offene Datenportal.",
            "<p>Die ersten Messstellen sind in Betrieb.</p>",
            ["mobilitaet"],
        ),
        (
            "klimadaten-schulen",
            "Schulen messen ihr Raumklima",
            "CO₂-Ampeln in zwölf Schulen zeigen, wann gelüftet werden sollte.",
            "<p>Schülerinnen und Schüler werten die Daten selbst aus.</p>",
            ["klima"],
        ),
    ],
    "schwerte": [
        (
            "digitale-buergerdienste",
            "Bürgerbüro Schwerte: Termine jetzt online",
            "Termine für Ausweis und Meldeangelegenheiten lassen sich online buchen.",
            "<p>Die Bestätigung kommt per E-Mail – mit Kalenderdatei.</p>",
            ["beteiligung"],
        )
    ],
}

EVENTS = {
    "dortmund": [
        (
            "werkstatt-smart-city-lab",
            "Werkstatt im Smart City Lab",
            Event.Category.PARTICIPATION,
            "Smart City Lab Dortmund",
            "Königswall 14, 44137 Dortmund",
            (51.5149, 7.4594),
            12,
            ["beteiligung"],
        ),
        (
            "vortrag-offene-daten",
            "Vortrag: Offene Daten für alle",
            Event.Category.EVENT,
            "Stadt- und Landesbibliothek",
            "Max-von-der-Grün-Platz 1–3, 44137 Dortmund",
            (51.5129, 7.4622),
            None,
            ["klima"],
        ),
    ],
    "schwerte": [
        (
            "lab-ruhrufer",
            "Lab: Das Ruhrufer digital planen",
            Event.Category.PARTICIPATION,
            "Rathaus Schwerte",
            "Rathausstraße 31, 58239 Schwerte",
            (51.4448, 7.5660),
            20,
            ["beteiligung", "klima"],
        )
    ],
}


@transaction.atomic
def load() -> None:
    tags = {
        slug: Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in TAGS.items()
    }
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for city in City.objects.filter(slug__in=POSTS):
        for days, (slug, title, teaser, body, tag_slugs) in enumerate(POSTS[city.slug]):
            post, created = Post.objects.get_or_create(
                city=city,
                slug=slug,
                defaults={
                    "title": title,
                    "teaser": teaser,
                    "body": body,
                    "status": Post.Status.PUBLISHED,
                    "published_at": now - dt.timedelta(days=days + 1),
                },
            )
            if created:
                post.tags.set(tags[t] for t in tag_slugs)
        for weeks, item in enumerate(EVENTS.get(city.slug, [])):
            slug, title, category, place, address, (lat, lon), capacity, tag_slugs = item
            start = (now + dt.timedelta(weeks=weeks + 1)).replace(hour=17)
            event, created = Event.objects.get_or_create(
                city=city,
                slug=slug,
                defaults={
                    "title": title,
                    "description": f"<p>{title}. Alle sind willkommen.</p>",
                    "category": category,
                    "start": start,
                    "end": start + dt.timedelta(hours=2),
                    "place": place,
                    "address": address,
                    "latitude": lat,
                    "longitude": lon,
                    "organiser": "Smart City Dortmund Schwerte",
                    "capacity": capacity,
                    "status": Event.Status.PUBLISHED,
                },
            )
            if created:
                event.tags.set(tags[t] for t in tag_slugs)
