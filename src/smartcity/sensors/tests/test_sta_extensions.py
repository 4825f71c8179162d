"""Extensions: CreateObservations, dataArray, JSON $batch, GeoJSON/CSV, MultiDatastream."""

import csv
import io

from smartcity.sensors.models import Observation, Thing

from .conftest import BASE


def test_create_observations_with_data_array(sta, network):
    ds = network["datastream"]["@iot.id"]
    response = sta.post(
        "CreateObservations",
        [
            {
                "Datastream": {"@iot.id": ds},
                "components": ["phenomenonTime", "result", "resultTime"],
                "dataArray@iot.count": 3,
                "dataArray": [
                    ["2026-03-02T00:00:00Z", 1, None],
                    ["2026-03-02T00:01:00Z", 2, "2026-03-02T00:01:05Z"],
                    ["2026-03-02T00:02:00Z", 3, None],
                ],
            }
        ],
    )
    assert response.status_code == 201, response.content
    links = response.json()
    assert len(links) == 3 and links[0].startswith(f"http://testserver{BASE}/Observations(")
    assert Observation.objects.filter(datastream_id=ds).count() == 8
    ds_body = sta.get(f"Datastreams({ds})").json()
    assert ds_body["phenomenonTime"].endswith("/2026-03-02T00:02:00Z")
    assert ds_body["resultTime"] == "2026-03-02T00:01:05Z/2026-03-02T00:01:05Z"


def test_create_observations_rejects_bad_groups_whole(sta, network):
    ds = network["datastream"]["@iot.id"]
    response = sta.post(
        "CreateObservations",
        [
            {
                "Datastream": {"@iot.id": ds},
                "components": ["result", "colour"],
                "dataArray": [[1, 2]],
            }
        ],
    )
    assert response.status_code == 400 and response.json()["field"] == "components"
    missing = sta.post(
        "CreateObservations",
        [{"Datastream": {"@iot.id": 999}, "components": ["result"], "dataArray": [[1]]}],
    )
    assert missing.status_code == 404
    assert Observation.objects.count() == 5


def test_result_format_data_array(anonymous, network):
    ds = network["datastream"]["@iot.id"]
    body = anonymous.get(
        f"Datastreams({ds})/Observations",
        **{
            "$resultFormat": "dataArray",
            "$select": "id,phenomenonTime,result",
            "$top": "3",
            "$orderby": "phenomenonTime",
        },
    ).json()
    group = body["value"][0]
    assert group["Datastream@iot.navigationLink"] == f"http://testserver{BASE}/Datastreams({ds})"
    assert group["components"] == ["id", "phenomenonTime", "result"]
    assert group["dataArray@iot.count"] == 3
    assert [row[2] for row in group["dataArray"]] == [12.5, 14, 15.5]
    assert "$skip=3" in body["@iot.nextLink"]


def test_result_format_geojson_and_csv(anonymous, network):
    geo = anonymous.get("Locations", **{"$resultFormat": "GeoJSON", "$orderby": "id"})
    assert geo["Content-Type"] == "application/geo+json"
    features = geo.json()["features"]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [7.46, 51.51]}
    assert features[0]["properties"]["name"] == "Brücke Nord Ort"
    table = anonymous.get(
        "Observations", **{"$resultFormat": "CSV", "$select": "id,result", "$orderby": "result"}
    )
    rows = list(csv.reader(io.StringIO(table.content.decode())))
    assert rows[0] == ["@iot.id", "result"]
    assert [row[1] for row in rows[1:]] == ["9", "12.5", "13", "14", "15.5"]
    assert anonymous.get("Things", **{"$resultFormat": "XML"}).status_code == 400


def test_batch_runs_requests_and_rolls_back_failed_changesets(sta, network):
    thing = network["thing"]["@iot.id"]
    response = sta.post(
        "$batch",
        {
            "requests": [
                {"id": "1", "method": "get", "url": f"Things({thing})?$select=name"},
                {
                    "id": "2",
                    "atomicityGroup": "g1",
                    "method": "post",
                    "url": "Things",
                    "body": {"name": "A", "description": "a"},
                },
                {
                    "id": "3",
                    "atomicityGroup": "g1",
                    "method": "post",
                    "url": "Things",
                    "body": {"name": "B"},
                },
                {
                    "id": "4",
                    "atomicityGroup": "g2",
                    "method": "patch",
                    "url": f"Things({thing})",
                    "body": {"description": "per batch"},
                },
                {"id": "5", "method": "delete", "url": "Things(99999)"},
            ]
        },
    )
    assert response.status_code == 200, response.content
    answers = {item["id"]: item for item in response.json()["responses"]}
    assert answers["1"]["status"] == 200 and answers["1"]["body"] == {"name": "Brücke Nord"}
    assert answers["2"]["status"] == answers["3"]["status"] == 400
    assert answers["3"]["body"]["field"] == "description"
    assert not Thing.objects.filter(name="A").exists()  # the whole changeset was undone
    assert answers["4"]["status"] == 200
    assert Thing.objects.get(pk=thing).description == "per batch"
    assert answers["5"]["status"] == 404


