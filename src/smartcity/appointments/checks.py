"""What a request must satisfy before capacity is even looked at: a real start time, a name
and address, the limit per address and day. Raise :class:`BookingError` naming the field."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.appointments import calendar
from smartcity.appointments.models import Booking, Office, Service, setting


class BookingError(Exception):
    """A refused request; ``field`` names the input at fault, ``code`` is machine-readable."""

    def __init__(self, message: str, field: str = "__all__", code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def hold_minutes() -> int:
    return setting("HOLD_MINUTES", 10)


def max_per_email_per_day() -> int:
    return setting("MAX_PER_EMAIL_PER_DAY", 2)


def aware(start: dt.datetime) -> dt.datetime:
    """A start without a UTC offset is read as local time (Europe/Berlin)."""
    return timezone.make_aware(start) if timezone.is_naive(start) else start


def check_start(service: Service, office: Office, start: dt.datetime, now=None) -> None:
    """Refuse a start that is not offered here, in the past, on a closed day or off the grid."""
    now = now or timezone.now()
    if not office.is_active or not service.offices.filter(pk=office.pk).exists():
        raise BookingError(
            _("Diese Dienstleistung wird in dieser Dienststelle nicht angeboten."), "office"
        )
    start = aware(start)
    if start <= now:
        raise BookingError(_("Dieser Termin liegt in der Vergangenheit."), "start", "past")
    day = timezone.localdate(start)
    if day > timezone.localdate(now) + dt.timedelta(days=office.booking_days):
        raise BookingError(
            _("Termine sind höchstens %(days)s Tage im Voraus buchbar.")
            % {"days": office.booking_days},
            "start",
            "too_far",
        )
    reason = calendar.closed_reason(office, day)
    if reason:
        raise BookingError(
            _("An diesem Tag ist die Dienststelle geschlossen (%(reason)s).") % {"reason": reason},
            "start",
            "closed",
        )
    if start not in calendar.candidate_starts(office, service, day):
        raise BookingError(
            _("Zu dieser Uhrzeit beginnt kein Termin für diese Dienstleistung."), "start"
        )


def clean_person(name: str, email: str) -> tuple[str, str]:
    name = (name or "").strip()
    email = (email or "").strip()
    if not name:
        raise BookingError(_("Bitte geben Sie Ihren Namen an."), "name", "required")
    if len(name) > 150:
        raise BookingError(_("Der Name ist zu lang (höchstens 150 Zeichen)."), "name")
    try:
        validate_email(email)
    except ValidationError:
        raise BookingError(
            _("Bitte geben Sie eine gültige E-Mail-Adresse an."), "email", "invalid"
        ) from None
    local, _at, domain = email.rpartition("@")
    return name, f"{local}@{domain.lower()}"


def lock_email(email: str) -> None:
    """Serialise bookings of one address so the daily limit holds under concurrency."""
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(email.lower().encode()).digest()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
            )
    # SQLite: the IMMEDIATE transaction already serialises every writer.


def check_email_limit(email: str, day: dt.date, exclude: Booking | None = None) -> None:
    zone = timezone.get_current_timezone()
    day_start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    taken = Booking.objects.filter(
        email__iexact=email,
        status__in=[Booking.Status.CONFIRMED, Booking.Status.ATTENDED],
        start__gte=day_start,
        start__lt=day_start + dt.timedelta(days=1),
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    limit = max_per_email_per_day()
    if taken.count() >= limit:
        raise BookingError(
            _("Mit dieser E-Mail-Adresse sind an diesem Tag schon %(limit)s Termine gebucht.")
            % {"limit": limit},
            "email",
            "limit_reached",
        )
