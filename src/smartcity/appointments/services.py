"""Holding, booking, cancelling and moving appointments: the one place that changes capacity.

Every change runs in one transaction that first locks the :class:`Slot` rows it touches
(``SELECT … FOR UPDATE`` on PostgreSQL, in start order so two movers never deadlock; on SQLite
the transaction is ``IMMEDIATE`` and writers queue for the database lock). Under that lock the
free counters are counted and the :class:`SlotUse` rows written; their ``(slot, counter)``
uniqueness makes the database refuse a double booking even if this logic had a bug.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.appointments import calendar, checks
from smartcity.appointments.checks import BookingError as BookingError  # raised by all below
from smartcity.appointments.models import Booking, Hold, Office, Service, Slot, SlotUse, hash_key

# --- Capacity under lock ------------------------------------------------------------------------


def _lock_slots(pairs: list[tuple[Office, list[dt.datetime]]], now) -> list[Slot]:
    """Create missing slot rows, lock all of them in a fixed order and drop expired holds."""
    condition = Q(pk__in=[])
    for office, starts in pairs:
        Slot.objects.bulk_create(
            [
                Slot(office=office, start=start, capacity=office.counters_at(start))
                for start in starts
            ],
            ignore_conflicts=True,
        )
        condition |= Q(office=office, start__in=starts)
    slots = list(Slot.objects.select_for_update().filter(condition).order_by("office_id", "start"))
    # Expired holds free their counters; deleting them under the lock keeps counting honest.
    Hold.objects.filter(uses__slot__in=slots, expires_at__lte=now).delete()
    return slots


def _free_counter(slots: list[Slot], ignore_booking: Booking | None = None) -> int | None:
    """The lowest counter free in every one of ``slots``, or ``None``."""
    if any(slot.blocked for slot in slots):
        return None
    uses = SlotUse.objects.filter(slot__in=slots)
    if ignore_booking is not None:
        uses = uses.exclude(booking=ignore_booking)
    taken = set(uses.values_list("counter", flat=True))
    capacity = min(slot.capacity for slot in slots)
    return next((c for c in range(1, capacity + 1) if c not in taken), None)


def _slot_taken() -> BookingError:
    return BookingError(_("Dieser Termin ist leider schon vergeben."), "start", "slot_taken")


def _occupy(slots: list[Slot], counter: int, **owner) -> None:
    try:
        with transaction.atomic():
            SlotUse.objects.bulk_create([SlotUse(slot=s, counter=counter, **owner) for s in slots])
    except IntegrityError:
        # The unique (slot, counter) constraint: the last line of defence.
        raise _slot_taken() from None


# --- Operations ---------------------------------------------------------------------------------


def hold(service: Service, office: Office, start: dt.datetime, now=None) -> Hold:
    """Keep a slot for ``hold_minutes()`` while the person enters their details."""
    now = now or timezone.now()
    start = checks.aware(start)
    checks.check_start(service, office, start, now)
    starts = calendar.spanned_starts(office, service, start)
    with transaction.atomic():
        slots = _lock_slots([(office, starts)], now)
        counter = _free_counter(slots)
        if counter is None:
            raise _slot_taken()
        held = Hold.objects.create(
            token=Hold.new_token(),
            service=service,
            office=office,
            start=start,
            expires_at=now + dt.timedelta(minutes=checks.hold_minutes()),
        )
        _occupy(slots, counter, hold=held)
    return held


def _new_booking(service, office, start, counter, name, email) -> tuple[Booking, str]:
    key = secrets.token_urlsafe(24)
    for _attempt in range(5):
        code = Booking.new_code()
        if not Booking.objects.filter(code=code).exists():
            break
    booking = Booking.objects.create(
        code=code,
        key_hash=hash_key(key),
        service=service,
        office=office,
        start=start,
        end=calendar.appointment_end(office, service, start),
        counter=counter,
        name=name,
        email=email,
    )
    return booking, key


def book(
    service: Service,
    office: Office,
    start: dt.datetime,
    name: str,
    email: str,
    now=None,
) -> tuple[Booking, str]:
    """Book a free slot directly. Returns the booking and its secret key (shown once)."""
    now = now or timezone.now()
    start = checks.aware(start)
    name, email = checks.clean_person(name, email)
    checks.check_start(service, office, start, now)
    starts = calendar.spanned_starts(office, service, start)
    with transaction.atomic():
        checks.lock_email(email)
        checks.check_email_limit(email, timezone.localdate(start))
        slots = _lock_slots([(office, starts)], now)
        counter = _free_counter(slots)
        if counter is None:
            raise _slot_taken()
        booking, key = _new_booking(service, office, start, counter, name, email)
        _occupy(slots, counter, booking=booking)
    return booking, key


def confirm_hold(token: str, name: str, email: str, now=None) -> tuple[Booking, str]:
    """Turn a hold into a booking, if it has not expired."""
    now = now or timezone.now()
    name, email = checks.clean_person(name, email)
    expired = BookingError(
        _("Ihre Reservierung ist abgelaufen. Bitte wählen Sie den Termin erneut."),
        "hold",
        "hold_expired",
    )
    held = Hold.objects.select_related("service", "office").filter(token=token).first()
    if held is None or held.expires_at <= now:
        raise expired
    starts = calendar.spanned_starts(held.office, held.service, held.start)
    with transaction.atomic():
        checks.lock_email(email)
        checks.check_email_limit(email, timezone.localdate(held.start))
        _lock_slots([(held.office, starts)], now)
        # Re-read under the lock: another request may have let it expire or used it.
        held = Hold.objects.filter(pk=held.pk, expires_at__gt=now).first()
        uses = list(SlotUse.objects.filter(hold=held)) if held else []
        if not uses:
            raise expired
        booking, key = _new_booking(
            held.service, held.office, held.start, uses[0].counter, name, email
        )
        SlotUse.objects.filter(hold=held).update(hold=None, booking=booking)
        held.delete()
    return booking, key


def release_hold(token: str) -> None:
    Hold.objects.filter(token=token).delete()


def find_booking(code: str, key: str) -> Booking:
    """The booking with ``code`` if ``key`` is its current key; one answer for both mistakes."""
    booking = (
        Booking.objects.select_related("service", "office", "office__city")
        .filter(code=(code or "").strip().upper())
        .first()
    )
    if booking is None or not booking.key_matches(key):
        raise BookingError(
            _("Buchungscode oder Schlüssel stimmt nicht. Bitte nutzen Sie den E-Mail-Link."),
            "key",
            "wrong_key",
        )
    return booking


def _check_changeable(booking: Booking, now) -> None:
    if booking.status == Booking.Status.CANCELLED:
        raise BookingError(_("Dieser Termin wurde bereits storniert."), "code", "cancelled")
    if booking.status != Booking.Status.CONFIRMED or booking.start <= now:
        raise BookingError(
            _("Dieser Termin liegt in der Vergangenheit und kann nicht mehr geändert werden."),
            "code",
            "past",
        )


def cancel(code: str, key: str, now=None) -> Booking:
    """Cancel and free the slot; the key stops working (a second use is refused)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = find_booking(code, key)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        _check_changeable(booking, now)
        SlotUse.objects.filter(booking=booking).delete()
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status"])
    return booking


