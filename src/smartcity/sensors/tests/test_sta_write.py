"""Create-Update-Delete: Location header, deep insert, links, PATCH/PUT/JSON Patch, cascades."""

import copy

import pytest

from smartcity.sensors.models import (
    Datastream,
    FeatureOfInterest,
    HistoricalLocation,
    Location,
    Observation,
    Sensor,
    Thing,
)

from .conftest import BASE, StaClient, thing_body


def counts():
    return tuple(
        model.objects.count()
        for model in (Thing, Location, Datastream, Sensor, Observation, HistoricalLocation)
    )


def test_post_answers_201_with_location_header_and_entity(sta):
    response = sta.post(
        "Sensors", {"name": "S", "description": "d", "encodingType": "text/html", "metadata": "m"}
    )
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"http://testserver{BASE}/Sensors({body['@iot.id']})"
    assert body["name"] == "S"


def test_deep_insert_creates_every_nested_entity_and_history(sta):
    response = sta.post("Things", thing_body())
    assert response.status_code == 201, response.content
    assert counts() == (1, 1, 1, 1, 0, 1)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda body: body["Datastreams"][0].pop("unitOfMeasurement"), "unitOfMeasurement"),
        (lambda body: body["Datastreams"][0]["Sensor"].update(name=5), "name"),
        (lambda body: body["Locations"][0].update(location={"type": "Point"}), "location"),
        (
            lambda body: body["Locations"][0].update(
                location={"type": "Point", "coordinates": [700, 95]}
            ),
            "location",
        ),
        (lambda body: body.update(colour="red"), "colour"),
        (lambda body: body.update(properties=[1]), "properties"),
        (
            lambda body: body["Datastreams"][0].update(
                Observations=[{"phenomenonTime": "gestern", "result": 1}]
            ),
            "phenomenonTime",
        ),
    ],
)
def test_failed_deep_insert_writes_nothing_and_names_the_field(sta, mutate, field):
    body = copy.deepcopy(thing_body())
    mutate(body)
    response = sta.post("Things", body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_link_to_missing_entity_is_404_and_nothing_written(sta):
    body = thing_body()
    body["Datastreams"][0]["Sensor"] = {"@iot.id": 424242}
    response = sta.post("Things", body)
    assert response.status_code == 404
    assert "Sensor(424242) does not exist" in response.json()["message"]
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_malformed_json_and_wrong_shapes(sta):
    assert (
        sta.send("POST", "Things", b"{nope")
        .json()["message"]
        .startswith("the request body is not valid JSON")
    )
    assert sta.post("Things", [1]).status_code == 400
    assert sta.post("Things", {"name": "x"}).json()["field"] == "description"
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_writes_need_a_token_with_sta_write(db, writer_secret):
    anonymous = StaClient()
    assert anonymous.post("Things", thing_body()).status_code == 401
    bad = StaClient("sc_not-a-real-token")
    response = bad.post("Things", thing_body())
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert anonymous.send("DELETE", "Things(1)").status_code == 401
    from smartcity.accounts.models import User
    from smartcity.core.tokens import create_token

    other = User.objects.create_user(
        username="open-data", email="open-data@example.org", password="x" * 12
    )
    reader = StaClient(create_token(other, ["opendata:write"])[1])
    forbidden = reader.post("Things", thing_body())
    assert forbidden.status_code == 403 and "sta:write" in forbidden.json()["message"]
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_link_by_id_and_post_under_a_navigation_path(sta, network):
    ds = network["datastream"]
    thing_id = network["other"]["@iot.id"]
    sensor_id = sta.get(f"Datastreams({ds['@iot.id']})/Sensor").json()["@iot.id"]
    prop_id = sta.get(f"Datastreams({ds['@iot.id']})/ObservedProperty").json()["@iot.id"]
    response = sta.post(
        f"Things({thing_id})/Datastreams",
        {
            "name": "Feuchte",
            "description": "d",
            "observationType": "x",
            "unitOfMeasurement": {"name": "%", "symbol": "%", "definition": "x"},
            "Sensor": {"@iot.id": sensor_id},
            "ObservedProperty": {"@iot.id": prop_id},
        },
    )
    assert response.status_code == 201, response.content
    created = Datastream.objects.get(pk=response.json()["@iot.id"])
    assert (created.thing_id, created.sensor_id) == (thing_id, sensor_id)
    assert Sensor.objects.count() == 2


def test_observation_with_explicit_feature_and_without_time(sta, network):
    ds = network["datastream"]["@iot.id"]
    response = sta.post(
        "Observations",
        {
            "result": 1,
            "Datastream": {"@iot.id": ds},
            "FeatureOfInterest": {
                "name": "Pegel",
                "description": "d",
                "encodingType": "application/geo+json",
                "feature": {"type": "Point", "coordinates": [7.0, 51.0]},
            },
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["phenomenonTime"]  # set by the server
    assert FeatureOfInterest.objects.count() == 2
    area = sta.get(f"Datastreams({ds})").json()["observedArea"]
    assert area["type"] == "LineString"  # the hull of both features


def test_patch_put_and_json_patch(sta, network):
    thing = network["thing"]["@iot.id"]
    patched = sta.send("PATCH", f"Things({thing})", {"description": "neu"}).json()
    assert patched["description"] == "neu" and patched["name"] == "Brücke Nord"
    put = sta.send("PUT", f"Things({thing})", {"name": "Ersetzt", "description": "ganz"}).json()
    assert put["properties"] is None and put["name"] == "Ersetzt"
    assert sta.send("PUT", f"Things({thing})", {"name": "ohne Beschreibung"}).status_code == 400
    patch = [
        {"op": "add", "path": "/properties", "value": {"a": 1}},
        {"op": "add", "path": "/properties/b", "value": 2},
        {"op": "replace", "path": "/name", "value": "Gepatcht"},
        {"op": "test", "path": "/properties/a", "value": 1},
    ]
    response = sta.send("PATCH", f"Things({thing})", patch, "application/json-patch+json")
    assert response.status_code == 200, response.content
    assert response.json()["properties"] == {"a": 1, "b": 2}
    failing = [{"op": "test", "path": "/name", "value": "anders"}]
    assert (
        sta.send("PATCH", f"Things({thing})", failing, "application/json-patch+json").status_code
        == 400
    )
    assert Thing.objects.get(pk=thing).name == "Gepatcht"


def test_patch_observation_result_and_read_only_fields(sta, network):
    observation = sta.get("Observations", **{"$top": "1"}).json()["value"][0]
    response = sta.send("PATCH", f"Observations({observation['@iot.id']})", {"result": "hoch"})
    assert response.json()["result"] == "hoch"
    ds = network["datastream"]["@iot.id"]
    response = sta.send("PATCH", f"Datastreams({ds})", {"phenomenonTime": "2020-01-01T00:00:00Z"})
    assert response.status_code == 400 and response.json()["field"] == "phenomenonTime"


def test_relinking_a_thing_location_adds_history(sta, network):
    thing = network["thing"]["@iot.id"]
    other_location = sta.get(f"Things({network['other']['@iot.id']})/Locations").json()["value"][0]
    sta.send("PATCH", f"Things({thing})", {"Locations": [{"@iot.id": other_location["@iot.id"]}]})
    history = sta.get(f"Things({thing})/HistoricalLocations").json()["value"]
    assert len(history) == 2
    assert (
        sta.get(f"Things({thing})/Locations").json()["value"][0]["@iot.id"]
        == other_location["@iot.id"]
    )


def test_delete_cascades_as_the_standard_says(sta, network):
    thing = network["thing"]["@iot.id"]
    location = sta.get(f"Things({thing})/Locations").json()["value"][0]["@iot.id"]
    assert sta.send("DELETE", f"Locations({location})").status_code == 200
    assert HistoricalLocation.objects.filter(thing_id=thing).count() == 0
    assert sta.send("DELETE", f"Things({thing})").status_code == 200
    assert Datastream.objects.filter(thing_id=thing).count() == 0
    assert Observation.objects.count() == 0
    assert sta.get(f"Things({thing})").status_code == 404
    assert sta.send("DELETE", f"Things({thing})").status_code == 404


def test_deleting_an_observation_shrinks_the_datastream_range(sta, network):
    ds = network["datastream"]["@iot.id"]
    last = sta.get(
        f"Datastreams({ds})/Observations", **{"$orderby": "phenomenonTime desc", "$top": "1"}
    ).json()
    sta.send("DELETE", f"Observations({last['value'][0]['@iot.id']})")
    assert sta.get(f"Datastreams({ds})").json()["phenomenonTime"].endswith("/2026-03-01T13:00:00Z")


def test_duplicate_rejection_is_configurable_per_datastream(sta, network):
    ds = network["datastream"]["@iot.id"]
    again = {"phenomenonTime": "2026-03-01T10:00:00Z", "result": 1}
    assert sta.post(f"Datastreams({ds})/Observations", again).status_code == 201
    Datastream.objects.filter(pk=ds).update(reject_duplicates=True)
    response = sta.post(f"Datastreams({ds})/Observations", again)
    assert response.status_code == 409
    body = response.json()
    assert body["field"] == "phenomenonTime" and body["existingId"]
    assert Observation.objects.filter(pk=body["existingId"]).exists()
    assert Observation.objects.count() == 6


def test_non_public_things_are_hidden_from_anonymous_readers(sta, anonymous, network):
    thing = network["thing"]["@iot.id"]
    Thing.objects.filter(pk=thing).update(is_public=False)
    assert anonymous.get(f"Things({thing})").status_code == 404
    assert anonymous.get("Observations").json()["value"] == []
    assert sta.get(f"Things({thing})").status_code == 200
    assert len(sta.get("Observations").json()["value"]) == 5


def test_an_accepted_write_token_is_believed_for_a_second_refusals_never(
    writer_secret, network, monkeypatch
):
    """views.write_allowed: one token query per second and process for a busy gateway; a
    revoked token is refused once the second is over; a refusal is asked again every time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartcity.core.models import ApiToken
    from smartcity.core.tokens import create_token, revoke_token
    from smartcity.sensors.sta import views

    clock = [1000.0]
    monkeypatch.setattr(views.time, "monotonic", lambda: clock[0])
    views._write_tokens.clear()
    assert views.write_allowed(writer_secret)
    with CaptureQueriesContext(connection) as again:
        assert views.write_allowed(writer_secret)
    assert len(again.captured_queries) == 0
    revoke_token(ApiToken.objects.get())
    assert views.write_allowed(writer_secret)  # within the second
    clock[0] += views.TOKEN_SECONDS + 0.01
    assert not views.write_allowed(writer_secret)
    assert not views.write_allowed(None) and not views.write_allowed("sc_unknown")

    user = ApiToken.objects.get().user
    reader = create_token(user, ["participation:write"], name="reader")[1]
    with CaptureQueriesContext(connection) as refused:
        assert not views.write_allowed(reader)
        assert not views.write_allowed(reader)
    assert len(refused.captured_queries) >= 2  # not remembered
