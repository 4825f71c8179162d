"""Demo loader, address import, personal data and the map layer."""

import orjson
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartcity.accounts.models import User
from smartcity.accounts.services import delete_account, export_user_data
from smartcity.core.registries import map_layers
from smartcity.defects import demo, services
from smartcity.defects.models import Address, Category, Department, Report, Status
from smartcity.defects.tests.factories import INSIDE, setup_defects


def test_demo_loader_is_idempotent(cities):
    demo.load()
    counts = (Department.objects.count(), Category.objects.count(), Report.objects.count())
    demo.load()
    assert (Department.objects.count(), Category.objects.count(), Report.objects.count()) == counts
    for city in cities.values():
        groups = set(Category.objects.filter(city=city).values_list("group", flat=True))
        assert {"Straßenbeleuchtung", "Graffiti", "Grün und Spielplätze"} <= groups
    assert Report.objects.filter(city=cities["schwerte"]).exists()


def test_address_import_accepts_german_headers_and_is_all_or_nothing(cities, tmp_path):
    good = tmp_path / "adressen.csv"
    good.write_text(
        "Straße;Hausnummer;PLZ;lat;lon\nFriedensplatz;1;44135;51,5125;7,4660\n"
        "Königswall;15;44137;51.517;7.459\n",
        encoding="utf-8",
    )
    call_command("import_addresses", "dortmund", str(good))
    assert Address.objects.filter(city=cities["dortmund"]).count() == 2
    call_command("import_addresses", "dortmund", str(good))  # again: updated, not doubled
    assert Address.objects.count() == 2

    bad = tmp_path / "kaputt.csv"
    bad.write_text("street,lat,lon\nA-Weg,51.5,7.4\nB-Weg,nord,7.4\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3"):
        call_command("import_addresses", "dortmund", str(bad))
    assert not Address.objects.filter(street="A-Weg").exists()
    with pytest.raises(CommandError, match="missing column"):
        (tmp_path / "x.csv").write_text("name\nfoo\n", encoding="utf-8")
        call_command("import_addresses", "dortmund", str(tmp_path / "x.csv"))


def test_personal_data_export_and_erase(cities):
    pothole = setup_defects(cities)
    user = User.objects.create_user("anna", "anna@example.org", "pw-123-long")
    mine = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Meins", email="anna@example.org", phone="0231 1", user=user,
        source=Report.Source.WEB,
    )  # fmt: skip
    anonymous_with_my_mail = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Auch meins", email="ANNA@example.org", source=Report.Source.WEB,
    )  # fmt: skip
    services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Fremd", email="other@example.org", source=Report.Source.WEB,
    )  # fmt: skip
    services.support_report(mine, user=user)

    exported = export_user_data(user)["data"]["defects"]
    assert {item["id"] for item in exported["reports"]} == {mine.pk, anonymous_with_my_mail.pk}
    assert exported["supported_reports"] == [mine.pk]

    delete_account(user)
    for report in (mine, anonymous_with_my_mail):
        report.refresh_from_db()
        assert (report.reporter, report.reporter_email, report.reporter_phone) == (None, "", "")
    assert Report.objects.filter(reporter_email="other@example.org").exists()
    mine.refresh_from_db()
    assert mine.supporter_count == 1  # the support stays, without the person


def test_map_layer_lists_open_public_reports(cities):
    pothole = setup_defects(cities)
    layer = map_layers["defects"]
    shown = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Loch", email="x@example.org", source=Report.Source.WEB,
    )  # fmt: skip
    rejected = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Spam", source=Report.Source.WEB,
    )  # fmt: skip
    services.change_status(rejected, None, status=Status.REJECTED)
    features = list(layer.features(pothole.city, None))
    assert [feature["properties"]["id"] for feature in features] == [f"defect-{shown.pk}"]
    feature = features[0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [INSIDE[1], INSIDE[0]]}
    assert feature["properties"]["url"] == shown.get_absolute_url()
    assert "x@example.org" not in str(feature)
    assert list(layer.features(cities["schwerte"], None)) == []
    # The map endpoint's fast path: the same Features, serialised, in one query.
    with CaptureQueriesContext(connection) as captured:
        joined = layer.features_json(pothole.city, None)
    assert len(captured) == 1
    assert orjson.loads(b"[" + joined + b"]") == orjson.loads(orjson.dumps(features))
    assert layer.features_json(cities["schwerte"], None) == b""


