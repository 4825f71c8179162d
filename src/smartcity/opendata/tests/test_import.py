"""Moving a catalogue in: CKAN harvesting over real HTTP and DCAT file import."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from smartcity.opendata.models import Dataset
from smartcity.opendata.tests import factories


def remote_package(number: int, **changes) -> dict:
    package = {
        "id": f"00000000-0000-0000-0000-{number:012d}",
        "name": f"remote-{number}",
        "title": f"Fremder Datensatz {number}",
        "notes": "Aus einem anderen Portal",
        "license_id": "dl-de-by-2.0",
        "maintainer": "Statistikstelle",
        "maintainer_email": "statistik@example.org",
        "organization": {"name": "stadt-beispiel", "title": "Stadt Beispiel"},
        "tags": [{"name": "Statistik"}],
        "groups": [{"name": "soci"}, {"name": "lokales"}],
        "extras": [{"key": "politicalGeocodingURI", "value": "05913000"}],
        "resources": [
            {"url": f"https://example.org/{number}.csv", "format": "csv", "name": "Tabelle"},
            {"url": "https://example.org/x.docx", "format": "Word"},
        ],
    }
    package.update(changes)
    return package


@pytest.fixture
def ckan_server():
    packages = [remote_package(number) for number in range(1, 6)]
    packages.append(remote_package(6, license_id="proprietaer-xyz"))
    packages.append(remote_package(7, maintainer_email="", author_email=""))
    seen_queries = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            query = parse_qs(urlsplit(self.path).query)
            seen_queries.append(query)
            start, rows = int(query["start"][0]), int(query["rows"][0])
            body = {
                "success": True,
                "result": {"count": len(packages), "results": packages[start : start + rows]},
            }
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen_queries
    server.shutdown()


def test_harvest_ckan_command_imports_maps_and_skips(db, ckan_server):
    url, queries = ckan_server
    out, err = StringIO(), StringIO()
    call_command("opendata", "harvest-ckan", url, stdout=out, stderr=err)
    assert "5 angelegt" in out.getvalue() and "2 übersprungen" in out.getvalue()
    assert "proprietaer-xyz" in err.getvalue()
    assert queries[0]["sort"] == ["id asc"] and queries[0]["rows"] == ["1000"]
    dataset = Dataset.objects.get(name="remote-1")
    assert dataset.license_id == "dl-by-de/2.0"
    assert dataset.municipality_key == "05913000"
    assert list(dataset.groups.values_list("theme", flat=True)) == ["SOCI"]
    assert list(dataset.distributions.values_list("format", flat=True)) == ["CSV"]
    assert not Dataset.objects.filter(name__in=["remote-6", "remote-7"]).exists()

    call_command("opendata", "harvest-ckan", url, stdout=out, stderr=err)
    assert "5 aktualisiert" in out.getvalue()
    assert Dataset.objects.count() == 5


def test_harvest_refuses_a_name_taken_locally(db, ckan_server):
    factories.dataset("remote-1", title="Unser eigener")
    out = StringIO()
    call_command(
        "opendata", "harvest-ckan", ckan_server[0], "--limit", "2", stdout=out, stderr=StringIO()
    )
    assert Dataset.objects.get(name="remote-1").title == "Unser eigener"
    assert "1 angelegt" in out.getvalue()


def test_harvest_of_a_dead_address_fails_clearly(db):
    with pytest.raises(CommandError, match="antwortet nicht"):
        call_command("opendata", "harvest-ckan", "http://127.0.0.1:9/")


def test_dcat_round_trip_through_export_and_import(db, cities, tmp_path):
    org = factories.organization("umweltamt", city=cities["dortmund"])
    original = factories.dataset(
        "baumkataster",
        org=org,
        title="Baumkataster",
        tags=["Bäume"],
        groups=["ENVI"],
        frequency="ANNUAL",
    )
    from smartcity.opendata import services

    services.save_distribution(
        original, {"url": "https://example.org/b.json", "format": "JSON", "license_id": "cc-by/4.0"}
    )
    path = tmp_path / "katalog.ttl"
    call_command(
        "opendata",
        "export-dcat",
        "--output",
        str(path),
        "--base-url",
        "https://alt.example",
        stdout=StringIO(),
    )
    Dataset.objects.all().delete()
    out = StringIO()
    call_command("opendata", "import-dcat", str(path), stdout=out, stderr=StringIO())
    assert "1 angelegt" in out.getvalue()
    imported = Dataset.objects.get(name="baumkataster")
    assert imported.title == "Baumkataster"
    assert imported.frequency == "ANNUAL"
    assert imported.municipality_key == "05913000"
    assert list(imported.tags.values_list("name", flat=True)) == ["Bäume"]
    assert list(imported.groups.values_list("theme", flat=True)) == ["ENVI"]
    distribution = imported.distributions.get()
    assert (distribution.format, distribution.license_id) == ("JSON", "cc-by/4.0")

    broken = tmp_path / "kaputt.ttl"
    broken.write_text("das ist kein turtle <<<")
    with pytest.raises(CommandError, match="kein lesbares RDF"):
        call_command("opendata", "import-dcat", str(broken))


def test_publish_command(db, cities):
    out = StringIO()
    call_command("opendata", "publish", "opendata.districts.csv", stdout=out)
    assert "opendata.districts.csv: 2" in out.getvalue()
    with pytest.raises(CommandError, match="unbekannt"):
        call_command("opendata", "publish", "gibt.es.nicht")
