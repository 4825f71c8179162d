"""Periodic jobs: reminders the day before, anonymising old bookings, dropping stale holds."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from smartcity.appointments import emails, services
from smartcity.appointments.models import Booking, setting

logger = logging.getLogger(__name__)


def anonymise_after_days() -> int:
    return setting("ANONYMISE_AFTER_DAYS", 30)


def send_reminders(now=None) -> int:
    """Remind everyone whose appointment is tomorrow (local time) and was not reminded yet."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    first = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=zone)
    due = Booking.objects.select_related("service", "office").filter(
        status=Booking.Status.CONFIRMED,
        reminded_at__isnull=True,
        start__gte=first,
        start__lt=first + dt.timedelta(days=1),
    )
    sent = 0
    for booking in due:
        try:
            emails.send_reminder(booking)
        except Exception:  # one bad address must not stop the others; retried next run
            logger.exception("reminder for booking %s failed", booking.pk)
            continue
        Booking.objects.filter(pk=booking.pk).update(reminded_at=now)
        sent += 1
    return sent


@transaction.atomic
def anonymise_old_bookings(now=None) -> int:
    """Remove name and address of bookings that ended more than N days ago (DSGVO)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=anonymise_after_days())
    return Booking.objects.filter(end__lt=cutoff, anonymised_at__isnull=True).update(
        name="", email="", key_hash="", anonymised_at=now
    )


def purge_expired_holds(now=None) -> int:
    return services.purge_expired_holds(now)
