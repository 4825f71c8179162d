"""Mängelmelder in a real browser on a phone-sized screen: report a pothole with a photo, see
the duplicate hint, get the confirmation; staff change the status; the reporter gets mail."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS, describe

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TILE_PATTERN = "https://tile.openstreetmap.org/**"


def assert_accessible(page, name):
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"axe found WCAG 2.1 AA violations on {name}:\n" + describe(violations)


@pytest.fixture
def defects(cities, settings, tmp_path):
    from smartcity.defects import services
    from smartcity.defects.models import Report
    from smartcity.defects.tests.factories import INSIDE, setup_defects

    settings.MEDIA_ROOT = tmp_path
    pothole = setup_defects(cities)
    existing = services.create_report(
        pothole.city,
        category=pothole,
        latitude=INSIDE[0] + 0.0001,
        longitude=INSIDE[1],
        description="Schlagloch an der Ampel, schon gemeldet",
        source=Report.Source.WEB,
    )
    return pothole, existing


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="de-DE",
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    yield context, requested
    context.close()


def test_report_a_pothole_then_staff_resolve_it(phone, defects, live_server, mailoutbox, tmp_path):
    from smartcity.accounts.models import Membership, User
    from smartcity.accounts.roles import Role
    from smartcity.core.tests.test_tasks import run_worker_once
    from smartcity.defects.models import Report
    from smartcity.defects.tests.factories import jpeg_with_gps

    pothole, existing = defects
    context, requested = phone
    page = context.new_page()
    page.goto("/dortmund/maengel/melden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mangel melden in Dortmund")

    page.get_by_label("Was möchten Sie melden?").select_option("schlagloch")
    # Tap the middle of the map: the city centre, a few metres from the existing report.
    page.locator("#defects-map").tap()
    expect(page.get_by_label("Breitengrad")).not_to_have_value("")
    hint = page.locator("#duplicates")
    expect(hint).to_be_visible()
    expect(hint.get_by_role("heading", level=2)).to_have_text("Ist es eine dieser Meldungen?")
    expect(hint.get_by_role("link", name=f"#{existing.pk} Schlagloch")).to_be_visible()
    expect(hint.get_by_role("button", name="Diese Meldung unterstützen")).to_be_visible()
    assert_accessible(page, "report form with duplicate hint")

    page.get_by_label("Beschreibung").fill("Neues, tiefes Loch direkt am Gullydeckel.")
    photo = tmp_path / "loch.jpg"
    photo.write_bytes(jpeg_with_gps())
    page.get_by_label("Fotos (bis zu 3)").set_input_files(str(photo))
    page.get_by_label("E-Mail-Adresse (freiwillig)").fill("anna@example.org")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_role("button", name="Meldung absenden").click()

    expect(page).to_have_url(re.compile(r"/dortmund/maengel/danke/[-\w]+/$"))
    report = Report.objects.exclude(pk=existing.pk).get()
    expect(page.locator(".confirmation")).to_contain_text(f"die Nummer {report.pk}")
    assert report.photos.count() == 1 and report.reporter_email == "anna@example.org"
    with open(report.photos.get().image.path, "rb") as handle:
        assert b"Exif" not in handle.read()
    assert_accessible(page, "confirmation")

    # Staff of the department work it off.
    staff = User.objects.create_user("tiefbau", "tiefbau@example.org", "pw-123-long")
    Membership.objects.create(user=staff, city=pothole.city, role=Role.DEPARTMENT)
    log_in(context, staff, live_server)
    page.goto("/dortmund/maengel/bearbeitung/")
    assert_accessible(page, "department queue")
    page.get_by_role("link", name=f"#{report.pk} Schlagloch").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Meldung {report.pk} bearbeiten")
    assert_accessible(page, "status form")
    page.get_by_label("Status").select_option("resolved")
    page.get_by_label("Öffentlicher Hinweis").fill("Das Loch ist verfüllt.")
    page.get_by_label("Interner Vermerk").fill("Kolonne 2, 0,5 t Asphalt")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".messages")).to_contain_text("Die Meldung wurde aktualisiert.")

    page.goto(f"/dortmund/maengel/{report.pk}/")
    expect(page.locator(".facts")).to_contain_text("Erledigt")
    expect(page.locator(".history")).to_contain_text("Das Loch ist verfüllt.")
    expect(page.locator("main")).not_to_contain_text("Kolonne 2")
    assert_accessible(page, "report page")

    run_worker_once()
    run_worker_once()
    mails = [message for message in mailoutbox if message.to == ["anna@example.org"]]
    subjects = [message.subject for message in mails]
    assert f"Ihre Meldung #{report.pk} ist eingegangen" in subjects
    assert f"Ihre Meldung #{report.pk}: Erledigt" in subjects
    status_mail = next(message for message in mails if "Erledigt" in message.subject)
    assert "Das Loch ist verfüllt." in status_mail.body
    assert f"{live_server.url}/dortmund/maengel/{report.pk}/" in status_mail.body

    foreign = [url for url in requested if not url.startswith((live_server.url, "data:"))]
    assert foreign == []


def test_map_tiles_load_only_after_two_clicks(phone, defects):
    context, requested = phone
    served = []

    def fake_tile(route):
        served.append(route.request.url)
        route.fulfill(status=204)

    context.route(TILE_PATTERN, fake_tile)
    page = context.new_page()
    page.goto("/dortmund/maengel/")
    expect(page.locator(".defects-map")).to_be_visible()
    assert_accessible(page, "report list")
    page.get_by_role("button", name="Hintergrundkarte anzeigen …").click()
    page.wait_for_timeout(300)
    assert served == []  # one click is not consent yet
    page.get_by_role("button", name="Ja, Hintergrundkarte laden").click()
    expect(page.locator("[data-map-consent]")).to_be_hidden()
    page.wait_for_function("document.querySelectorAll('.leaflet-tile').length > 0")
    assert served and all(url.startswith("https://tile.openstreetmap.org/") for url in served)


def test_statistics_page_is_accessible(page, defects):
    page.goto("/dortmund/maengel/statistik/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statistik")
    assert_accessible(page, "statistics")


def test_place_by_device_position_or_address_search(phone, defects):
    from smartcity.defects.models import Address

    pothole, _existing = defects
    Address.objects.create(
        city=pothole.city, street="Friedensplatz", house_number="1", postcode="44135",
        latitude=51.5125, longitude=7.4660,
    )  # fmt: skip
    context, requested = phone
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"latitude": 51.5140, "longitude": 7.4700})
    page = context.new_page()
    page.goto("/dortmund/maengel/melden/")
    page.get_by_role("button", name="Meinen Standort verwenden").click()
    expect(page.locator("#position-status")).to_have_text("Standort übernommen.")
    expect(page.get_by_label("Breitengrad")).to_have_value("51.514000")
    expect(page.get_by_label("Längengrad")).to_have_value("7.470000")

    page.get_by_role("combobox", name="Adresse suchen").fill("friedensplatz 1")
    suggestion = page.get_by_role("option").get_by_role("button", name="Friedensplatz 1, 44135")
    suggestion.click()
    expect(page.get_by_label("Breitengrad")).to_have_value("51.512500")
    expect(page.get_by_role("combobox", name="Adresse suchen")).to_have_value(
        "Friedensplatz 1, 44135"
    )


def test_support_an_existing_report_instead_of_a_new_one(phone, defects):
    from smartcity.defects.models import Report

    pothole, existing = defects
    context, _requested = phone
    page = context.new_page()
    page.goto("/dortmund/maengel/melden/")
    page.get_by_label("Was möchten Sie melden?").select_option("schlagloch")
    page.locator("#defects-map").tap()
    hint = page.locator("#duplicates")
    hint.get_by_role("button", name="Diese Meldung unterstützen").click()
    expect(page).to_have_url(re.compile(rf"/dortmund/maengel/{existing.pk}/$"))
    expect(page.locator(".messages")).to_contain_text("Danke! Sie unterstützen diese Meldung.")
    existing.refresh_from_db()
    assert existing.supporter_count == 1
    assert Report.objects.count() == 1  # no new report