def test_reporter_contacts_are_purged_90_days_after_closing(cities):
    from datetime import timedelta

    from django.utils import timezone

    from smartcity.defects.jobs import purge_reporter_contacts

    pothole = setup_defects(cities)

    def with_contact(status, closed_days_ago):
        report = services.create_report(
            pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
            description="x", email="a@example.org", name="A", phone="1",
            source=Report.Source.WEB,
        )  # fmt: skip
        closed_at = timezone.now() - timedelta(days=closed_days_ago) if closed_days_ago else None
        Report.objects.filter(pk=report.pk).update(status=status, closed_at=closed_at)
        return report

    old = with_contact(Status.RESOLVED, 91)
    recent = with_contact(Status.RESOLVED, 10)
    still_open = with_contact(Status.IN_PROGRESS, None)
    assert purge_reporter_contacts() == 1
    old.refresh_from_db()
    assert (old.reporter_email, old.reporter_name, old.reporter_phone) == ("", "", "")
    for report in (recent, still_open):
        report.refresh_from_db()
        assert report.reporter_email == "a@example.org"


def test_reports_appear_on_the_platform_map(client, cities):
    pothole = setup_defects(cities)
    report = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Loch", email="x@example.org", source=Report.Source.WEB,
    )  # fmt: skip
    response = client.get("/api/v1/map/features.geojson", {"city": "dortmund", "layer": "defects"})
    assert response.status_code == 200, response.content
    features = response.json()["features"]
    assert [feature["properties"]["id"] for feature in features] == [f"defect-{report.pk}"]
    assert "x@example.org" not in response.content.decode()
    response = client.get(
        "/api/v1/map/features.geojson", {"city": "dortmund", "layer": "defects", "status": "closed"}
    )
    assert response.json()["features"] == []


def test_demo_gives_the_cities_an_approximate_boundary_but_keeps_a_real_one(cities):
    from smartcity.defects.tests.factories import DORTMUND_BOUNDARY

    schwerte = cities["schwerte"]
    dortmund = cities["dortmund"]
    dortmund.boundary = DORTMUND_BOUNDARY  # as if imported: must stay
    dortmund.save()
    demo.load()
    dortmund.refresh_from_db()
    schwerte.refresh_from_db()
    assert dortmund.boundary == DORTMUND_BOUNDARY
    assert schwerte.boundary == demo.approximate_boundary("schwerte")
    # Every demo report lies inside its city; Schwerte's centre is not in Dortmund.
    for report in Report.objects.select_related("city"):
        assert report.city.contains(report.longitude, report.latitude), report.description
    dortmund.boundary = None
    dortmund.save()
    demo.load()
    dortmund.refresh_from_db()
    assert not dortmund.contains(7.5653, 51.4453)  # Schwerte's centre
    assert dortmund.contains(7.4653, 51.5136)  # Dortmund's centre
    assert not dortmund.contains(7.2159, 51.4818)  # Bochum
    assert schwerte.contains(7.5653, 51.4453)


def test_the_demo_form_refuses_a_place_outside_the_city(client, cities, settings, tmp_path):
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    demo.load()
    response = client.post(
        reverse("defects:new", kwargs={"city": "dortmund"}),
        {
            "category": "schlagloch",
            "latitude": "51.4818",  # Bochum, just west of Dortmund
            "longitude": "7.2159",
            "description": "Loch",
            "consent": "on",
        },
    )
    assert response.status_code == 400
    assert "außerhalb von Dortmund" in response.content.decode()
