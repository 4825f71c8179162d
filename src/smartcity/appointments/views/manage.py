"""Looking at, cancelling and moving a booking with the code and the secret key from the mail."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from smartcity.appointments import emails, services
from smartcity.appointments.models import Booking
from smartcity.appointments.views.booking import DAYS_SHOWN, offers, parse_choice


def _key(request) -> str:
    return request.POST.get("schluessel") or request.GET.get("schluessel") or ""


def _refused(request, error):
    return render(request, "appointments/refused.html", {"message": error.message}, status=403)


def manage(request, code):
    key = _key(request)
    try:
        booking = services.find_booking(code, key)
    except services.BookingError as error:
        return _refused(request, error)
    if request.method == "POST":
        try:
            booking = services.cancel(code, key)
        except services.BookingError as error:
            messages.error(request, error.message)
        else:
            emails.send_cancellation(booking)
            messages.success(request, _("Ihr Termin wurde storniert. Der Termin ist wieder frei."))
            return render(request, "appointments/cancelled.html", {"booking": booking})
    return render(
        request,
        "appointments/manage.html",
        {
            "booking": booking,
            "key": key,
            "changeable": booking.status == Booking.Status.CONFIRMED
            and booking.start > timezone.now(),
        },
    )


def move(request, code):
    key = _key(request)
    try:
        booking = services.find_booking(code, key)
    except services.BookingError as error:
        return _refused(request, error)
    if booking.status != Booking.Status.CONFIRMED or booking.start <= timezone.now():
        messages.error(request, _("Dieser Termin kann nicht mehr verschoben werden."))
        return redirect(emails.manage_url("", booking, key))
    if request.method == "POST":
        office, start = parse_choice(request.POST.get("choice"))
        if office is None or start is None:
            messages.error(request, _("Bitte wählen Sie eine Uhrzeit aus der Liste."))
        else:
            try:
                booking, new_key = services.move(code, key, office, start)
            except services.BookingError as error:
                messages.error(request, error.message)
            else:
                emails.send_confirmation(
                    booking, new_key, request.build_absolute_uri("/"), moved=True
                )
                messages.success(
                    request,
                    _("Ihr Termin wurde verschoben. Die neuen Links stehen in der neuen E-Mail."),
                )
                return redirect(emails.manage_url("", booking, new_key))
    offices = list(
        booking.service.offices.filter(is_active=True).prefetch_related("opening_hours", "closures")
    )
    today = timezone.localdate()
    by_day = offers(
        offices, booking.service, [today + dt.timedelta(days=n) for n in range(DAYS_SHOWN)]
    )
    try:
        day = dt.date.fromisoformat(request.GET.get("tag", ""))
    except ValueError:
        day = next(iter(by_day), None)
    return render(
        request,
        "appointments/move.html",
        {
            "booking": booking,
            "key": key,
            "days": [
                (d, len(times), "?" + urlencode({"schluessel": key, "tag": d.isoformat()}))
                for d, times in by_day.items()
            ],
            "day": day,
            "times": by_day.get(day, []),
        },
    )


def ics(request, code):
    """The appointment as a calendar file, with the same code and key as the manage page."""
    key = _key(request)
    try:
        booking = services.find_booking(code, key)
    except services.BookingError as error:
        return _refused(request, error)
    link = emails.manage_url(request.build_absolute_uri("/"), booking, key)
    response = HttpResponse(emails.ics_for(booking, link), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="termin-{booking.code}.ics"'
    response["Cache-Control"] = "no-store"
    return response
