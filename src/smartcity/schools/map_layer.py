"""The "schools" layer of the city map: public schools with sensor-equipped rooms."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from smartcity.core import registries
from smartcity.schools.models import School

LAYER_NAME = "schools"


def features(city, filters=None) -> list[dict]:
    schools = School.objects.filter(is_public=True, latitude__isnull=False).select_related("city")
    if city is not None:
        schools = schools.filter(city=city)
    if filters is not None and filters.q:
        schools = schools.filter(Q(name__icontains=filters.q) | Q(address__icontains=filters.q))
    schools = schools.annotate(room_count=Count("buildings__rooms")).order_by("name")
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [school.longitude, school.latitude]},
            "properties": {
                "id": f"school-{school.pk}",
                "layer": LAYER_NAME,
                "title": school.name,
                "url": school.get_absolute_url(),
                "address": school.address,
                "rooms": school.room_count,
            },
        }
        for school in schools
        if filters is None or filters.bbox_contains(school.longitude, school.latitude)
    ]


def register() -> None:
    registries.map_layers.register(
        LAYER_NAME,
        registries.MapLayer(
            name=LAYER_NAME,
            label=_("Schulen mit Raumklima-Messung"),
            features=features,
            filters=frozenset({"q", "bbox"}),
            order=70,
            visible_by_default=False,
            colour="#2e6b30",
        ),
    )
