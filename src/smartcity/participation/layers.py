"""Published ideas as a layer of the city map."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartcity.core import search
from smartcity.core.registries import MapLayer, map_layers
from smartcity.participation.models import Idea
from smartcity.participation.models.ideas import PUBLIC_STATUSES

IDEA_FILTERS = frozenset({"status", "district", "action_field", "q", "bbox"})


def idea_features(city, filters):
    """Published ideas with a location as Features (one query, plain values)."""
    ideas = Idea.objects.published().exclude(longitude=None)
    if city is not None:
        ideas = ideas.filter(city=city)
    for key, lookup in (
        ("status", "status__in"),
        ("district", "district__slug__in"),
        ("action_field", "action_field__slug__in"),
    ):
        values = filters.any_of(key)
        if values:
            ideas = ideas.filter(**{lookup: values})
    for term in search.query_terms(filters.q or ""):
        ideas = ideas.filter(search_text__contains=term)
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        ideas = ideas.filter(
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )
    # One reverse() for all: the URL pattern with placeholders filled per idea.
    url = reverse("participation:idea", kwargs={"city": "CITY", "pk": 1})
    head, tail = url.rsplit("/1/", 1)
    rows = ideas.values_list(
        "pk",
        "title",
        "status",
        "longitude",
        "latitude",
        "supports_count",
        "city__slug",
        "action_field__slug",
    )
    for pk, title, status, lon, lat, supports, city_slug, field in rows:
        yield {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": pk,
                "layer": "ideas",
                "title": title,
                "url": f"{head.replace('CITY', city_slug)}/{pk}/{tail}",
                "status": status,
                "action_field": field,
                "supports": supports,
            },
        }


def register() -> None:
    map_layers.register(
        "ideas",
        MapLayer(
            name="ideas",
            label=_("Ideen aus der Bürgerschaft"),
            features=idea_features,
            filters=IDEA_FILTERS,
            order=300,
            visible_by_default=False,
            colour="#8a4b00",
            statuses=frozenset(str(status) for status in PUBLIC_STATUSES),
            multi_value=True,
        ),
    )
