"""News and events pages in Chromium: accessible, and the events feed can be subscribed to."""

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.test_appointments_booking import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def content(cities):
    from smartcity.news.models import Event
    from smartcity.news.tests.factories import make_event, make_post, tag

    lab = tag("beteiligung", "Beteiligung")
    post = make_post(cities["dortmund"], [lab], title="Neue Sensoren", slug="sensoren")
    event = make_event(
        cities["dortmund"],
        [lab],
        title="Werkstatt im Smart City Lab",
        slug="werkstatt",
        category=Event.Category.PARTICIPATION,
        capacity=1,
    )
    return post, event


def test_news_and_event_pages_are_accessible(page, content):
    for path in [
        "/dortmund/aktuelles/",
        "/dortmund/aktuelles/sensoren/",
        "/dortmund/veranstaltungen/",
        "/dortmund/veranstaltungen/?kategorie=participation",
        "/dortmund/veranstaltungen/werkstatt/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page)


def test_register_for_an_event_then_waiting_list(page, content):
    page.goto("/dortmund/veranstaltungen/werkstatt/")
    page.get_by_label("Name").fill("Erika")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".messages")).to_contain_text("Sie sind angemeldet")
    page.get_by_label("Name").fill("Max")
    page.get_by_label("E-Mail-Adresse").fill("max@example.org")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".messages")).to_contain_text("Warteliste")
    assert_accessible(page)


def test_subscribe_to_the_events_feed(page, content):
    _post, event = content
    page.goto("/dortmund/veranstaltungen/")
    link = page.get_by_role("link", name="Veranstaltungen im Kalender abonnieren (iCal)")
    href = link.get_attribute("href")
    assert href == "/feeds/dortmund/veranstaltungen.ics"
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.body())
    [entry] = calendar.walk("VEVENT")
    assert str(entry["summary"]) == "Werkstatt im Smart City Lab"
    assert entry.decoded("dtstart") == event.start

    page.get_by_role("link", name="Beteiligung").first.click()
    tagged = page.get_by_role("link", name="Veranstaltungen im Kalender abonnieren (iCal)")
    assert tagged.get_attribute("href") == "/feeds/dortmund/veranstaltungen/beteiligung.ics"
