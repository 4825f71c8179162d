"""The booking flow through the web pages, the mails, the manage link and the staff day view."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from smartcity.accounts.models import Membership
from smartcity.accounts.roles import Role
from smartcity.appointments import calendar
from smartcity.appointments.models import Booking, Hold, Slot
from smartcity.appointments.tests.factories import at, make_office, make_service, next_open_day


@pytest.fixture
def office(cities):
    return make_office(cities["dortmund"], counters=1, name="Bürgerdienste Mitte")


@pytest.fixture
def service(cities, office):
    return make_service(cities["dortmund"], [office], name="Personalausweis", slug="ausweis")


def choose(office, start):
    return f"{office.pk}|{timezone.localtime(start).isoformat()}"


def book_through_pages(client, office, service, start, email="erika@example.org"):
    response = client.post(
        f"/termine/dortmund/{service.slug}/reservieren/", {"choice": choose(office, start)}
    )
    assert response.status_code == 302, response.content
    details_url = response["Location"]
    return client.post(details_url, {"name": "Erika Muster", "email": email, "action": "book"})


def test_service_office_and_time_pages(client, office, service):
    assert "Personalausweis" in client.get("/termine/").content.decode()
    page = client.get("/termine/dortmund/ausweis/").content.decode()
    assert "Bürgerdienste Mitte" in page and "frühester freier Termin" in page
    day = next_open_day()
    page = client.get(
        f"/termine/dortmund/ausweis/zeit/?dienststelle=alle&tag={day.isoformat()}"
    ).content.decode()
    assert choose(office, at(day, 8)) in page
    assert "Frühester freier Termin" in page
    today = timezone.localdate()
    expected = next(
        starts[0][0]
        for offset in range(30)
        if (starts := calendar.available_starts(office, service, today + dt.timedelta(offset)))
    )
    choice = re.search(r'value="([^"]+)">Frühesten Termin nehmen', page).group(1)
    earliest = client.post("/termine/dortmund/ausweis/reservieren/", {"choice": choice})
    assert earliest.status_code == 302
    assert Hold.objects.get().start == expected


def test_booking_mails_ics_and_the_cancel_link_frees_the_slot(client, office, service):
    day = next_open_day()
    start = at(day, 9)
    response = book_through_pages(client, office, service, start)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.start == start and not Hold.objects.exists()

    [message] = mail.outbox
    assert booking.code in message.subject and message.to == ["erika@example.org"]
    link = re.search(r"http://testserver(/termine/buchung/\S+)", message.body).group(1)
    filename, content, mimetype = message.attachments[0]
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start
    assert booking.code in str(event["description"])

    page = client.get(link).content.decode()
    assert booking.code in page and "Termin absagen" in page
    key = link.split("schluessel=")[1]
    download = client.get(f"/termine/buchung/{booking.code}/termin.ics?schluessel={key}")
    assert Calendar.from_ical(download.content).walk("VEVENT")[0].decoded("dtstart") == start
    assert client.get(f"/termine/buchung/{booking.code}/termin.ics?schluessel=x").status_code == 403
    key = link.split("schluessel=")[1]
    client.post(link, {"schluessel": key})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    day_page = client.get(f"/termine/dortmund/ausweis/zeit/?dienststelle=alle&tag={day}")
    assert choose(office, start) in day_page.content.decode()
    # The link does not work twice.
    again = client.post(link, {"schluessel": key}, follow=True).content.decode()
    assert "bereits storniert" in again


def test_wrong_key_is_refused(client, office, service):
    book_through_pages(client, office, service, at(next_open_day(), 9))
    booking = Booking.objects.get()
    response = client.get(f"/termine/buchung/{booking.code}/?schluessel=geraten")
    assert response.status_code == 403
    assert "Schlüssel stimmt nicht" in response.content.decode()


def test_taken_time_shows_a_clear_message(client, office, service):
    start = at(next_open_day(), 9)
    book_through_pages(client, office, service, start, email="a@example.org")
    response = client.post(
        "/termine/dortmund/ausweis/reservieren/", {"choice": choose(office, start)}, follow=True
    )
    assert "schon vergeben" in response.content.decode()


def test_move_through_the_manage_link(client, office, service):
    day = next_open_day()
    book_through_pages(client, office, service, at(day, 9))
    link = re.search(r"http://testserver(/termine/buchung/\S+)", mail.outbox[0].body).group(1)
    code = Booking.objects.get().code
    key = link.split("schluessel=")[1]
    move_url = f"/termine/buchung/{code}/verschieben/?schluessel={key}&tag={day}"
    assert choose(office, at(day, 10)) in client.get(move_url).content.decode()
    response = client.post(move_url, {"schluessel": key, "choice": choose(office, at(day, 10))})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.start == at(day, 10)
    assert len(mail.outbox) == 2 and "verschoben" in mail.outbox[1].subject
    assert client.get(link).status_code == 403  # the old key is spent
    new_link = re.search(r"http://testserver(/termine/buchung/\S+)", mail.outbox[1].body).group(1)
    new_key = new_link.split("schluessel=")[1]
    client.post(new_link, {"schluessel": new_key})  # cancel
    refused = client.get(f"/termine/buchung/{code}/verschieben/?schluessel={new_key}", follow=True)
    assert "nicht mehr verschoben" in refused.content.decode()


def test_staff_day_view(client, cities, office, service, django_user_model):
    """Marks attended, blocks a slot, exports CSV; only for department staff of the city."""
    day = next_open_day()
    book_through_pages(client, office, service, at(day, 9))
    booking = Booking.objects.get()
    url = f"/termine/verwaltung/{office.pk}/{day}/"

    citizen = django_user_model.objects.create_user("bürger", "b@example.org", "x")
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(url).status_code == 403

    clerk = django_user_model.objects.create_user("amt", "amt@example.org", "x")
    Membership.objects.create(user=clerk, city=cities["dortmund"], role=Role.DEPARTMENT)
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(url).content.decode()
    assert booking.code in page and "Erika Muster" in page
    client.post(url, {"booking": booking.pk, "action": "attended"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED

    block_at = timezone.localtime(at(day, 11)).isoformat()
    client.post(url, {"block": block_at})
    assert Slot.objects.get(office=office, start=at(day, 11)).blocked
    csv_text = client.get(f"{url}liste.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Beginn;Ende;Schalter")
    assert f"09:00;09:15;1;{booking.code};Personalausweis;Erika Muster" in csv_text

    client.post(url, {"booking": booking.pk, "action": "cancel"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and not booking.uses.exists()
    assert "storniert" in mail.outbox[-1].subject

    csv_text = client.get(f"{url}liste.csv").content.decode("utf-8-sig")
    assert booking.code not in csv_text  # the day list leaves cancelled bookings out

    # Department staff of another city may not open this office's day.
    Membership.objects.filter(user=clerk).update(city=cities["schwerte"])
    clerk = django_user_model.objects.get(pk=clerk.pk)
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(url).status_code == 403


def test_choosing_another_time_releases_the_previous_hold(client, office, service):
    day = next_open_day()
    for hour in (9, 10, 11):
        client.post(
            "/termine/dortmund/ausweis/reservieren/", {"choice": choose(office, at(day, hour))}
        )
    [held] = Hold.objects.all()
    assert held.start == at(day, 11)
