"""The pre-joined fragments of unfiltered views stay equal to the map index itself."""

import orjson
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartcity.portfolio.models import ActionField, MapEntry, MapFragment, Place, Project
from smartcity.portfolio.services import mapfragments, mapindex

URL = "/api/v1/map/features.geojson"


def features(client, query=""):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return orjson.loads(response.content)["features"]


def by_id(found):
    return {feature["id"]: feature for feature in found}


def expected(city=None):
    """The Features the index holds (every layer of the portfolio), decoded."""
    rows = MapEntry.objects.all()
    if city is not None:
        rows = rows.filter(keys__key=f"city:{city}")
    return {
        row["id"]: row for row in (orjson.loads(f) for f in rows.values_list("feature", flat=True))
    }


def portfolio_only(found):
    layers = set(mapindex.PROJECT_LAYER_NAMES) | set(mapindex.PLACE_LAYERS.values())
    return {
        key: value for key, value in by_id(found).items() if value["properties"]["layer"] in layers
    }


def test_unfiltered_views_come_from_fragments_and_equal_the_index(client, demo):
    assert MapFragment.objects.exists()
    assert portfolio_only(features(client)) == expected()
    assert portfolio_only(features(client, "city=schwerte")) == expected("schwerte")
    assert portfolio_only(features(client, "city=dortmund")) == expected("dortmund")
    # Every entry is in exactly one fragment.
    assert sum(MapFragment.objects.values_list("count", flat=True)) == MapEntry.objects.count()


def test_an_intermunicipal_project_is_listed_once(client, demo):
    project = Project.objects.get(code="DP 02")
    project.cities.set([demo["dortmund"], demo["schwerte"]])
    found = features(client)
    assert [f["id"] for f in found].count(f"projects:{project.pk}") == 1
    assert f"projects:{project.pk}" in by_id(features(client, "city=schwerte"))
    assert f"projects:{project.pk}" in by_id(features(client, "city=dortmund"))


def test_edits_moves_and_deletions_reach_the_unfiltered_view(client, demo):
    project = Project.objects.get(code="DP 02")
    project.title = "Digitaler Zwilling (neu)"
    project.save()
    assert by_id(features(client))[f"projects:{project.pk}"]["properties"]["title"] == (
        "Digitaler Zwilling (neu)"
    )
    project.cities.set([demo["schwerte"]])
    assert f"projects:{project.pk}" not in by_id(features(client, "city=dortmund"))
    assert f"projects:{project.pk}" in by_id(features(client, "city=schwerte"))
    project.kind = "partner_pilot"
    project.save()
    found = by_id(features(client))
    assert f"pilots:{project.pk}" in found
    assert f"projects:{project.pk}" not in found
    place = Place.objects.first()
    place_id = f"{mapindex.PLACE_LAYERS[place.kind]}:{place.pk}"
    assert place_id in by_id(features(client))
    place.delete()
    project.delete()
    found = by_id(features(client))
    assert place_id not in found
    assert f"pilots:{project.pk}" not in found
    assert portfolio_only(features(client)) == expected()


def test_a_rebuild_gives_the_same_fragments_as_the_changes_did(client, demo):
    field = ActionField.objects.get(slug="energie-und-umwelt")
    for number in range(5):
        project = Project.objects.create(
            title=f"Messpunkt {number}",
            summary="s",
            location={"type": "Point", "coordinates": [7.4 + number / 1000, 51.5]},
        )
        project.cities.add(demo["dortmund"])
        project.action_fields.add(field)
    before = by_id(features(client))
    mapfragments.rebuild_all()
    assert by_id(features(client)) == before


def test_a_city_and_field_filter_uses_the_per_city_key(client, demo):
    project = Project.objects.get(code="DP 02")
    project.location = {"type": "Point", "coordinates": [7.46, 51.51]}
    project.city_wide = False
    project.save()
    keys = set(
        MapEntry.objects.get(layer="projects", object_id=project.pk).keys.values_list(
            "key", flat=True
        )
    )
    field = project.action_fields.first().slug
    assert {"city:dortmund", f"field:{field}", f"dortmund/field:{field}"} <= keys
    found = by_id(features(client, f"city=dortmund&action_field={field}&bbox=7,51,8,52"))
    assert f"projects:{project.pk}" in found
    assert all(field in f["properties"]["action_fields"] for f in found.values())
    assert not features(client, f"city=schwerte&action_field={field}&bbox=7.40,51.40,7.41,51.41")


def test_fragment_bodies_kept_in_memory_are_never_served_stale(client, demo):
    mapfragments.bodies.clear()
    project = Project.objects.get(code="DP 02")
    key = f"projects:{project.pk}"
    assert by_id(features(client))[key]["properties"]["title"] == project.title
    assert mapfragments.bodies.size > 0
    with CaptureQueriesContext(connection) as warm:
        assert by_id(features(client))[key]["properties"]["title"] == project.title
    assert not any('"body"' in query["sql"] for query in warm.captured_queries)
    # An edit: only the changed fragment is read again, and its new text is served.
    project.title = "Digitaler Zwilling (geändert)"
    project.save()
    with CaptureQueriesContext(connection) as after_change:
        found = by_id(features(client))
    assert found[key]["properties"]["title"] == "Digitaler Zwilling (geändert)"
    assert sum('"body"' in query["sql"] for query in after_change.captured_queries) == 1
    # Publication withdrawn, rebuilt index, deletion: each reaches the next answer.
    Project.objects.filter(pk=project.pk).update(review="draft")
    mapindex.refresh_project(project.pk)
    assert key not in by_id(features(client))
    Project.objects.filter(pk=project.pk).update(review="published")
    mapindex.rebuild_all()
    assert found[key] == by_id(features(client))[key]
    project.delete()
    assert key not in by_id(features(client))
    assert portfolio_only(features(client)) == expected()


def test_the_body_store_drops_the_least_recently_used_beyond_its_limit():
    store = mapfragments.BodyStore(limit=10)
    store.add("a", b"1234")
    store.add("b", b"5678")
    assert store.get_many(["a"]) == {"a": b"1234"}  # a is now the most recently used
    store.add("c", b"90ab")
    assert store.get_many(["a", "b", "c"]) == {"a": b"1234", "c": b"90ab"}
    assert store.size == 8
    store.add("huge", b"x" * 11)
    assert store.get_many(["huge"]) == {}


def test_the_layer_is_read_from_each_stored_feature(demo):
    from smartcity.portfolio import layers

    for layer, text in MapEntry.objects.values_list("layer", "feature"):
        assert layers.layer_of(text) == layer
    assert layers.layer_of('{"properties":{"layer":"pilots"},"type":"Feature"}') == "pilots"
