"""The official ``ckanapi`` client, unmodified, against the running portal."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from ckanapi import NotAuthorized, NotFound, RemoteCKAN, SearchQueryError, ValidationError
from django.utils import timezone

from smartcity.opendata import services
from smartcity.opendata.models import Dataset
from smartcity.opendata.tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal(live_server):
    org = factories.organization("umweltamt", title="Umweltamt")
    for number in range(25):
        dataset = factories.dataset(
            f"datensatz-{number:02d}",
            org=org,
            title=f"Bäume Teil {number}" if number % 2 else f"Parkplätze Teil {number}",
            tags=["Bäume"] if number % 2 else ["Parken"],
        )
        if number < 3:
            factories.csv_distribution(dataset)
    with RemoteCKAN(live_server.url, user_agent="smartcity-tests") as client:
        yield client


def test_search_show_and_page(portal):
    result = portal.action.package_search(q="Baum", rows=5, facet_field=None)
    assert result["count"] == 12
    found = portal.action.package_search(
        q="Baum", rows=5, **{"facet.field": ["tags", "organization"]}
    )
    assert found["search_facets"]["tags"]["items"][0] == {
        "name": "Bäume",
        "display_name": "Bäume",
        "count": 12,
    }
    shown = portal.action.package_show(id="datensatz-01")
    assert shown["title"] == "Bäume Teil 1"
    assert shown["resources"][0]["format"] == "CSV"
    with pytest.raises(NotFound):
        portal.action.package_show(id="gibt-es-nicht")
    with pytest.raises(SearchQueryError):
        portal.action.package_search(fq="tags:(offen")
    with pytest.raises(ValidationError):
        portal.action.package_search(rows=5000)

    ids, start = [], 0
    while True:
        page = portal.action.package_search(sort="id asc", rows=10, start=start)["results"]
        if not page:
            break
        ids.extend(item["id"] for item in page)
        start += len(page)
    assert ids == sorted(ids) and len(set(ids)) == 25


def test_get_only_client_works_too(live_server, portal):
    with RemoteCKAN(live_server.url, get_only=True) as client:
        assert client.action.package_list()[:2] == ["datensatz-00", "datensatz-01"]
        assert client.action.package_search(fq="tags:Parken")["count"] == 13
        facets = client.action.package_search(**{"facet.field": ["tags", "organization"]})
        assert set(facets["search_facets"]) == {"tags", "organization"}


def test_incremental_harvest_returns_exactly_the_changed(portal):
    Dataset.objects.update(metadata_modified=timezone.now() - timedelta(days=5))
    since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name in ("datensatz-03", "datensatz-17"):
        services.save_dataset({"notes": "geändert"}, dataset=Dataset.objects.get(name=name))
    result = portal.action.package_search(
        fq=f"metadata_modified:[{since} TO *]", sort="id asc", rows=1000
    )
    assert sorted(item["name"] for item in result["results"]) == ["datensatz-03", "datensatz-17"]
    assert result["count"] == 2


def test_ckanapi_dump_datasets_completes(live_server, portal, tmp_path):
    output = tmp_path / "datasets.jsonl"
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    completed = subprocess.run(  # noqa: S603 - our own virtualenv's ckanapi
        [
            str(bin_dir / "ckanapi"),
            "dump",
            "datasets",
            "--all",
            "-r",
            live_server.url,
            "-O",
            str(output),
            "-p",
            "2",
            "-q",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(item["name"] for item in lines) == [f"datensatz-{n:02d}" for n in range(25)]


def test_write_actions_through_ckanapi_with_a_token(live_server, portal, tmp_path):
    from django.contrib.auth import get_user_model

    from smartcity.core.tokens import create_token

    admin = get_user_model().objects.create_superuser("chef", "chef@example.org", "x")
    secret = create_token(admin, "opendata:write")[1]
    with RemoteCKAN(live_server.url, apikey=secret) as writer:
        created = writer.action.package_create(
            name="neu-per-ckanapi",
            title="Neu per ckanapi",
            notes="Angelegt mit dem offiziellen Client",
            owner_org="umweltamt",
            license_id="cc-zero",
            tags=[{"name": "Test"}],
            extras=[{"key": "politicalGeocodingURI", "value": "05913000"}],
        )
        assert created["license_id"] == "cc-zero"
        upload = tmp_path / "werte.csv"
        upload.write_bytes(b"jahr,wert\n2024,1\n")
        with upload.open("rb") as handle:
            resource = writer.action.resource_create(
                package_id="neu-per-ckanapi", name="Werte", upload=handle
            )
        assert resource["size"] == 17 and resource["url_type"] == "upload"
        with pytest.raises(ValidationError):
            writer.action.package_create(name="kaputt", owner_org="umweltamt")
    with pytest.raises(NotAuthorized):
        portal.action.package_patch(id="neu-per-ckanapi", title="ohne Token")
    assert Dataset.objects.get(name="neu-per-ckanapi").distributions.count() == 1
