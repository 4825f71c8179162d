"""Sensing Core: service root, entities, navigation, $value, $ref, control information, 404."""

from smartcity.sensors.sta import conformance

from .conftest import BASE


def test_service_root_lists_every_entity_set_with_absolute_urls(anonymous):
    body = anonymous.get(f"{BASE}").json()
    names = {item["name"]: item["url"] for item in body["value"]}
    assert set(names) >= {
        "Things",
        "Locations",
        "HistoricalLocations",
        "Datastreams",
        "MultiDatastreams",
        "Sensors",
        "ObservedProperties",
        "Observations",
        "FeaturesOfInterest",
    }
    assert names["Things"] == "http://testserver/sta/v1.1/Things"
    assert body["serverSettings"]["conformance"] == conformance.uris()


def test_v10_root_has_no_multidatastreams_and_no_server_settings(anonymous):
    body = anonymous.get("/sta/v1.0").json()
    assert "MultiDatastreams" not in {item["name"] for item in body["value"]}
    assert "serverSettings" not in body


def test_v10_serves_the_api_with_10_semantics(sta, network):
    thing_id = network["thing"]["@iot.id"]
    ds_id = network["datastream"]["@iot.id"]
    thing = sta.get(f"/sta/v1.0/Things({thing_id})").json()
    assert thing["@iot.selfLink"] == f"http://testserver/sta/v1.0/Things({thing_id})"
    assert thing["properties"] == {"district": "Innenstadt", "floors": 3}
    assert "MultiDatastreams@iot.navigationLink" not in thing
    assert "properties" in sta.get(f"Datastreams({ds_id})").json()
    assert "properties" not in sta.get(f"/sta/v1.0/Datastreams({ds_id})").json()
    page = sta.get(f"/sta/v1.0/Things({thing_id})/Datastreams", **{"$expand": "Observations"})
    assert page.json()["value"][0]["Observations"][0]["@iot.selfLink"].startswith(
        "http://testserver/sta/v1.0/Observations("
    )
    created = sta.post(f"/sta/v1.0/Datastreams({ds_id})/Observations", {"result": 1})
    assert created.status_code == 201
    assert created["Location"].startswith("http://testserver/sta/v1.0/Observations(")


def test_entity_carries_id_self_link_and_navigation_links(anonymous, network):
    thing_id = network["thing"]["@iot.id"]
    body = anonymous.get(f"Things({thing_id})").json()
    assert body["@iot.id"] == thing_id
    assert body["@iot.selfLink"] == f"http://testserver{BASE}/Things({thing_id})"
    assert body["Datastreams@iot.navigationLink"].endswith(f"Things({thing_id})/Datastreams")
    assert body["properties"] == {"district": "Innenstadt", "floors": 3}


def test_navigation_paths_and_nested_ids(anonymous, network):
    thing_id = network["thing"]["@iot.id"]
    ds_id = network["datastream"]["@iot.id"]
    observations = anonymous.get(f"Things({thing_id})/Datastreams({ds_id})/Observations").json()
    assert len(observations["value"]) == 5
    sensor = anonymous.get(f"Datastreams({ds_id})/Sensor").json()
    assert sensor["name"] == "DHT22"
    wrong_parent = network["other"]["@iot.id"]
    assert anonymous.get(f"Things({wrong_parent})/Datastreams({ds_id})").status_code == 404


def test_property_value_and_ref(anonymous, network):
    thing_id = network["thing"]["@iot.id"]
    assert anonymous.get(f"Things({thing_id})/name").json() == {"name": "Brücke Nord"}
    raw = anonymous.get(f"Things({thing_id})/name/$value")
    assert raw.content.decode() == "Brücke Nord"
    assert raw["Content-Type"].startswith("text/plain")
    refs = anonymous.get(f"Things({thing_id})/Datastreams/$ref").json()
    assert list(refs["value"][0]) == ["@iot.selfLink"]
    one = anonymous.get(f"Datastreams({network['datastream']['@iot.id']})/Thing/$ref").json()
    assert one == {"@iot.selfLink": f"http://testserver{BASE}/Things({thing_id})"}