def move(code: str, key: str, office: Office, start: dt.datetime, now=None) -> tuple[Booking, str]:
    """Move to another time (and office): the old slot is freed only once the new one is held.

    Returns the booking and its new key; the old key stops working.
    """
    now = now or timezone.now()
    start = checks.aware(start)
    booking = find_booking(code, key)
    _check_changeable(booking, now)
    service = booking.service
    checks.check_start(service, office, start, now)
    old_starts = calendar.spanned_starts(booking.office, service, booking.start)
    new_starts = calendar.spanned_starts(office, service, start)
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if not booking.key_matches(key):
            raise BookingError(_("Dieser Schlüssel ist nicht mehr gültig."), "key", "wrong_key")
        _check_changeable(booking, now)
        checks.lock_email(booking.email)
        checks.check_email_limit(booking.email, timezone.localdate(start), exclude=booking)
        slots = _lock_slots([(booking.office, old_starts), (office, new_starts)], now)
        targets = [
            slot for slot in slots if slot.office_id == office.pk and slot.start in new_starts
        ]
        counter = _free_counter(targets, ignore_booking=booking)
        if counter is None:
            raise _slot_taken()  # the old appointment stays as it was
        SlotUse.objects.filter(booking=booking).delete()
        _occupy(targets, counter, booking=booking)
        new_key = secrets.token_urlsafe(24)
        booking.office = office
        booking.start = start
        booking.end = calendar.appointment_end(office, service, start)
        booking.counter = counter
        booking.key_hash = hash_key(new_key)
        booking.reminded_at = None
        booking.save()
    return booking, new_key


# --- Staff ------------------------------------------------------------------------------------


def mark(booking: Booking, status: str) -> Booking:
    if status not in (Booking.Status.ATTENDED, Booking.Status.MISSED, Booking.Status.CONFIRMED):
        raise BookingError(_("Unbekannter Status."), "status")
    if booking.status == Booking.Status.CANCELLED:
        raise BookingError(_("Dieser Termin wurde storniert."), "status", "cancelled")
    booking.status = status
    booking.save(update_fields=["status"])
    return booking


def cancel_by_staff(booking: Booking) -> Booking:
    """The office cancels (e.g. the person called); frees the counters like a self-cancel."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status == Booking.Status.CANCELLED:
            raise BookingError(_("Dieser Termin wurde bereits storniert."), "code", "cancelled")
        SlotUse.objects.filter(booking=booking).delete()
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status"])
    return booking


def set_blocked(office: Office, start: dt.datetime, blocked: bool) -> Slot:
    """Block (or free again) one slot for new bookings; existing bookings stay."""
    with transaction.atomic():
        Slot.objects.bulk_create(
            [Slot(office=office, start=start, capacity=office.counters_at(start))],
            ignore_conflicts=True,
        )
        slot = Slot.objects.select_for_update().get(office=office, start=start)
        slot.blocked = blocked
        slot.save(update_fields=["blocked"])
    return slot


def purge_expired_holds(now=None) -> int:
    count, _detail = Hold.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return count
