"""The endpoint's filtered path (``layers.joined_sql``: the Features joined by the database)
gives exactly the Features of the ORM query (``layers.feature_texts``) for every filter."""

import orjson
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from bench.portfolio.fixtures import create_map_entries
from smartcity.core.models import District
from smartcity.portfolio import layers
from smartcity.portfolio.models import ActionField, MapEntry
from smartcity.portfolio.services import mapfeatures

OWN = list(layers.OWN)


def by_orm(query):
    found = {name: [] for name in OWN}
    for name, text in layers.feature_texts(OWN, query.city, query.filters):
        if text:
            found[name].append(orjson.loads(text))
    return {name: sorted(items, key=lambda item: item["id"]) for name, items in found.items()}


def by_join(query):
    joined = layers.entries_json_many(OWN, query.city, query.filters)
    found = {}
    for name, pieces in joined.items():
        items = orjson.loads(b"[" + b",".join(pieces) + b"]")
        found[name] = sorted(items, key=lambda item: item["id"])
    return found


@pytest.fixture
def many(demo):
    create_map_entries(300, demo["dortmund"])
    return demo


def queries():
    fields = list(ActionField.objects.values_list("slug", flat=True)[:3])
    hoerde = District.objects.filter(city__slug="dortmund", slug="hoerde").exists()
    found = [
        f"action_field={fields[0]}",
        f"city=dortmund&action_field={fields[0]}",
        f"city=dortmund&action_field={fields[0]}&action_field={fields[1]}",
        f"action_field={fields[0]}&action_field={fields[1]}&bbox=7.30,51.42,7.45,51.56",
        f"city=dortmund&action_field={fields[2]}&bbox=7.30,51.42,7.45,51.56",
        "partner=fh-dortmund",
        f"city=dortmund&partner=fh-dortmund&action_field={fields[0]}",
        "partner=fh-dortmund&partner=stadt-dortmund&bbox=7.0,51.0,8.0,52.0",
        "city=schwerte&status=planned",
        "city=dortmund&status=planned&status=pilot",
        "status=completed&bbox=7.30,51.42,7.40,51.50",
        "kind=partner_pilot",
        "bbox=7.45,51.51,7.47,51.53",
        "bbox=7.30,51.42,7.65,51.60&status=in_progress",
        "q=Brücken",
        "q=messpunkt 12",
        "city=dortmund&q=Sensor&bbox=7.30,51.42,7.50,51.50",
        "q=50%_x",  # LIKE wildcards are searched for literally
        "q=Messpunkt_1",
        "city=dortmund&action_field=daten-und-plattformen&status=pilot&q=messpunkt",
    ]
    if hoerde:
        found.append("city=dortmund&district=hoerde")
    return found


def test_the_joined_features_are_those_of_the_orm_query(many):
    assert MapEntry.objects.count() > 300
    nonempty = 0
    for text in queries():
        query = mapfeatures.parse(QueryDict(text))
        expected = by_orm(query)
        assert by_join(query) == expected, text
        nonempty += any(expected.values())
    assert nonempty >= len(queries()) - 3


def test_the_filtered_path_is_one_query_however_many_features(many):
    query = mapfeatures.parse(QueryDict("city=dortmund&status=planned&status=pilot"))
    with CaptureQueriesContext(connection) as captured:
        found = by_join(query)
    assert len(captured) == 1
    assert len(found["projects"]) > 100


def test_the_endpoint_answers_the_same_as_the_orm(client, many):
    text = "city=dortmund&action_field=daten-und-plattformen&bbox=7.30,51.42,7.45,51.56"
    response = client.get(f"/api/v1/map/features.geojson?{text}")
    assert response.status_code == 200
    got = orjson.loads(response.content)["features"]
    expected = by_orm(mapfeatures.parse(QueryDict(text)))
    own = [feature for feature in got if feature["properties"]["layer"] in OWN]
    assert sorted(own, key=lambda item: item["id"]) == sorted(
        (item for items in expected.values() for item in items), key=lambda item: item["id"]
    )
    # Layer by layer, in the layers' order.
    order = [feature["properties"]["layer"] for feature in own]
    assert order == sorted(order, key=lambda name: layers.OWN[name].order)
