"""GeoReport v2 at /open311/v2/: shapes in JSON and XML, filters, POST, errors."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from smartcity.accounts.models import User
from smartcity.core.tokens import create_token
from smartcity.defects import services
from smartcity.defects.models import Photo, Report, Status
from smartcity.defects.tests.factories import INSIDE, OUTSIDE, jpeg_with_gps, setup_defects

ROOT = "/open311/v2"
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
}  # fmt: skip


@pytest.fixture
def pothole(cities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return setup_defects(cities)


@pytest.fixture
def api_key(db):
    user = User.objects.create_user("stadtapp", "app@example.org", "pw-123-long")
    return create_token(user, "open311:write", name="City app")[1]


def report(category, **extra):
    return services.create_report(
        category.city,
        category=category,
        latitude=extra.pop("lat", INSIDE[0]),
        longitude=extra.pop("lon", INSIDE[1]),
        description=extra.pop("description", "Schlagloch"),
        source=Report.Source.WEB,
        **extra,
    )


def parse_xml(data: bytes):
    return ET.fromstring(data)  # noqa: S314 - our own server's answer in a test


def get_json(client, path, **params):
    response = client.get(f"{ROOT}/{path}", {"jurisdiction_id": "dortmund", **params})
    return response, (json.loads(response.content) if response.content else None)


def test_discovery_names_the_spec_and_both_formats(client, pothole):
    response, data = get_json(client, "discovery.json")
    assert response.status_code == 200
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    xml = parse_xml(client.get(f"{ROOT}/discovery.xml?jurisdiction_id=dortmund").content)
    assert xml.tag == "discovery"
    assert [f.text for f in xml.iter("format")] == ["text/xml", "application/json"]


def test_services_list_each_category_with_its_group(client, pothole):
    response, data = get_json(client, "services.json")
    assert response["Content-Type"].startswith("application/json")
    by_code = {service["service_code"]: service for service in data}
    assert by_code["schlagloch"] == {
        "service_code": "schlagloch",
        "service_name": "Schlagloch",
        "description": "",
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": "Straße und Gehweg",
    }
    assert by_code["graffiti"]["metadata"] is False
    xml = parse_xml(client.get(f"{ROOT}/services.xml?jurisdiction_id=dortmund").content)
    assert xml.tag == "services"
    first = xml.find("service")
    assert first.find("service_code").text and first.find("metadata").text in ("true", "false")


def test_service_definition_lists_attributes_with_values(client, pothole):
    response, data = get_json(client, "services/schlagloch.json")
    assert data["service_code"] == "schlagloch"
    attribute = data["attributes"][0]
    assert attribute["code"] == "groesse" and attribute["datatype"] == "singlevaluelist"
    assert attribute["variable"] is True and attribute["required"] is False
    assert {"key": "mittel", "name": "etwa so groß wie ein Teller"} in attribute["values"]
    xml = parse_xml(client.get(f"{ROOT}/services/schlagloch.xml?jurisdiction_id=dortmund").content)
    assert xml.tag == "service_definition"
    assert [v.find("key").text for v in xml.iter("value")] == ["klein", "mittel", "gross"]


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("services/gibtsnicht.json", 404, "unknown service"),
        ("requests/999999.json", 404, "no request"),
        ("tokens/unbekannt.json", 404, "unknown token"),
        ("quatsch.json", 404, "no such Open311 endpoint"),
    ],
)
def test_unknown_things_get_the_error_list(client, pothole, path, status, text):
    response, data = get_json(client, path)
    assert response.status_code == status
    assert data[0]["code"] == status and text in data[0]["description"]


def test_jurisdiction_is_required_and_checked(client, pothole):
    response = client.get(f"{ROOT}/services.json")
    assert response.status_code == 400
    assert "jurisdiction_id" in response.json()[0]["description"]
    assert client.get(f"{ROOT}/services.json?jurisdiction_id=berlin").status_code == 404
    # A city in the path needs no jurisdiction_id.
    assert client.get("/schwerte/open311/v2/services.json").status_code == 200
    response = client.get("/schwerte/open311/v2/services.xml?jurisdiction_id=dortmund")
    assert response.status_code == 400
    assert parse_xml(response.content).find("error/code").text == "400"


def test_requests_carry_the_spec_fields_and_no_personal_data(client, pothole):
    reporter = User.objects.create_user("anna", "anna@example.org", "pw-123-long")
    created = report(
        pothole,
        email="anna.privat@example.org",
        name="Anna Beispiel",
        phone="0231 123456",
        user=reporter,
        address="Friedensplatz 1",
    )
    response, data = get_json(client, "requests.json")
    assert response.status_code == 200
    assert len(data) == 1
    item = data[0]
    assert set(item) == REQUEST_FIELDS
    assert item["service_request_id"] == created.pk
    assert item["status"] == "open" and item["service_code"] == "schlagloch"
    assert item["agency_responsible"] == pothole.department.name
    assert item["lat"] == INSIDE[0] and item["long"] == INSIDE[1]
    assert item["requested_datetime"].endswith(("+01:00", "+02:00"))
    for path in ("requests.json", f"requests/{created.pk}.json", "requests.xml"):
        body = client.get(
            f"{ROOT}/{path}", {"jurisdiction_id": "dortmund", "extensions": "true"}
        ).content.decode()
        for secret in ("anna.privat", "Beispiel", "123456", "anna@example.org", created.token):
            assert secret not in body, (path, secret)


def test_request_detail_and_token_lookup(client, pothole):
    created = report(pothole)
    response, data = get_json(client, f"requests/{created.pk}.json")
    assert [item["service_request_id"] for item in data] == [created.pk]
    response, data = get_json(client, f"tokens/{created.token}.json")
    assert data == [{"service_request_id": created.pk, "token": created.token}]
    xml = parse_xml(
        client.get(f"{ROOT}/requests/{created.pk}.xml?jurisdiction_id=dortmund").content
    )
    assert xml.tag == "service_requests"
    assert xml.find("request/service_request_id").text == str(created.pk)


def test_photos_appear_only_after_review(client, pothole):
    created = report(pothole, photos=[jpeg_with_gps()])
    _response, data = get_json(client, f"requests/{created.pk}.json", extensions="true")
    assert data[0]["media_url"] == ""
    assert data[0]["extended_attributes"]["photos"] == []
    services.review_photo(created.photos.get(), None, approve=True)
    _response, data = get_json(client, f"requests/{created.pk}.json", extensions="true")
    photo = Photo.objects.get()
    assert data[0]["media_url"] == f"http://testserver{photo.image.url}"
    extended = data[0]["extended_attributes"]
    assert extended["photos"][0]["thumbnail"].endswith(photo.thumbnail.name)
    assert extended["status_detail"] == "received" and extended["supporters"] == 0


def test_filters_status_code_dates_and_ids(client, pothole):
    light = pothole.__class__.objects.get(city=pothole.city, code="laterne")
    first, second, lamp = report(pothole), report(pothole), report(light)
    services.change_status(second, None, status=Status.RESOLVED)
    old = report(pothole)
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))

    def ids(**params):
        response, data = get_json(client, "requests.json", **params)
        assert response.status_code == 200, data
        return {item["service_request_id"] for item in data}

    assert ids() == {first.pk, second.pk, lamp.pk}  # the default window is 90 days
    assert ids(status="open") == {first.pk, lamp.pk}
    assert ids(status="closed") == {second.pk}
    assert ids(service_code="laterne") == {lamp.pk}
    assert ids(service_code="laterne,schlagloch", status="open") == {first.pk, lamp.pk}
    assert ids(service_request_id=f"{old.pk},{lamp.pk}") == {old.pk, lamp.pk}
    start = (timezone.now() - timedelta(days=130)).isoformat()
    end = (timezone.now() - timedelta(days=100)).isoformat()
    assert ids(start_date=start, end_date=end) == {old.pk}


def test_extension_filters(client, pothole):
    here = report(pothole, description="Riesiges Loch am Markt")
    far = report(pothole, lat=INSIDE[0] + 0.05)  # about 5.5 km north
    since = timezone.now()
    services.change_status(far, None, status=Status.CONFIRMED)

    def ids(**params):
        response, data = get_json(client, "requests.json", **params)
        assert response.status_code == 200, data
        return [item["service_request_id"] for item in data]

    box = f"{INSIDE[1] - 0.01},{INSIDE[0] - 0.01},{INSIDE[1] + 0.01},{INSIDE[0] + 0.01}"
    assert ids(bbox=box) == [here.pk]
    assert ids(lat=INSIDE[0], long=INSIDE[1], radius=200) == [here.pk]
    assert set(ids(lat=INSIDE[0], long=INSIDE[1], radius=6000)) == {here.pk, far.pk}
    assert ids(q="riesiges") == [here.pk]
    assert ids(updated_after=since.isoformat()) == [far.pk]
    assert ids(updated_before=since.isoformat()) == [here.pk]
    assert ids(page_size=1) == [far.pk]  # newest first
    assert ids(page_size=1, page=2) == [here.pk]
    response = client.get(f"{ROOT}/requests.json?jurisdiction_id=dortmund&page_size=1")
    assert 'rel="next"' in response["Link"] and "page=2" in response["Link"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "kaputt"}, "status"),
        ({"start_date": "gestern"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"lat": "51.5", "long": "x"}, "long"),
        ({"lat": "51.5", "long": "7.4", "radius": "999999"}, "radius"),
        ({"page_size": "5000"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"service_request_id": "1,abc"}, "service_request_id"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(client, pothole, params, field):
    response, data = get_json(client, "requests.json", **params)
    assert response.status_code == 400
    assert field in data[0]["description"]


def post(client, fmt="json", **fields):
    data = {"jurisdiction_id": "dortmund", **fields}
    return client.post(f"{ROOT}/requests.{fmt}", data)


def test_post_creates_a_report_with_attributes_and_private_contact(client, pothole, api_key):
    response = post(
        client,
        api_key=api_key,
        service_code="schlagloch",
        lat=str(INSIDE[0]),
        long=str(INSIDE[1]),
        description="Loch im Radweg",
        email="melder@example.org",
        first_name="Max",
        last_name="Muster",
        **{"attribute[groesse]": "gross"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    created = Report.objects.get(pk=data[0]["service_request_id"])
    assert set(data[0]) == {"service_request_id", "service_notice", "account_id"}
    assert created.source == Report.Source.OPEN311
    assert created.attributes == {"groesse": "gross"}
    assert (created.reporter_email, created.reporter_name) == ("melder@example.org", "Max Muster")


def test_post_with_uploaded_media_strips_gps(client, pothole, api_key):
    media = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = post(
        client,
        fmt="xml",
        api_key=api_key,
        service_code="schlagloch",
        lat=str(INSIDE[0]),
        long=str(INSIDE[1]),
        description="Mit Foto",
        media=media,
    )
    assert response.status_code == 201
    xml = parse_xml(response.content)
    assert xml.tag == "service_requests"
    created = Report.objects.get(pk=int(xml.find("request/service_request_id").text))
    with open(created.photos.get().image.path, "rb") as handle:
        assert b"Exif" not in handle.read()


def test_post_by_address_uses_the_city_address_list(client, pothole, api_key):
    from smartcity.defects.models import Address

    Address.objects.create(
        city=pothole.city, street="Friedensplatz", house_number="1", postcode="44135",
        latitude=51.5125, longitude=7.4660,
    )  # fmt: skip
    response = post(
        client,
        api_key=api_key,
        service_code="schlagloch",
        address_string="Friedensplatz 1",
        description="Am Rathaus",
    )
    assert response.status_code == 201, response.content
    created = Report.objects.get()
    assert (created.latitude, created.address) == (51.5125, "Friedensplatz 1, 44135")


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "sc_falsch"}, 403, "api_key"),
        ({"service_code": "gibtsnicht"}, 404, "service_code"),
        ({"lat": str(OUTSIDE[0]), "long": str(OUTSIDE[1])}, 400, "außerhalb"),
        ({"lat": None, "long": None}, 400, "lat/long"),
        ({"address_string": "Nirgendwo 99", "lat": None, "long": None}, 400, "address_string"),
        ({"description": "x" * 10_000}, 400, "description"),
        ({"email": "kaputt"}, 400, "email"),
        ({"attribute[groesse]": "riesig"}, 400, "attribute[groesse]"),
        ({"media_url": "http://127.0.0.1:9/secret.jpg"}, 400, "media_url"),
        ({"media_url": "file:///etc/passwd"}, 400, "media_url"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_bad_posts_are_refused_and_nothing_is_stored(
    client, pothole, api_key, fields, status, text
):
    data = {
        "api_key": api_key,
        "service_code": "schlagloch",
        "lat": str(INSIDE[0]),
        "long": str(INSIDE[1]),
        "description": "Loch",
        **fields,
    }
    response = post(client, **{key: value for key, value in data.items() if value is not None})
    assert response.status_code == status, response.content
    assert text in response.json()[0]["description"]
    assert Report.objects.count() == 0


def test_a_token_without_the_scope_is_refused(client, pothole):
    user = User.objects.create_user("leser", "leser@example.org", "pw-123-long")
    secret = create_token(user, "opendata:write")[1]
    response = post(
        client, api_key=secret, service_code="schlagloch", lat=str(INSIDE[0]),
        long=str(INSIDE[1]), description="Loch",
    )  # fmt: skip
    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_an_image_that_is_really_a_script_is_refused_over_open311(client, pothole, api_key):
    media = SimpleUploadedFile("foto.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg")
    response = post(
        client, api_key=api_key, service_code="schlagloch", lat=str(INSIDE[0]),
        long=str(INSIDE[1]), description="Loch", media=media,
    )  # fmt: skip
    assert response.status_code == 400
    assert "media" in response.json()[0]["description"]
    assert Report.objects.count() == 0 and Photo.objects.count() == 0


def test_a_50_mb_media_upload_is_refused(client, pothole, api_key):
    media = SimpleUploadedFile(
        "gross.jpg", b"\xff\xd8\xff" + b"0" * (50 * 1024 * 1024), "image/jpeg"
    )
    response = post(
        client, api_key=api_key, service_code="schlagloch", lat=str(INSIDE[0]),
        long=str(INSIDE[1]), description="Loch", media=media,
    )  # fmt: skip
    assert response.status_code == 400
    assert "zu groß" in response.json()[0]["description"]
    assert Report.objects.count() == 0


def test_control_characters_never_reach_the_database_or_the_xml(client, pothole, api_key):
    response = post(
        client, api_key=api_key, service_code="schlagloch", lat=str(INSIDE[0]),
        long=str(INSIDE[1]), description="Loch\x00 mit\x0b Steuerzeichen\nzweite Zeile",
        first_name="Max\x00", address_string="Weg\x07 1",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    created = Report.objects.get()
    assert created.description == "Loch mit Steuerzeichen\nzweite Zeile"
    assert created.reporter_name == "Max"
    xml = client.get(f"{ROOT}/requests/{created.pk}.xml?jurisdiction_id=dortmund").content
    assert parse_xml(xml).find("request/description").text.startswith("Loch mit")


def test_request_lists_take_a_fixed_number_of_queries(client, pothole, django_assert_num_queries):
    for number in range(3):
        created = report(pothole, photos=[jpeg_with_gps()] if number == 0 else ())
    services.review_photo(Photo.objects.get(), None, approve=True)
    # jurisdiction + rows (first photo as a subquery) [+ the page's photos with extensions]
    with django_assert_num_queries(2):
        _response, few = get_json(client, "requests.json", page_size=2)
    with django_assert_num_queries(2):
        _response, data = get_json(client, "requests.json")
    with django_assert_num_queries(3):
        _response, extended = get_json(client, "requests.json", extensions="true")
    assert len(few) == 2 and len(data) == len(extended) == 3
    with_photo = [item for item in extended if item["media_url"]]
    assert len(with_photo) == 1
    assert with_photo[0]["extended_attributes"]["photos"][0]["url"] == with_photo[0]["media_url"]
    assert extended[0]["extended_attributes"]["url"].endswith(
        f"/dortmund/maengel/{extended[0]['service_request_id']}/"
    )
    assert created.pk in {item["service_request_id"] for item in data}
    with django_assert_num_queries(2):
        get_json(client, "services.json")


def test_rejected_reports_are_not_listed_and_shown_closed_with_a_note(client, pothole):
    kept = report(pothole)
    spam = report(pothole, description="Werbung für Sonnenbrillen", photos=[jpeg_with_gps()])
    services.review_photo(spam.photos.get(), None, approve=True)
    since = timezone.now()
    services.change_status(spam, None, status=Status.REJECTED, public_note="Keine Mängelmeldung.")

    _response, listed = get_json(client, "requests.json")
    assert [item["service_request_id"] for item in listed] == [kept.pk]
    _response, closed = get_json(client, "requests.json", status="closed")
    assert closed == []
    # Asked for by id, or by a synchronising client: closed, and status_notes says why.
    for path, params in (
        (f"requests/{spam.pk}.json", {"extensions": "true"}),
        ("requests.json", {"service_request_id": str(spam.pk), "extensions": "true"}),
        ("requests.json", {"updated_after": since.isoformat(), "extensions": "true"}),
    ):
        _response, data = get_json(client, path, **params)
        assert len(data) == 1, path
        item = data[0]
        assert item["status"] == "closed"
        assert item["status_notes"] == "Abgelehnt: Keine Mängelmeldung."
        assert item["description"] == "" and item["media_url"] == ""
        assert item["extended_attributes"]["status_detail"] == "rejected"
        assert item["extended_attributes"]["photos"] == []
    xml = client.get(f"{ROOT}/requests/{spam.pk}.xml?jurisdiction_id=dortmund").content
    assert parse_xml(xml).find("request/status_notes").text.startswith("Abgelehnt")


def test_a_category_without_department_and_without_default_is_400_not_404(client, pothole, api_key):
    from smartcity.defects.models import Department

    Department.objects.filter(city=pothole.city).update(is_default=False)
    response = post(
        client, api_key=api_key, service_code="sonstiges", lat=str(INSIDE[0]),
        long=str(INSIDE[1]), description="Etwas anderes",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("service_code:")
    assert Report.objects.count() == 0


def test_the_jurisdiction_is_read_with_one_small_query(pothole):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartcity.defects.open311.views import city_by_slug

    with CaptureQueriesContext(connection) as queries:
        city = city_by_slug("dortmund")
    assert len(queries) == 1 and "boundary" not in queries[0]["sql"]
    assert (city.pk, city.slug, city.name) == (
        pothole.city.pk,
        pothole.city.slug,
        pothole.city.name,
    )
    assert "boundary" in city.get_deferred_fields()  # loaded only when used
    assert city.boundary == pothole.city.boundary
    assert city_by_slug("atlantis") is None


@pytest.mark.parametrize("extensions", [False, True])
def test_compiled_list_statements_answer_exactly_as_the_orm(pothole, extensions):
    """``GET requests`` runs a statement compiled once per shape of question; for many random
    questions its answers equal those of the ORM path, row for row and field for field."""
    import random

    from django.http import QueryDict

    from smartcity.defects.open311 import queries, shapes, sqlcache

    rng = random.Random(11)
    light = pothole.__class__.objects.get(city=pothole.city, code="laterne")
    now = timezone.now()
    made = []
    for number in range(40):
        made.append(
            report(
                rng.choice([pothole, light]),
                lat=INSIDE[0] + rng.uniform(-0.01, 0.01),
                lon=INSIDE[1] + rng.uniform(-0.01, 0.01),
                description=f"Meldung {number}",
                photos=[jpeg_with_gps()] if number % 7 == 0 else [],
            )
        )
    for item in made:
        Report.objects.filter(pk=item.pk).update(
            status=rng.choice(list(Status.values)),
            created_at=now - timedelta(days=rng.uniform(0, 60)),
        )
    Photo.objects.update(review=Photo.Review.APPROVED)
    sqlcache.clear()
    city = pothole.city
    compared_photos = False
    for _ in range(30):
        west, south = INSIDE[1] + rng.uniform(-0.01, 0.0), INSIDE[0] + rng.uniform(-0.01, 0.0)
        params = QueryDict(mutable=True)
        params["bbox"] = f"{west},{south},{west + 0.012},{south + 0.012}"
        params["status"] = rng.choice(["open", "closed", "open,closed"])
        end = now - timedelta(days=rng.uniform(0, 20))
        params["start_date"] = (end - timedelta(days=40)).isoformat()
        params["end_date"] = end.isoformat()
        if rng.random() < 0.3:
            params["service_code"] = rng.choice(["schlagloch", "laterne", "schlagloch,laterne"])
        params["page_size"] = str(rng.choice([3, 10]))
        params["page"] = str(rng.choice([1, 2]))
        query = queries.parse(city, params)
        assert query.plan.cacheable
        offset = (query.page - 1) * query.page_size
        writer = shapes.RequestWriter(city, lambda path: "http://testserver" + path, extensions)
        compiled = writer.write_page(query.plan, offset, query.page_size)
        again = writer.write_page(query.plan, offset, query.page_size)  # from the cache
        direct = writer.write(query.queryset[offset : offset + query.page_size])
        assert compiled == again == direct
        compared_photos = compared_photos or any(row["media_url"] for row in direct)
    assert sqlcache._cache  # shapes were compiled and kept …
    assert all(entry is not sqlcache._UNCACHEABLE for entry in sqlcache._cache.values())
    assert compared_photos  # the photo subquery was part of the comparison
    # … text search and the radius are not plain lookups: they take the ORM path.
    for extra in ({"q": "Meldung 1"}, {"lat": str(INSIDE[0]), "long": str(INSIDE[1])}):
        assert not queries.parse(city, extra).plan.cacheable


def test_the_list_endpoint_uses_the_compiled_statement(client, pothole):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartcity.defects.open311 import sqlcache

    first = report(pothole)
    sqlcache.clear()
    params = {"status": "open", "page_size": "5"}
    _response, data = get_json(client, "requests.json", **params)
    assert [item["service_request_id"] for item in data] == [first.pk]
    second = report(pothole, description="Noch ein Loch")
    with CaptureQueriesContext(connection) as queries:
        _response, data = get_json(client, "requests.json", **params)
    assert [item["service_request_id"] for item in data] == [second.pk, first.pk]
    assert data[0]["description"] == "Noch ein Loch"
    assert len(queries) == 2  # the city and the compiled list statement
    assert len(sqlcache._cache) == 1
