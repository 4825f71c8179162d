"""Bookings are made without an account; a user's export lists those under their address."""

from django.utils import timezone

from smartcity.appointments.models import Booking


def export(user) -> list[dict]:
    if not user.email:
        return []
    return [
        {
            "code": booking.code,
            "service": booking.service.name,
            "office": booking.office.name,
            "start": booking.start.isoformat(),
            "status": booking.status,
            "name": booking.name,
            "email": booking.email,
        }
        for booking in Booking.objects.filter(email__iexact=user.email).select_related(
            "service", "office"
        )
    ]


def erase(user) -> None:
    # Past appointments under the address are anonymised now; future ones stay bookable and
    # cancellable from their e-mail link and are anonymised after the appointment as usual.
    if user.email:
        Booking.objects.filter(email__iexact=user.email, end__lt=timezone.now()).update(
            name="", email="", key_hash="", anonymised_at=timezone.now()
        )
