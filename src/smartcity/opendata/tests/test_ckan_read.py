import json
from datetime import timedelta

import pytest
from django.utils import timezone

from smartcity.opendata.models import Dataset
from smartcity.opendata.tests import factories

API = "/api/3/action/"


@pytest.fixture
def catalogue(db):
    umwelt = factories.organization("umweltamt", title="Umweltamt")
    verkehr = factories.organization("tiefbauamt", title="Tiefbauamt")
    trees = factories.dataset(
        "baumkataster", org=umwelt, title="Baumkataster", tags=["Bäume", "Umwelt"], groups=["ENVI"]
    )
    factories.csv_distribution(trees)
    factories.dataset(
        "luftqualitaet", org=umwelt, title="Luftqualität", tags=["Umwelt"], groups=["ENVI", "HEAL"]
    )
    factories.dataset(
        "parkhaeuser",
        org=verkehr,
        title="Parkhäuser",
        tags=["Parken"],
        groups=["TRAN"],
        license_id="cc-by/4.0",
    )
    return {"umwelt": umwelt, "verkehr": verkehr}


def names(response):
    return [item["name"] for item in response.json()["result"]["results"]]


def test_envelope_and_package_show(client, catalogue):
    response = client.get(API + "package_show", {"id": "baumkataster"})
    body = response.json()
    assert response.status_code == 200
    assert body["success"] is True
    assert body["help"].endswith("help_show?name=package_show")
    package = body["result"]
    assert package["name"] == "baumkataster"
    assert package["organization"]["name"] == "umweltamt"
    assert [tag["name"] for tag in package["tags"]] == ["Bäume", "Umwelt"]
    assert package["resources"][0]["format"] == "CSV"
    assert package["resources"][0]["url"].startswith("http://testserver/dataset/baumkataster/")
    assert package["license_id"] == "dl-by-de/2.0"
    by_id = client.get(API + "package_show", {"id": package["id"]}).json()["result"]
    assert by_id["name"] == "baumkataster"


def test_unversioned_path_and_post_json(client, catalogue):
    response = client.post(
        "/api/action/package_show",
        json.dumps({"id": "parkhaeuser"}),
        content_type="application/json",
    )
    assert response.json()["result"]["title"] == "Parkhäuser"


def test_errors_have_ckan_types_and_statuses(client, catalogue):
    missing = client.get(API + "package_show", {"id": "gibt-es-nicht"})
    assert missing.status_code == 404
    assert missing.json()["error"]["__type"] == "Not Found Error"
    assert missing.json()["success"] is False
    unknown = client.get(API + "package_frobnicate")
    assert unknown.status_code == 400
    assert "Action name not known" in unknown.json()["error"]["message"]
    bad_fq = client.get(API + "package_search", {"fq": "tags:(Umwelt"})
    assert bad_fq.status_code == 400
    assert bad_fq.json()["error"]["__type"] == "Search Query Error"
    unknown_field = client.get(API + "package_search", {"fq": "colour:blue"})
    assert unknown_field.status_code == 400
    assert "colour" in unknown_field.json()["error"]["message"]
    too_many = client.get(API + "package_search", {"rows": "1001"})
    assert too_many.status_code == 409
    assert too_many.json()["error"]["__type"] == "Validation Error"
    assert "rows" in too_many.json()["error"]
    bad_json = client.post(API + "package_search", "{nope", content_type="application/json")
    assert bad_json.status_code == 400


