import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from smartcity.accounts.models import Membership
from smartcity.core.tokens import create_token
from smartcity.opendata.models import Dataset, Distribution
from smartcity.opendata.tests import factories

API = "/api/3/action/"


@pytest.fixture
def editor(cities):
    user = get_user_model().objects.create_user("redaktion", "r@example.org", "x")
    Membership.objects.create(user=user, city=cities["dortmund"], role="editor")
    return user


@pytest.fixture
def organization(cities):
    return factories.organization("umweltamt", city=cities["dortmund"])


@pytest.fixture
def secret(editor):
    return create_token(editor, "opendata:write")[1]


def post(client, action, data, secret=None, bearer=False):
    headers = {}
    if secret:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}" if bearer else secret
    return client.post(API + action, json.dumps(data), content_type="application/json", **headers)


PACKAGE = {
    "name": "baeume-neu",
    "title": "Bäume neu",
    "notes": "Neue Bäume im Stadtgebiet",
    "owner_org": "umweltamt",
    "license_id": "cc-by/4.0",
    "maintainer": "Grünflächenamt",
    "maintainer_email": "gruen@example.org",
    "tags": [{"name": "Bäume"}],
    "groups": [{"name": "envi"}],
    "extras": [
        {"key": "temporal_start", "value": "2024-01-01"},
        {
            "key": "frequency",
            "value": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        },
    ],
    "resources": [{"name": "Liste", "url": "https://example.org/baeume.csv", "format": "csv"}],
}


def test_write_needs_a_token_with_the_scope(client, organization, editor):
    assert post(client, "package_create", PACKAGE).status_code == 403
    wrong_scope = create_token(editor, "sta:write")[1]
    response = post(client, "package_create", PACKAGE, wrong_scope)
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("bearer", [False, True])
def test_create_with_plain_and_bearer_token(client, organization, secret, bearer):
    response = post(client, "package_create", PACKAGE, secret, bearer=bearer)
    assert response.status_code == 200, response.json()
    package = response.json()["result"]
    assert package["license_id"] == "cc-by/4.0"
    assert package["resources"][0]["format"] == "CSV"
    dataset = Dataset.objects.get(name="baeume-neu")
    assert dataset.frequency == "ANNUAL"
    assert str(dataset.temporal_start) == "2024-01-01"
    assert list(dataset.groups.values_list("theme", flat=True)) == ["ENVI"]


def test_editor_of_another_city_may_not_write(client, cities, secret):
    factories.organization("schwerte-amt", city=cities["schwerte"])
    response = post(client, "package_create", {**PACKAGE, "owner_org": "schwerte-amt"}, secret)
    assert response.status_code == 403
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"license_id": "meine-lizenz"}, "license_id"),
        ({"title": ""}, "title"),
        ({"notes": ""}, "notes"),
        ({"name": "Nicht Erlaubt!"}, "name"),
        ({"owner_org": "gibt-es-nicht"}, "owner_org"),
        (
            {"resources": [{"url": "https://example.org/x", "format": "WORD97"}]},
            "resources.0.format",
        ),
        ({"extras": [{"key": "temporal_start", "value": "gestern"}]}, "temporal_start"),
    ],
)
def test_bad_packages_are_refused_and_nothing_is_written(
    client, organization, secret, change, field
):
    response = post(client, "package_create", {**PACKAGE, **change}, secret)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert field in error
    assert not Dataset.objects.exists()
    assert not Distribution.objects.exists()


def test_missing_required_fields_are_named(client, organization, secret):
    response = post(client, "package_create", {"name": "leer", "owner_org": "umweltamt"}, secret)
    assert response.status_code == 409
    assert {"title", "notes"} <= set(response.json()["error"])


def test_update_replaces_and_patch_merges(client, organization, secret):
    post(client, "package_create", PACKAGE, secret)
    patched = post(client, "package_patch", {"id": "baeume-neu", "title": "Bäume 2025"}, secret)
    assert patched.json()["result"]["title"] == "Bäume 2025"
    assert [tag["name"] for tag in patched.json()["result"]["tags"]] == ["Bäume"]
    updated = post(
        client,
        "package_update",
        {key: value for key, value in PACKAGE.items() if key not in ("tags", "resources")},
        secret,
    )
    result = updated.json()["result"]
    assert result["title"] == "Bäume neu"
    assert result["tags"] == []
    assert len(result["resources"]) == 1  # left out: kept
    missing = post(client, "package_update", {**PACKAGE, "name": "fehlt"}, secret)
    assert missing.status_code == 404


def test_resource_create_with_upload(client, organization, secret):
    post(client, "package_create", {**PACKAGE, "resources": []}, secret)
    upload = SimpleUploadedFile("zahlen.csv", b"jahr;wert\n2023;4\n2024;5\n", "text/csv")
    response = client.post(
        API + "resource_create",
        {"package_id": "baeume-neu", "name": "Zahlen", "upload": upload},
        HTTP_AUTHORIZATION=secret,
    )
    assert response.status_code == 200, response.json()
    resource = response.json()["result"]
    assert resource["url_type"] == "upload"
    assert resource["size"] == 24
    assert resource["format"] == "CSV"
    download = client.get(resource["url"].replace("http://testserver", ""))
    assert b"".join(download.streaming_content) == b"jahr;wert\n2023;4\n2024;5\n"


def test_upload_with_wrong_content_is_refused(client, organization, secret):
    post(client, "package_create", {**PACKAGE, "resources": []}, secret)
    upload = SimpleUploadedFile("karte.geojson", b"nicht json", "application/geo+json")
    response = client.post(
        API + "resource_create",
        {"package_id": "baeume-neu", "upload": upload},
        HTTP_AUTHORIZATION=secret,
    )
    assert response.status_code == 409
    assert "upload" in response.json()["error"]
    assert not Distribution.objects.exists()


def test_upload_above_the_limit_stops_while_streaming(client, organization, secret, settings):
    settings.OPENDATA_MAX_UPLOAD_BYTES = 1024
    post(client, "package_create", {**PACKAGE, "resources": []}, secret)
    upload = SimpleUploadedFile("gross.csv", b"a,b\n" + b"1,2\n" * 100_000, "text/csv")
    response = client.post(
        API + "resource_create",
        {"package_id": "baeume-neu", "upload": upload},
        HTTP_AUTHORIZATION=secret,
    )
    assert response.status_code == 413
    assert response.json()["error"]["__type"] == "Validation Error"
    assert not Distribution.objects.exists()


def test_a_declared_2_gb_upload_is_refused_before_reading(client, organization, secret):
    post(client, "package_create", {**PACKAGE, "resources": []}, secret)
    response = client.generic(
        "POST",
        API + "resource_create",
        b"",
        content_type="multipart/form-data; boundary=x",
        HTTP_AUTHORIZATION=secret,
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "200 MB" in response.json()["error"]["message"]
    assert not Distribution.objects.exists()
