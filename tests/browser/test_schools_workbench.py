"""Smart schools in a real browser: a teacher creates a class code, a pupil joins with it, draws a
chart and downloads the CSV; the wall display refreshes itself; axe finds no WCAG 2.1 AA
violations on these pages."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS, FAIL_ON_REVIEW, describe

pytestmark = pytest.mark.browser

DAY_START = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # Monday 07:00 local


def assert_accessible(page):
    results = AXE.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe did not check anything"
    violations = results["violations"] + [
        result for result in results["incomplete"] if result["id"] in FAIL_ON_REVIEW
    ]
    assert not violations, "axe found WCAG 2.1 AA violations:\n" + describe(violations)


@pytest.fixture
def school(cities):
    from smartcity.schools import services, simulator
    from smartcity.schools.tests.factories import make_school, room_of

    school = make_school(cities["dortmund"], slug="browserschule", rooms=("101", "102"))
    for index, slug in enumerate(("101", "102")):
        room = room_of(school, slug)
        services.set_occupancy(room, {(0, period): 25 + index for period in range(1, 5)})
        run = simulator.simulate_room(room, DAY_START, 4 * 60, seed=index, diligent=True)
        simulator.store(room, run)
    return school


@pytest.fixture
def teacher(school):
    from allauth.account.models import EmailAddress

    from smartcity.accounts.models import Membership, User
    from smartcity.accounts.roles import Role
    from smartcity.schools.models import Teacher

    user = User.objects.create_user(username="lehrerin", email="lehrerin@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(user=user, city=school.city, role=Role.TEACHER)
    Teacher.objects.create(school=school, user=user)
    return user


def test_teacher_code_pupil_joins_charts_and_downloads_csv(browser, context, teacher, live_server):
    log_in(context, teacher, live_server)
    page = context.new_page()
    page.goto("/dortmund/werkbank/lehrkraft/")
    page.get_by_label("Name der Klasse oder des Kurses").fill("7c")
    page.get_by_role("button", name="Klasse anlegen und Code erzeugen").click()
    code = page.locator("[data-class-code]").first
    expect(code).to_have_text(re.compile(r"^[A-Z2-9]{6}$"))
    class_code = code.inner_text()
    assert_accessible(page)

    pupil_context = browser.new_context(locale="de-DE", base_url=live_server.url)
    pupil = pupil_context.new_page()
    try:
        pupil.goto("/dortmund/werkbank/")
        assert_accessible(pupil)
        join = pupil.locator("form", has=pupil.get_by_role("button", name="Beitreten"))
        join.get_by_label("Klassencode").fill(class_code.lower())
        join.get_by_label("Spitzname").fill("Komet")
        join.get_by_label("Passwort").fill("sternschnuppe")
        join.get_by_role("button", name="Beitreten").click()
        expect(pupil.locator("main")).to_contain_text("Du bist angemeldet als Komet")

        pupil.get_by_label("Raum 101").check()
        pupil.get_by_label("Raum 102").check()
        pupil.locator("#id_quantity").select_option("co2")
        pupil.locator("#id_start").fill("2026-11-23")
        pupil.locator("#id_end").fill("2026-11-23")
        pupil.locator("#id_resolution").select_option("600")
        pupil.get_by_role("button", name="Anzeigen").click()
        expect(pupil.locator("#workbench-chart[data-rendered=true]")).to_have_count(1)
        expect(pupil.locator("#stats-table tbody tr")).to_have_count(2)
        assert_accessible(pupil)

        with pupil.expect_download() as download_info:
            pupil.get_by_role("link", name="als CSV herunterladen").click()
        download = download_info.value
        assert download.suggested_filename == "werkbank-20261123-20261123.csv"
        text = Path(download.path()).read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert rows[0] == ["Raum", "Zeit", "CO₂ (ppm)"]
        # Four hours of readings in 10-minute buckets, for both rooms.
        assert len(rows) == 1 + 2 * 24
        assert {row[0] for row in rows[1:]} == {"101", "102"}
    finally:
        pupil_context.close()


def test_wall_display_updates_itself(page, school):
    from smartcity.schools.tests.factories import room_of
    from smartcity.sensors.services import NewObservation, store_observations

    room = room_of(school, "101")
    page.goto(f"/dortmund/schulen/{school.slug}/anzeige/{school.display_key}/?takt=2")
    card = page.locator('[data-room-card="101"]')
    expect(card).to_be_visible()
    assert_accessible(page)
    stream = room.sensors.get(quantity="co2").datastream
    now = datetime.now(UTC).replace(microsecond=0)
    store_observations(
        stream, [NewObservation(phenomenon_time_start=now + timedelta(seconds=1), result=2345)]
    )
    expect(card.locator('[data-quantity="co2"] [data-value]')).to_have_text("2.345")
    expect(card.locator("[data-reminder]")).to_contain_text("Sofort lüften")
    expect(card.locator('[data-quantity="co2"]')).to_have_class("schools-value schools-light-red")


def test_school_pages_are_accessible(context, teacher, school, live_server):
    log_in(context, teacher, live_server)
    page = context.new_page()
    for path in (
        "/dortmund/schulen/",
        f"/dortmund/schulen/{school.slug}/",
        f"/dortmund/schulen/{school.slug}/live/",
        f"/dortmund/schulen/{school.slug}/raum/101/?tag=2026-11-23",
    ):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        if "/raum/" in path:
            expect(page.locator("#room-chart")).to_have_attribute("data-rendered", "true")
        assert_accessible(page)