def test_search_with_text_filters_and_facets(client, catalogue):
    response = client.get(
        API + "package_search",
        {"q": "Bäume", "facet.field": json.dumps(["organization", "tags", "res_format"])},
    )
    result = response.json()["result"]
    assert result["count"] == 1
    assert names(response) == ["baumkataster"]
    assert result["search_facets"]["organization"]["items"] == [
        {"name": "umweltamt", "display_name": "Umweltamt", "count": 1}
    ]
    assert result["facets"]["res_format"] == {"CSV": 1}

    assert sorted(names(client.get(API + "package_search", {"fq": "tags:Umwelt"}))) == [
        "baumkataster",
        "luftqualitaet",
    ]
    assert names(client.get(API + "package_search", {"fq": "organization:tiefbauamt"})) == [
        "parkhaeuser"
    ]
    assert names(client.get(API + "package_search", {"fq": "groups:heal"})) == ["luftqualitaet"]
    assert names(client.get(API + "package_search", {"fq": "res_format:csv"})) == ["baumkataster"]
    assert names(client.get(API + "package_search", {"fq": 'license_id:"cc-by/4.0"'})) == [
        "parkhaeuser"
    ]
    both = client.get(API + "package_search", {"fq": "tags:Umwelt -groups:heal"})
    assert names(both) == ["baumkataster"]
    either = client.get(API + "package_search", {"fq": "groups:(tran OR heal)", "sort": "name asc"})
    assert names(either) == ["luftqualitaet", "parkhaeuser"]


def test_paging_with_id_sort_is_complete_and_ordered(client, catalogue):
    for number in range(7):
        factories.dataset(f"extra-{number}", org=catalogue["umwelt"])
    seen = []
    start = 0
    while True:
        page = client.get(API + "package_search", {"sort": "id asc", "rows": 3, "start": start})
        results = page.json()["result"]["results"]
        if not results:
            break
        seen.extend(item["id"] for item in results)
        start += 3
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 10


def test_metadata_modified_range_returns_exactly_the_changed(client, catalogue):
    past = timezone.now() - timedelta(days=10)
    Dataset.objects.update(metadata_modified=past)
    changed = Dataset.objects.get(name="luftqualitaet")
    from smartcity.opendata import services

    services.save_dataset({"title": "Luftqualität 2025"}, dataset=changed)
    since = (past + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = client.get(
        API + "package_search",
        {"fq": f"metadata_modified:[{since} TO *]", "sort": "id asc", "rows": 1000},
    )
    assert names(response) == ["luftqualitaet"]
    before = client.get(
        API + "package_search", {"fq": f"metadata_modified:[* TO {since}]", "rows": 10}
    )
    assert sorted(names(before)) == ["baumkataster", "parkhaeuser"]
    relative = client.get(API + "package_search", {"fq": "metadata_modified:[NOW-2DAYS TO NOW]"})
    assert names(relative) == ["luftqualitaet"]


def test_lists_and_shows(client, catalogue):
    assert client.get(API + "package_list").json()["result"] == [
        "baumkataster",
        "luftqualitaet",
        "parkhaeuser",
    ]
    assert client.get(API + "organization_list").json()["result"] == ["tiefbauamt", "umweltamt"]
    organizations = client.get(
        API + "organization_list", {"all_fields": "true", "sort": "package_count desc"}
    ).json()["result"]
    assert [(item["name"], item["package_count"]) for item in organizations] == [
        ("umweltamt", 2),
        ("tiefbauamt", 1),
    ]
    shown = client.get(
        API + "organization_show", {"id": "umweltamt", "include_datasets": "true"}
    ).json()["result"]
    assert shown["package_count"] == 2
    assert [item["name"] for item in shown["packages"]] == ["baumkataster", "luftqualitaet"]
    assert len(client.get(API + "group_list").json()["result"]) == 13
    assert client.get(API + "group_show", {"id": "envi"}).json()["result"]["package_count"] == 2
    assert client.get(API + "tag_list").json()["result"] == ["Bäume", "Parken", "Umwelt"]
    resource_id = client.get(API + "package_show", {"id": "baumkataster"}).json()["result"][
        "resources"
    ][0]["id"]
    resource = client.get(API + "resource_show", {"id": resource_id}).json()["result"]
    assert resource["size"] == len(b"a,b\n1,2\n")
    licences = {item["id"] for item in client.get(API + "license_list").json()["result"]}
    assert {"dl-by-de/2.0", "cc-by/4.0", "dl-zero-de/2.0"} <= licences
    status = client.get(API + "status_show").json()["result"]
    assert status["ckan_version"].startswith("2.")
    listed = client.get(API + "current_package_list_with_resources", {"limit": 2}).json()
    assert len(listed["result"]) == 2
    assert "resources" in listed["result"][0]
