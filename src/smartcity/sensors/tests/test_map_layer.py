"""The "sensors" map layer: public Things with a Location and their latest values."""

import orjson
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartcity.core.registries import MapFilters, map_layers
from smartcity.sensors import map_layer
from smartcity.sensors.models import Thing
from smartcity.sensors.tests.conftest import thing_body


def test_public_things_with_their_latest_values(sta, network):
    ds = network["datastream"]["@iot.id"]
    sta.post(
        f"Datastreams({ds})/Observations",
        {"phenomenonTime": "2026-03-02T08:00:00Z", "result": 7.25},
    )
    sta.post(
        f"Datastreams({ds})/Observations", {"phenomenonTime": "2026-02-01T08:00:00Z", "result": 99}
    )
    hidden = sta.post("Things", thing_body("Internes Gerät", 7.3, 51.4)).json()
    Thing.objects.filter(pk=hidden["@iot.id"]).update(is_public=False)
    sta.post("Things", {"name": "Ohne Ort", "description": "kein Standort"})
    found = map_layer.features(None, MapFilters())
    assert [feature["properties"]["title"] for feature in found] == ["Brücke Nord", "Schule Süd"]
    north = found[0]
    assert north["geometry"] == {"type": "Point", "coordinates": [7.46, 51.51]}
    assert north["properties"]["readings"] == [
        {
            "name": "Brücke Nord Temperatur",
            "value": 7.25,
            "unit": "°C",
            "time": "2026-03-02T08:00:00Z",
        }
    ]
    assert (
        "7,2" in north["properties"]["status_label"] or "7.2" in north["properties"]["status_label"]
    )
    assert (
        north["properties"]["url"]
        == f"/sta/v1.1/Things({network['thing']['@iot.id']})/Datastreams/$latest"
    )
    assert sta.get(north["properties"]["url"].removeprefix("/sta/v1.1/")).status_code == 200
    assert found[1]["properties"]["readings"][0]["value"] is None
    only_school = map_layer.features(None, MapFilters(q="schule"))
    assert [feature["properties"]["title"] for feature in only_school] == ["Schule Süd"]
    east = map_layer.features(None, MapFilters(bbox=(7.5, 51.0, 8.0, 52.0)))
    assert [feature["properties"]["title"] for feature in east] == ["Schule Süd"]


def test_query_count_does_not_grow_with_things(sta, network):
    with CaptureQueriesContext(connection) as two:
        map_layer.features(None, MapFilters())
    for number in range(5):
        sta.post("Things", thing_body(f"Station {number}", 7.4, 51.5))
    with CaptureQueriesContext(connection) as seven:
        assert len(map_layer.features(None, MapFilters())) == 7
    assert len(seven.captured_queries) == len(two.captured_queries) == 2


def test_listed_on_the_map(client, network):
    assert "sensors" in map_layers
    response = client.get("/api/v1/map/features.geojson?layer=sensors")
    assert response.status_code == 200, response.content
    titles = {
        feature["properties"]["title"]
        for feature in orjson.loads(response.content)["features"]
        if feature["properties"]["layer"] == "sensors"
    }
    assert titles == {"Brücke Nord", "Schule Süd"}


def test_cached_for_the_configured_time_per_filter_and_language(sta, network, settings):
    from django.core.cache import cache
    from django.utils import translation

    settings.SENSORS_MAP_CACHE_SECONDS = 60
    cache.clear()
    ds = network["datastream"]["@iot.id"]
    sta.post(
        f"Datastreams({ds})/Observations", {"phenomenonTime": "2026-03-02T08:00Z", "result": 1}
    )

    def north_value(filters):
        found = map_layer.features(None, filters)
        return [
            f["properties"]["readings"] for f in found if f["properties"]["title"] == "Brücke Nord"
        ]

    assert north_value(MapFilters())[0][0]["value"] == 1
    sta.post(
        f"Datastreams({ds})/Observations", {"phenomenonTime": "2026-03-02T09:00Z", "result": 2}
    )
    with CaptureQueriesContext(connection) as cached:
        assert north_value(MapFilters())[0][0]["value"] == 1  # within the minute: the kept copy
    assert len(cached.captured_queries) == 0
    assert north_value(MapFilters(q="brücke"))[0][0]["value"] == 2  # other filters: own entry
    with translation.override("en"):
        assert north_value(MapFilters())[0][0]["value"] == 2  # other language: own entry
    assert (
        map_layer.fresh_features(None, MapFilters())[0]["properties"]["readings"][0]["value"] == 2
    )
    cache.clear()  # what the expiry does
    assert north_value(MapFilters())[0][0]["value"] == 2
    settings.SENSORS_MAP_CACHE_SECONDS = 0
    sta.post(
        f"Datastreams({ds})/Observations", {"phenomenonTime": "2026-03-02T10:00Z", "result": 3}
    )
    assert north_value(MapFilters())[0][0]["value"] == 3
