"""The published Open311 client on PyPI (``georeport``), unmodified, against the live server;
and a form POST as a city app sends it."""

import http.server
import threading

import pytest
import requests
from georeport import GeoReport

from smartcity.accounts.models import User
from smartcity.core.tokens import create_token
from smartcity.defects import services
from smartcity.defects.models import Report
from smartcity.defects.tests.factories import INSIDE, jpeg_with_gps, setup_defects


@pytest.fixture
def reports(transactional_db, cities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pothole = setup_defects(cities)
    return [
        services.create_report(
            pothole.city,
            category=pothole,
            latitude=INSIDE[0],
            longitude=INSIDE[1] + offset,
            description=f"Schlagloch {offset}",
            source=Report.Source.WEB,
        )
        for offset in (0.0, 0.001)
    ]


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_client_reads_services_and_requests(live_server, reports, output_format):
    client = GeoReport(
        f"{live_server.url}/open311/v2/", jurisdiction="dortmund", output_format=output_format
    )
    services_list = client.get_service_list()
    codes = {service["service_code"] for service in services_list}
    assert {"schlagloch", "laterne", "graffiti"} <= codes
    groups = {service["group"] for service in services_list}
    assert "Straßenbeleuchtung" in groups

    definition = client.get_service_definition("schlagloch")
    attributes = definition["attributes"]
    if output_format == "xml":
        attributes = [attributes["attribute"]]  # xmltodict: one child is not a list
    assert attributes[0]["code"] == "groesse"

    found = client.get_service_requests(status="open", service_code="schlagloch")
    ids = {int(item["service_request_id"]) for item in found}
    assert ids == {report.pk for report in reports}

    single = client.get_service_request(str(reports[0].pk))
    assert int(single["service_request_id"]) == reports[0].pk
    assert single["status"] == "open"


def test_city_url_without_jurisdiction_works_for_the_client(live_server, reports):
    client = GeoReport(f"{live_server.url}/dortmund/open311/v2")
    assert len(client.get_service_requests()) == 2


def test_a_city_app_form_post_creates_a_report(live_server, reports):
    user = User.objects.create_user("app", "app@example.org", "pw-123-long")
    key = create_token(user, "open311:write")[1]
    response = requests.post(
        f"{live_server.url}/open311/v2/requests.json",
        data={
            "jurisdiction_id": "dortmund",
            "api_key": key,
            "service_code": "laterne",
            "lat": "51.5139",
            "long": "7.4655",
            "description": "Laterne flackert",
            "email": "buerger@example.org",
            "attribute[mastnummer]": "L-4711",
            "device_id": "abc-123",
        },
        files={"media": ("foto.jpg", jpeg_with_gps(), "image/jpeg")},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    created = Report.objects.get(pk=response.json()[0]["service_request_id"])
    assert created.category.code == "laterne"
    assert created.attributes == {"mastnummer": "L-4711"}
    assert created.photos.count() == 1
    # The client can follow up with GET requests/{id}.
    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="dortmund")
    assert client.get_service_request(str(created.pk))["service_code"] == "laterne"


@pytest.fixture
def photo_server():
    body = jpeg_with_gps()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/foto.jpg"
    server.shutdown()


def test_media_url_is_fetched_from_an_allowed_host(live_server, reports, photo_server, settings):
    settings.DEFECTS_MEDIA_URL_HOSTS = ["127.0.0.1"]  # internal hosts only when configured
    user = User.objects.create_user("app", "app@example.org", "pw-123-long")
    key = create_token(user, "open311:write")[1]
    response = requests.post(
        f"{live_server.url}/open311/v2/requests.json",
        data={
            "jurisdiction_id": "dortmund",
            "api_key": key,
            "service_code": "schlagloch",
            "lat": "51.5139",
            "long": "7.4655",
            "description": "Foto per URL",
            "media_url": photo_server,
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text
    photo = Report.objects.get(pk=response.json()[0]["service_request_id"]).photos.get()
    with open(photo.image.path, "rb") as handle:
        assert b"Exif" not in handle.read()
