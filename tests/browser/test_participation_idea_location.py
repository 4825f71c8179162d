"""The idea form's optional location: picked on the map with the keyboard (or typed into
the latitude/longitude fields); the portfolio's picker and tile consent are reused."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_participation_flow import assert_accessible

pytestmark = pytest.mark.browser


def fill_idea(page, title):
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Beschreibung").fill("Ein Trinkbrunnen am Platz.")
    page.get_by_label("E-Mail für Rückmeldungen").fill("besucher@example.org")
    page.get_by_label("Ich habe den Datenschutzhinweis").check()


def test_location_picked_with_the_keyboard(live_server, cities, page):
    from smartcity.participation.models import Idea

    page.goto("/dortmund/ideen/neu/")
    expect(page.locator("[data-tile-consent]")).to_be_visible()  # OSM only after consent
    assert_accessible(page)
    fill_idea(page, "Trinkbrunnen")
    latitude = page.get_by_label("Breite (optional)")
    longitude = page.get_by_label("Länge (optional)")
    assert latitude.input_value() == ""

    picker = page.get_by_role("application", name="Karte zur Auswahl des Ortes")
    picker.focus()
    picker.press("Enter")
    expect(page.locator("#pick-map-status")).to_contain_text("Ort übernommen")
    first = (float(latitude.input_value()), float(longitude.input_value()))
    # One translated sentence with the coordinates put in (not glued together in JavaScript).
    expect(page.locator("#pick-map-status")).to_have_text(
        f"Ort übernommen: Breite {latitude.input_value()}, Länge {longitude.input_value()}."
    )
    # Arrow keys move the map; Enter takes the new centre, further east.
    for _press in range(3):
        picker.press("ArrowRight")
    page.wait_for_timeout(400)
    picker.press("Enter")
    second = (float(latitude.input_value()), float(longitude.input_value()))
    assert second[1] > first[1]
    assert abs(second[0] - first[0]) < 0.01

    page.get_by_role("button", name="Ort entfernen").click()
    assert latitude.input_value() == "" and longitude.input_value() == ""
    picker.press("Enter")
    picked = (float(latitude.input_value()), float(longitude.input_value()))
    assert_accessible(page)

    page.wait_for_timeout(3200)  # the time trap
    page.get_by_role("button", name="Idee senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fast geschafft")
    idea = Idea.objects.get(title="Trinkbrunnen")
    assert (round(idea.latitude, 6), round(idea.longitude, 6)) == picked


def test_typed_coordinates_move_the_point_and_are_kept(live_server, cities, page):
    from smartcity.participation.models import Idea

    page.goto("/dortmund/ideen/neu/")
    fill_idea(page, "Sitzbänke")
    page.get_by_label("Breite (optional)").fill("51.5136")
    page.get_by_label("Länge (optional)").fill("7.4653")
    page.get_by_label("Länge (optional)").dispatch_event("change")
    expect(page.get_by_role("button", name="Ort entfernen")).to_be_visible()
    centre = page.evaluate("SmartCityPickMap.map.getCenter()")
    assert abs(centre["lat"] - 51.5136) < 1e-3 and abs(centre["lng"] - 7.4653) < 1e-3
    page.wait_for_timeout(3200)
    page.get_by_role("button", name="Idee senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fast geschafft")
    idea = Idea.objects.get(title="Sitzbänke")
    assert (idea.latitude, idea.longitude) == (51.5136, 7.4653)