def test_multidatastream_deep_insert_and_array_results(sta, network):
    thing = network["thing"]["@iot.id"]
    response = sta.post(
        f"Things({thing})/MultiDatastreams",
        {
            "name": "Wetter",
            "description": "Temperatur und Feuchte",
            "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation",
            "multiObservationDataTypes": [
                "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
                "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
            ],
            "unitOfMeasurements": [
                {"name": "Grad", "symbol": "°C", "definition": "x"},
                {"name": "Prozent", "symbol": "%", "definition": "y"},
            ],
            "Sensor": {
                "name": "BME280",
                "description": "s",
                "encodingType": "text/html",
                "metadata": "m",
            },
            "ObservedProperties": [
                {"name": "T", "definition": "t", "description": "t"},
                {"name": "RH", "definition": "rh", "description": "rh"},
            ],
            "Observations": [{"phenomenonTime": "2026-03-01T10:00:00Z", "result": [21.5, 40]}],
        },
    )
    assert response.status_code == 201, response.content
    mds = response.json()["@iot.id"]
    names = sta.get(f"MultiDatastreams({mds})/ObservedProperties").json()["value"]
    assert sorted(item["name"] for item in names) == ["RH", "T"]
    observations = sta.get(f"MultiDatastreams({mds})/Observations").json()["value"]
    assert observations[0]["result"] == [21.5, 40]
    wrong = sta.post(f"MultiDatastreams({mds})/Observations", {"result": [1, 2, 3]})
    assert wrong.status_code == 400 and wrong.json()["field"] == "result"
    sensor = sta.get("Sensors").json()["value"][0]["@iot.id"]
    observed = sta.get("ObservedProperties").json()["value"][0]["@iot.id"]
    mismatch = sta.post(
        f"Things({thing})/MultiDatastreams",
        {
            "name": "x",
            "description": "x",
            "observationType": "x",
            "multiObservationDataTypes": ["a"],
            "unitOfMeasurements": [{}, {}],
            "Sensor": {"@iot.id": sensor},
            "ObservedProperties": [{"@iot.id": observed}],
        },
    )
    assert mismatch.status_code == 400
    assert "same length" in mismatch.json()["message"]


def test_create_observations_for_many_datastreams_in_one_go(sta, network):
    """One value for each of many Datastreams (a gateway's batch): the queries do not grow with
    the number of Datastreams; a group the service refuses answers "error", the others stay."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartcity.sensors.models import Datastream

    from .conftest import thing_body

    for number in range(6):
        sta.post("Things", thing_body(f"Raum {number}", 7.4 + number / 100, 51.5))
    streams = list(Datastream.objects.order_by("pk").values_list("pk", flat=True))

    def batch(streams, minute):
        return [
            {
                "Datastream": {"@iot.id": pk},
                "components": ["phenomenonTime", "result"],
                "dataArray": [[f"2026-04-01T10:{minute:02d}:00Z", pk]],
            }
            for pk in streams
        ]

    assert sta.post("CreateObservations", batch(streams, 0)).status_code == 201  # areas set
    with CaptureQueriesContext(connection) as two:
        assert sta.post("CreateObservations", batch(streams[:2], 1)).status_code == 201
    with CaptureQueriesContext(connection) as eight:
        links = sta.post("CreateObservations", batch(streams, 2)).json()
    assert len(links) == len(streams) == 8 and "error" not in links
    assert len(eight.captured_queries) == len(two.captured_queries)
    # A duplicate in one group: that group answers "error", the other groups are stored.
    Datastream.objects.filter(pk=streams[3]).update(reject_duplicates=True)
    links = sta.post("CreateObservations", batch(streams, 2)).json()
    assert links[3] == "error" and links.count("error") == 1
    assert Observation.objects.filter(datastream_id=streams[3]).count() == 2
    assert Observation.objects.filter(datastream_id=streams[0]).count() == 9


def test_batch_references_entities_created_earlier(sta, network):
    """$<id> in a url and as an @iot.id link name what an earlier request of the batch made."""
    from .conftest import thing_body

    body = thing_body("Pegel")
    datastream = body.pop("Datastreams")[0]
    response = sta.post(
        "$batch",
        {
            "requests": [
                {
                    "id": "thing",
                    "atomicityGroup": "g1",
                    "method": "post",
                    "url": "Things",
                    "body": body,
                },
                {
                    "id": "ds",
                    "atomicityGroup": "g1",
                    "method": "post",
                    "url": "$thing/Datastreams",
                    "body": datastream,
                },
                {
                    "id": "obs",
                    "atomicityGroup": "g1",
                    "method": "post",
                    "url": "Observations",
                    "body": {"result": 3, "Datastream": {"@iot.id": "$ds"}},
                },
                {"id": "bad", "method": "post", "url": "$nothing/Datastreams", "body": {}},
            ]
        },
    )
    assert response.status_code == 200, response.content
    answers = {item["id"]: item for item in response.json()["responses"]}
    assert [answers[key]["status"] for key in ("thing", "ds", "obs")] == [201, 201, 201], answers
    thing_id = answers["thing"]["body"]["@iot.id"]
    ds_id = answers["ds"]["body"]["@iot.id"]
    assert sta.get(f"Datastreams({ds_id})/Thing").json()["@iot.id"] == thing_id
    assert Observation.objects.get(pk=answers["obs"]["body"]["@iot.id"]).datastream_id == ds_id
    assert answers["bad"]["status"] == 400 and "$nothing" in answers["bad"]["body"]["message"]
