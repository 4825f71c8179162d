"""The public "bridges" layer of the city map: each monitored bridge as a line with its light."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartcity.bridges.models import Alert, Bridge
from smartcity.bridges.services import condition
from smartcity.core import registries

LAYER_NAME = "bridges"
STATUSES = frozenset({"green", "yellow", "orange", "red", "grey"})


def features(city, filters=None) -> list[dict]:
    bridges = Bridge.objects.filter(is_public=True).select_related("city")
    if city is not None:
        bridges = bridges.filter(city=city)
    if filters is not None and filters.q:
        bridges = bridges.filter(
            Q(name__icontains=filters.q)
            | Q(road__icontains=filters.q)
            | Q(structure_number__icontains=filters.q)
        )
    bridges = list(bridges.prefetch_related("channels").order_by("name"))
    open_alerts: dict[int, list] = {}
    for alert in Alert.objects.filter(
        bridge__in=[bridge.pk for bridge in bridges], resolved_at=None
    ).select_related("channel"):
        open_alerts.setdefault(alert.bridge_id, []).append(alert)
    result = []
    for bridge in bridges:
        lon, lat = bridge.midpoint()
        if filters is not None and not filters.bbox_contains(lon, lat):
            continue
        state = condition.condition(bridge, open_alerts.get(bridge.pk, []))
        if filters is not None and filters.status and filters.status != state["light"]:
            continue
        result.append(
            {
                "type": "Feature",
                "geometry": bridge.geometry,
                "properties": {
                    "id": f"bridge-{bridge.pk}",
                    "layer": LAYER_NAME,
                    "title": bridge.name,
                    "url": bridge.get_absolute_url(),
                    "status": state["light"],
                    "status_label": f"{state['light_label']}: {state['headline']}",
                    "structure_number": bridge.structure_number,
                    "condition_grade": float(bridge.condition_grade)
                    if bridge.condition_grade
                    else None,
                },
            }
        )
    return result


def register() -> None:
    registries.map_layers.register(
        LAYER_NAME,
        registries.MapLayer(
            name=LAYER_NAME,
            label=_("Brücken mit Sensoren"),
            features=features,
            filters=frozenset({"q", "bbox", "status"}),
            order=65,
            visible_by_default=False,
            colour="#6a1b9a",
            statuses=STATUSES,
        ),
    )
