from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Schema


class TagOut(Schema):
    slug: str
    name: str


class PostOut(Schema):
    id: int
    city: str
    slug: str
    title: str
    teaser: str
    body: str
    image: str | None
    image_alt: str
    tags: list[TagOut]
    published_at: dt.datetime
    url: str

    @staticmethod
    def resolve_city(obj):
        return obj.city.slug

    @staticmethod
    def resolve_image(obj):
        return obj.image.url if obj.image else None

    @staticmethod
    def resolve_tags(obj):
        return list(obj.tags.all())

    @staticmethod
    def resolve_published_at(obj):
        return timezone.localtime(obj.published_at)

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class EventOut(Schema):
    id: int
    city: str
    slug: str
    title: str
    description: str
    category: str
    start: dt.datetime
    end: dt.datetime
    place: str
    address: str
    latitude: float | None
    longitude: float | None
    organiser: str
    registration_url: str
    capacity: int | None
    tags: list[TagOut]
    url: str

    @staticmethod
    def resolve_city(obj):
        return obj.city.slug

    @staticmethod
    def resolve_start(obj):
        return timezone.localtime(obj.start)

    @staticmethod
    def resolve_end(obj):
        return timezone.localtime(obj.end)

    @staticmethod
    def resolve_tags(obj):
        return list(obj.tags.all())

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None


class PostPage(PageMeta):
    results: list[PostOut]


class EventPage(PageMeta):
    results: list[EventOut]


class NearbyItem(Schema):
    layer: str
    id: str
    title: str
    url: str
    distance_m: float
    longitude: float
    latitude: float
    properties: dict


class NearbyPage(PageMeta):
    results: list[NearbyItem]
