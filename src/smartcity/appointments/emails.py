"""The e-mails about a booking: confirmation (with an .ics file) and the reminder."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from smartcity.appointments.models import Booking


def manage_url(base_url: str, booking: Booking, key: str) -> str:
    path = reverse("appointments:manage", kwargs={"code": booking.code})
    return f"{base_url.rstrip('/')}{path}?schluessel={key}"


def ics_for(booking: Booking, manage_link: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Smart City Dortmund Schwerte//Terminbuchung//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.code}@termine.smartcity")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", booking.start)
    event.add("dtend", booking.end)
    event.add("summary", f"{booking.service.name} – {booking.office.name}")
    event.add("location", f"{booking.office.name}, {booking.office.address}")
    description = _("Buchungscode: %(code)s") % {"code": booking.code}
    if manage_link:
        description += "\n" + _("Absagen oder verschieben: %(url)s") % {"url": manage_link}
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()


def send_confirmation(booking: Booking, key: str, base_url: str, moved: bool = False) -> None:
    link = manage_url(base_url, booking, key)
    context = {"booking": booking, "manage_url": link, "moved": moved}
    subject = (
        _("Ihr Termin wurde verschoben: %(code)s") if moved else _("Ihr Termin: %(code)s")
    ) % {"code": booking.code}
    message = EmailMessage(
        subject,
        render_to_string("appointments/email/confirmation.txt", context),
        to=[booking.email],
    )
    message.attach(f"termin-{booking.code}.ics", ics_for(booking, link), "text/calendar")
    message.send()


def send_cancellation(booking: Booking) -> None:
    EmailMessage(
        _("Ihr Termin wurde storniert: %(code)s") % {"code": booking.code},
        render_to_string("appointments/email/cancelled.txt", {"booking": booking}),
        to=[booking.email],
    ).send()


def send_reminder(booking: Booking) -> None:
    EmailMessage(
        _("Erinnerung an Ihren Termin morgen: %(code)s") % {"code": booking.code},
        render_to_string("appointments/email/reminder.txt", {"booking": booking}),
        to=[booking.email],
    ).send()
