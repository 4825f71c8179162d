"""The Atom feed parses with a feed parser, the iCalendar feed with icalendar."""

import feedparser
from icalendar import Calendar

from smartcity.news.models import Post
from smartcity.news.tests.factories import make_event, make_post, tag


def test_atom_feed_per_city_and_tag(client, cities):
    climate = tag("klima", "Klima")
    make_post(cities["dortmund"], [climate], title="Klimadaten")
    make_post(cities["dortmund"], title="Ohne Schlagwort")
    make_post(cities["dortmund"], title="Entwurf", status=Post.Status.DRAFT)
    make_post(cities["schwerte"], [climate], title="Aus Schwerte")

    response = client.get("/feeds/dortmund/aktuelles.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Klimadaten", "Ohne Schlagwort"]
    assert feed.entries[0].link.startswith("http://testserver/dortmund/aktuelles/")

    tagged = feedparser.parse(client.get("/feeds/dortmund/aktuelles/klima.atom").content)
    assert [entry.title for entry in tagged.entries] == ["Klimadaten"]
    assert client.get("/feeds/dortmund/aktuelles/gibtsnicht.atom").status_code == 404
    cached = client.get(
        "/feeds/dortmund/aktuelles.atom", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
    )
    assert cached.status_code == 304


def test_ical_feed_per_city_and_tag(client, cities):
    lab = tag("beteiligung", "Beteiligung")
    workshop = make_event(cities["dortmund"], [lab], title="Werkstatt im Lab")
    make_event(cities["dortmund"], title="Vortrag")
    make_event(cities["schwerte"], [lab], title="Lab in Schwerte")

    response = client.get("/feeds/dortmund/veranstaltungen.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert sorted(str(e["summary"]) for e in events) == ["Vortrag", "Werkstatt im Lab"]
    entry = next(e for e in events if str(e["summary"]) == "Werkstatt im Lab")
    assert entry.decoded("dtstart") == workshop.start
    assert entry.decoded("dtend") == workshop.end
    assert str(entry["url"]).endswith(workshop.get_absolute_url())
    assert "<p>" not in str(entry["description"])

    tagged = Calendar.from_ical(
        client.get("/feeds/dortmund/veranstaltungen/beteiligung.ics").content
    )
    assert [str(e["summary"]) for e in tagged.walk("VEVENT")] == ["Werkstatt im Lab"]


def test_single_event_calendar_file(client, cities):
    event = make_event(cities["dortmund"], title="Werkstatt", slug="werkstatt")
    page = client.get("/dortmund/veranstaltungen/werkstatt/").content.decode()
    assert "/dortmund/veranstaltungen/werkstatt/termin.ics" in page
    response = client.get("/dortmund/veranstaltungen/werkstatt/termin.ics")
    [entry] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["summary"]) == "Werkstatt" and entry.decoded("dtstart") == event.start
