import datetime as dt
import itertools

from django.utils import timezone

from smartcity.news.models import Event, Post, Tag

_numbers = itertools.count(1)


def tag(slug="klima", name="Klima") -> Tag:
    return Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def make_post(city, tags=(), **fields) -> Post:
    number = next(_numbers)
    post = Post.objects.create(
        city=city,
        slug=fields.pop("slug", f"meldung-{number}"),
        title=fields.pop("title", f"Meldung {number}"),
        teaser=fields.pop("teaser", "Kurz gesagt."),
        body=fields.pop("body", "<p>Text</p>"),
        status=fields.pop("status", Post.Status.PUBLISHED),
        published_at=fields.pop("published_at", timezone.now() - dt.timedelta(hours=number)),
        **fields,
    )
    post.tags.set(tags)
    return post


def make_event(city, tags=(), days=7, **fields) -> Event:
    number = next(_numbers)
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    event = Event.objects.create(
        city=city,
        slug=fields.pop("slug", f"termin-{number}"),
        title=fields.pop("title", f"Werkstatt {number}"),
        description=fields.pop("description", "<p>Alle willkommen</p>"),
        start=start,
        end=start + dt.timedelta(hours=2),
        place=fields.pop("place", "Smart City Lab"),
        latitude=fields.pop("latitude", 51.5149),
        longitude=fields.pop("longitude", 7.4594),
        organiser="Stadt Dortmund",
        status=fields.pop("status", Event.Status.PUBLISHED),
        **fields,
    )
    event.tags.set(tags)
    return event
