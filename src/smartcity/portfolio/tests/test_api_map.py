import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartcity.core.registries import MapLayer, map_layers
from smartcity.portfolio.models import ActionField, Project
from smartcity.portfolio.services import mapfragments

URL = "/api/v1/map/features.geojson"


def features(client, query=""):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    data = orjson.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return data["features"]


def titles(found):
    return {feature["properties"]["title"] for feature in found}


def test_features_carry_the_documented_properties(client, demo):
    found = features(client)
    assert len(found) == Project.objects.count() + 6
    for feature in found:
        assert {"id", "layer", "title", "url", "status", "action_field"} <= set(
            feature["properties"]
        )
    bridge = next(f for f in found if f["properties"]["title"] == "Brückensensorik")
    assert bridge["geometry"]["type"] == "LineString"
    assert bridge["properties"]["action_field"] == "raum-und-infrastruktur"
    assert bridge["properties"]["url"].startswith("/dortmund/projekte/")


@pytest.mark.parametrize(
    ("query", "expected_in", "expected_out"),
    [
        ("city=schwerte", "Mobilitäts-Hub Schwerte", "Brückensensorik"),
        ("city=dortmund", "Brückensensorik", "Mobilitäts-Hub Schwerte"),
        ("layer=pilots", "Quartiersenergie im Hafen (Pilot)", "Klimasensorik"),
        ("layer=research-institutions", "Fraunhofer IML", "Klimasensorik"),
        ("action_field=energie-und-umwelt", "Klimasensorik", "Dortmund-App"),
        ("status=planned", "Mobilitäts-Hub Schwerte", "Dortmund-App"),
        ("kind=partner_pilot", "Quartiersenergie im Hafen (Pilot)", "Dortmund-App"),
        ("partner=fh-dortmund", "Brückensensorik", "Dortmund-App"),
        ("q=Brücken", "Brückensensorik", "Klimasensorik"),
        ("bbox=7.45,51.51,7.47,51.53", "Brückensensorik", "Mobilitäts-Hub Schwerte"),
    ],
)
def test_each_filter(client, demo, query, expected_in, expected_out):
    found = titles(features(client, query))
    assert expected_in in found
    assert expected_out not in found


def test_project_filters_leave_places_out(client, demo):
    found = features(client, "action_field=daten-und-plattformen")
    assert {f["properties"]["layer"] for f in found} <= {"projects", "pilots"}


def test_district_filter(client, demo, hoerde_boundary):
    project = Project.objects.get(code="DP 02")
    project.location = {"type": "Point", "coordinates": [7.50, 51.48]}
    project.save()
    found = features(client, "city=dortmund&district=hoerde")
    assert titles(found) == {"Digitaler Zwilling"}


def test_city_wide_projects_have_no_geometry_and_bbox_leaves_them_out(client, demo):
    found = features(client, "q=Datenplattform")
    assert found and found[0]["geometry"] is None
    assert not features(client, "q=Datenplattform&bbox=7,51,8,52")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("action_field=unbekannt", "action_field"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=8,51,7,52", "bbox"),
        ("layer=nope", "layer"),
        ("status=verschollen", "status"),
        ("kind=x", "kind"),
        ("district=nirgendwo", "district"),
        ("city=berlin", "city"),
        ("partner=niemand", "partner"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_values_answer_400_naming_the_field(client, demo, query, field):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    assert field in body["error"]["fields"]


def test_query_count_does_not_grow_with_features(client, demo):
    def count_queries():
        """Queries of a cold request (no fragment bodies in memory) and of a warm one."""
        mapfragments.bodies.clear()
        counts = []
        for _attempt in range(2):
            with CaptureQueriesContext(connection) as captured:
                found = features(client)
            counts.append(len(captured))
        return counts, found

    few, _found = count_queries()
    field = ActionField.objects.get(slug="energie-und-umwelt")
    dortmund = demo["dortmund"]
    for number in range(30):
        project = Project.objects.create(
            title=f"Messpunkt {number}",
            summary="s",
            location={"type": "Point", "coordinates": [7.4 + number / 1000, 51.5]},
        )
        project.cities.add(dortmund)
        project.action_fields.add(field)
    many, found = count_queries()
    assert len(found) > 30
    assert many == few
    assert few[1] < few[0]  # warm: the fragment bodies are not read again


def test_a_registered_layer_appears_without_touching_the_map(client, demo):
    def trees(city, filters):
        if filters.status not in (None, "ok"):
            return
        yield {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [7.46, 51.51]},
            "properties": {
                "id": 1,
                "layer": "trees",
                "title": "Linde",
                "url": "/",
                "status": "ok",
                "action_field": None,
            },
        }

    layer = MapLayer(
        "trees", "Bäume", trees, filters=frozenset({"status"}), statuses=frozenset({"ok"})
    )
    map_layers.register("trees", layer)
    try:
        assert "Linde" in titles(features(client, "layer=trees"))
        assert "Linde" in titles(features(client, "status=ok"))
        assert "Linde" not in titles(features(client, "status=planned"))
        # A filter the layer does not apply leaves it out.
        assert "Linde" not in titles(features(client, "action_field=energie-und-umwelt"))
    finally:
        map_layers._entries.pop("trees")