def test_missing_entities_and_unknown_paths_are_404_with_the_standard_body(anonymous, network):
    response = anonymous.get("Things(999999)")
    assert response.status_code == 404
    assert response.json() == {
        "code": 404,
        "type": "error",
        "message": "Thing(999999) does not exist",
    }
    assert anonymous.get("Gadgets").status_code == 404
    assert anonymous.get(f"Things({network['thing']['@iot.id']})/Gadgets").status_code == 404


def test_observation_result_time_is_always_present(anonymous, network):
    observation = anonymous.get("Observations").json()["value"][0]
    assert "resultTime" in observation and observation["resultTime"] is None
    assert observation["phenomenonTime"] == "2026-03-01T10:00:00Z"
    assert observation["result"] == 12.5


def test_datastream_ranges_follow_the_observations(anonymous, network):
    ds = anonymous.get(f"Datastreams({network['datastream']['@iot.id']})").json()
    assert ds["phenomenonTime"] == "2026-03-01T10:00:00Z/2026-03-01T14:00:00Z"
    assert ds["observedArea"] == {"type": "Point", "coordinates": [7.46, 51.51]}


def test_feature_of_interest_is_made_from_the_location_once(anonymous, network):
    features = anonymous.get("FeaturesOfInterest").json()["value"]
    assert len(features) == 1
    assert features[0]["feature"] == {"type": "Point", "coordinates": [7.46, 51.51]}


def test_historical_location_recorded_when_thing_gets_its_location(anonymous, network):
    thing_id = network["thing"]["@iot.id"]
    history = anonymous.get(f"Things({thing_id})/HistoricalLocations?$expand=Locations").json()
    assert len(history["value"]) == 1
    assert history["value"][0]["Locations"][0]["name"] == "Brücke Nord Ort"


def test_fast_observation_pages_equal_the_general_serialiser(sta, network):
    from smartcity.sensors.models import Observation
    from smartcity.sensors.sta.entities import OBSERVATION
    from smartcity.sensors.sta.query import Options
    from smartcity.sensors.sta.resources import Visibility
    from smartcity.sensors.sta.serialize import Context, entity_json

    ds = network["datastream"]["@iot.id"]
    sta.post(
        f"Datastreams({ds})/Observations",
        {
            "phenomenonTime": "2026-03-02T00:00:00.250Z/2026-03-02T01:00:00Z",
            "resultTime": "2026-03-02T01:00:01Z",
            "validTime": "2026-03-02T00:00:00Z/2026-03-03T00:00:00Z",
            "result": {"a": [1, 2]},
            "resultQuality": {"ok": True},
            "parameters": {"p": 1},
        },
    )
    sta.post(f"Datastreams({ds})/Observations", {"result": True})
    sta.post(f"Datastreams({ds})/Observations", {"result": "text"})
    page = sta.get("Observations", **{"$orderby": "id"}).json()["value"]
    ctx = Context(base=f"http://testserver{BASE}", version="v1.1", visibility=Visibility(True))
    general = [
        entity_json(OBSERVATION, row, Options(), ctx) for row in Observation.objects.order_by("pk")
    ]
    assert page == general
    assert {type(item["result"]).__name__ for item in page} >= {"dict", "bool", "str", "float"}
    selected = sta.get("Observations", **{"$orderby": "id", "$select": "result,Datastream"})
    assert selected.json()["value"][0] == {
        "result": 12.5,
        "Datastream@iot.navigationLink": page[0]["@iot.selfLink"] + "/Datastream",
    }


def test_a_streams_observations_default_to_time_order(sta, network):
    ds = network["datastream"]["@iot.id"]
    sta.post(
        f"Datastreams({ds})/Observations", {"phenomenonTime": "2020-01-01T00:00:00Z", "result": 1}
    )
    page = sta.get(f"Datastreams({ds})/Observations", **{"$top": "2"}).json()
    assert [item["result"] for item in page["value"]] == [1, 12.5]
    follow = sta.get(page["@iot.nextLink"].replace("http://testserver", "")).json()
    assert [item["result"] for item in follow["value"]] == [14, 15.5]
