"""Upcoming events with a place as a layer of the city map (and of ``nearby``)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.core.registries import MapFilters, MapLayer, map_layers
from smartcity.news.models import Event

LAYER_NAME = "events"


def event_features(city, filters: MapFilters):
    events = Event.objects.published().filter(
        end__gte=timezone.now(), latitude__isnull=False, longitude__isnull=False
    )
    if city is not None:
        events = events.filter(city=city)
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        events = events.filter(
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )
    if filters.q:
        events = events.filter(Q(title__icontains=filters.q) | Q(place__icontains=filters.q))
    # Plain rows, no ordering: the map and ``nearby`` sort for themselves.
    rows = events.order_by().values_list(
        "pk", "title", "slug", "city__slug", "start", "place", "category", "latitude", "longitude"
    )
    for pk, title, slug, city_slug, start, place, category, latitude, longitude in rows:
        yield {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": {
                "id": pk,
                "layer": LAYER_NAME,
                "title": title,
                "url": reverse("news:event", kwargs={"city": city_slug, "slug": slug}),
                "start": timezone.localtime(start).isoformat(),
                "place": place,
                "category": category,
            },
        }


def register() -> None:
    map_layers.register(
        LAYER_NAME,
        MapLayer(
            name=LAYER_NAME,
            label=_("Veranstaltungen"),
            features=event_features,
            filters=frozenset({"q", "bbox"}),
            order=60,
            colour="#7a3e9d",
        ),
    )
