"""Book an appointment end to end in Chromium, cancel it from the mail link, slot free again."""

import re

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS, FAIL_ON_REVIEW, describe

pytestmark = pytest.mark.browser


def assert_accessible(page):
    results = AXE.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe did not check anything"
    violations = results["violations"] + [
        result for result in results["incomplete"] if result["id"] in FAIL_ON_REVIEW
    ]
    assert not violations, f"WCAG violations on {page.url}:\n" + describe(violations)


@pytest.fixture
def office_and_service(cities):
    from smartcity.appointments.tests.factories import make_office, make_service

    office = make_office(cities["dortmund"], counters=1, name="Bürgerdienste Mitte")
    service = make_service(
        cities["dortmund"], [office], name="Personalausweis beantragen", slug="ausweis"
    )
    return office, service


def test_book_cancel_from_mail_and_slot_is_free_again(page, office_and_service):
    from smartcity.appointments.models import Booking
    from smartcity.appointments.tests.factories import next_open_day

    office, _service = office_and_service
    day = next_open_day()
    mail.outbox.clear()

    page.goto("/termine/")
    assert_accessible(page)
    page.get_by_role("link", name="Personalausweis beantragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personalausweis beantragen")
    assert_accessible(page)
    page.get_by_label("Bürgerdienste Mitte").check()
    page.get_by_role("button", name="Weiter zur Terminwahl").click()
    page.get_by_role("link", name=re.compile(day.strftime("%-d\\. "))).first.click()
    expect(page.get_by_role("button", name="09:00")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="09:00").click()

    expect(page.get_by_role("heading", name="Ihre Angaben")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_role("button", name="Termin verbindlich buchen").click()

    expect(page.get_by_role("heading", name="Ihr Termin")).to_be_visible()
    booking = Booking.objects.get()
    expect(page.locator("main")).to_contain_text(booking.code)
    assert_accessible(page)

    [message] = mail.outbox
    filename, content, mimetype = message.attachments[0]
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booking.start
    link = re.search(r"(http://\S+/termine/buchung/\S+)", message.body).group(1)

    # A fresh visitor (no session) opens the link from the mail and cancels.
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("button", name="Termin absagen").click()
    expect(page.get_by_role("heading", name="Termin storniert")).to_be_visible()
    assert_accessible(page)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED

    page.goto(f"/termine/dortmund/ausweis/zeit/?dienststelle={office.slug}&tag={day.isoformat()}")
    expect(page.get_by_role("button", name="09:00")).to_be_visible()

    # The key from the mail does not work a second time.
    page.goto(link)
    expect(page.get_by_role("button", name="Termin absagen")).to_have_count(0)


def test_staff_day_view_is_accessible(page, context, live_server, office_and_service, user):
    from smartcity.accounts.models import Membership
    from smartcity.accounts.roles import Role
    from smartcity.appointments import services
    from smartcity.appointments.tests.factories import at, next_open_day

    office, service = office_and_service
    day = next_open_day()
    services.book(service, office, at(day, 9), "Max Muster", "max@example.org")
    Membership.objects.create(user=user, city=office.city, role=Role.DEPARTMENT)
    log_in(context, user, live_server)
    page.goto(f"/termine/verwaltung/{office.pk}/{day.isoformat()}/")
    expect(page.locator("main")).to_contain_text("Max Muster")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("nicht erschienen")).click()
    expect(page.locator("main")).to_contain_text("nicht erschienen")
