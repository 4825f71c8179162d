"""Registering for events: capacity and waiting list, moving up when someone cancels."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.news.models import Event, Registration


class RegistrationError(Exception):
    def __init__(self, message: str, field: str = "__all__", code: str = "invalid"):
        super().__init__(message)
        self.message, self.field, self.code = message, field, code


def register(event: Event, name: str, email: str) -> tuple[Registration, str]:
    """A place if one is free, else the waiting list. Returns the registration and its key."""
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name:
        raise RegistrationError(_("Bitte geben Sie Ihren Namen an."), "name", "required")
    try:
        validate_email(email)
    except ValidationError:
        raise RegistrationError(
            _("Bitte geben Sie eine gültige E-Mail-Adresse an."), "email"
        ) from None
    if not event.has_registration:
        raise RegistrationError(_("Für diese Veranstaltung gibt es keine Anmeldung hier."))
    if event.end <= timezone.now():
        raise RegistrationError(_("Diese Veranstaltung ist vorbei."), "event", "past")
    with transaction.atomic():
        # The event row is the lock: registrations for one event queue up here.
        event = Event.objects.select_for_update().get(pk=event.pk)
        active = event.registrations.exclude(status=Registration.Status.CANCELLED)
        if active.filter(email__iexact=email).exists():
            raise RegistrationError(
                _("Mit dieser E-Mail-Adresse sind Sie schon angemeldet."), "email", "duplicate"
            )
        confirmed = active.filter(status=Registration.Status.CONFIRMED).count()
        status = (
            Registration.Status.CONFIRMED
            if confirmed < event.capacity
            else Registration.Status.WAITING
        )
        key, digest = Registration.new_key()
        registration = Registration.objects.create(
            event=event, name=name, email=email, status=status, key_hash=digest
        )
    return registration, key


def cancel(registration_id: int, key: str) -> tuple[Registration, Registration | None]:
    """Cancel; the first on the waiting list moves up. Returns (cancelled, moved up or None)."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_related("event").filter(pk=registration_id).first()
        )
        if registration is None or not registration.key_matches(key):
            raise RegistrationError(_("Der Link ist ungültig."), "key", "wrong_key")
        Event.objects.select_for_update().get(pk=registration.event_id)
        registration.refresh_from_db()
        if registration.status == Registration.Status.CANCELLED:
            raise RegistrationError(_("Sie sind bereits abgemeldet."), "key", "cancelled")
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status"])
        moved_up = None
        if was_confirmed:
            moved_up = registration.event.registrations.filter(
                status=Registration.Status.WAITING
            ).first()
            if moved_up:
                moved_up.status = Registration.Status.CONFIRMED
                moved_up.save(update_fields=["status"])
    return registration, moved_up


def counts(event: Event) -> dict[str, int]:
    regs = event.registrations
    return {
        "confirmed": regs.filter(status=Registration.Status.CONFIRMED).count(),
        "waiting": regs.filter(status=Registration.Status.WAITING).count(),
    }
