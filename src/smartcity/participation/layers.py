"""Published ideas as a layer of the city map."""

from django.utils.translation import gettext_lazy as _

from smartcity.core import search
from smartcity.core.registries import MapLayer, map_layers
from smartcity.participation.models import Idea
from smartcity.participation.models.ideas import PUBLIC_STATUSES

IDEA_FILTERS = frozenset({"status", "district", "action_field", "q", "bbox"})


def idea_features(city, filters):
    ideas = (
        Idea.objects.published()
        .exclude(longitude=None)
        .select_related("city", "district", "action_field")
    )
    if city is not None:
        ideas = ideas.filter(city=city)
    if filters.status:
        ideas = ideas.filter(status=filters.status)
    if filters.district:
        ideas = ideas.filter(district__slug=filters.district)
    if filters.action_field:
        ideas = ideas.filter(action_field__slug=filters.action_field)
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
    for idea in ideas:
        yield {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [idea.longitude, idea.latitude]},
            "properties": {
                "id": idea.pk,
                "layer": "ideas",
                "title": idea.title,
                "url": idea.get_absolute_url(),
                "status": idea.status,
                "action_field": idea.action_field.slug if idea.action_field else None,
                "supports": idea.supports_count,
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
        ),
    )
