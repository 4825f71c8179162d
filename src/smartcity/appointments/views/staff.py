"""The office's day: appointments per counter, attended/missed, blocking slots, CSV export."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.appointments import calendar, emails, services
from smartcity.appointments.models import Booking, Office, Slot
from smartcity.appointments.views.booking import parse_start

PERMISSION = "appointments.manage_office"


def _office(request, office_id) -> Office:
    office = get_object_or_404(Office.objects.select_related("city"), pk=office_id)
    if not request.user.has_perm(PERMISSION, office.city):
        raise PermissionDenied
    return office


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return timezone.localdate()


def _day_bookings(office, day):
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return (
        Booking.objects.filter(
            office=office, start__gte=first, start__lt=first + dt.timedelta(days=1)
        )
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("service")
        .order_by("start", "counter")
    )


@login_required
def offices(request):
    visible = [
        office
        for office in Office.objects.select_related("city").filter(is_active=True)
        if request.user.has_perm(PERMISSION, office.city)
    ]
    if not visible:
        raise PermissionDenied
    return render(
        request,
        "appointments/staff/offices.html",
        {"offices": visible, "today": timezone.localdate()},
    )


@login_required
def day_view(request, office_id, day):
    office = _office(request, office_id)
    day = _day(day)
    if request.method == "POST":
        return _act(request, office, day)
    bookings = list(_day_bookings(office, day))
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    blocked = set(
        Slot.objects.filter(
            office=office, blocked=True, start__gte=first, start__lt=first + dt.timedelta(days=1)
        ).values_list("start", flat=True)
    )
    step = dt.timedelta(minutes=office.slot_minutes)
    rows = []
    for hours in office.opening_hours.all():
        if hours.weekday != day.weekday():
            continue
        start = dt.datetime.combine(day, hours.opens, tzinfo=zone)
        while start + step <= dt.datetime.combine(day, hours.closes, tzinfo=zone):
            rows.append((start, start in blocked))
            start += step
    counters = [
        (number, [b for b in bookings if b.counter == number])
        for number in range(1, max([office.counters] + [b.counter for b in bookings]) + 1)
    ]
    return render(
        request,
        "appointments/staff/day.html",
        {
            "office": office,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "counters": counters,
            "slots": rows,
            "closed_reason": calendar.closed_reason(office, day),
        },
    )


def _act(request, office, day):
    action = request.POST.get("action", "")
    if "block" in request.POST or "unblock" in request.POST:
        action = "block" if "block" in request.POST else "unblock"
    try:
        if action in ("attended", "missed", "confirmed", "cancel"):
            booking = get_object_or_404(Booking, pk=request.POST.get("booking"), office=office)
            if action == "cancel":
                services.cancel_by_staff(booking)
                emails.send_cancellation(booking)
            else:
                services.mark(booking, action)
            messages.success(request, _("Termin %(code)s gespeichert.") % {"code": booking.code})
        elif action in ("block", "unblock"):
            start = parse_start(request.POST.get(action))
            if start is None or timezone.localdate(start) != day:
                raise services.BookingError(_("Bitte wählen Sie ein Zeitfenster dieses Tages."))
            services.set_blocked(office, start, action == "block")
            messages.success(request, _("Zeitfenster gespeichert."))
        else:
            messages.error(request, _("Unbekannte Aktion."))
    except services.BookingError as error:
        messages.error(request, error.message)
    return redirect("appointments:staff_day", office_id=office.pk, day=day.isoformat())


@login_required
def day_csv(request, office_id, day):
    office = _office(request, office_id)
    day = _day(day)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termine-{office.slug}-{day}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the umlauts as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Beginn"),
            _("Ende"),
            _("Schalter"),
            _("Buchungscode"),
            _("Dienstleistung"),
            _("Name"),
            _("E-Mail"),
            _("Status"),
        ]
    )
    for booking in _day_bookings(office, day):
        writer.writerow(
            [
                f"{timezone.localtime(booking.start):%H:%M}",
                f"{timezone.localtime(booking.end):%H:%M}",
                booking.counter,
                booking.code,
                booking.service.name,
                booking.name,
                booking.email,
                booking.get_status_display(),
            ]
        )
    return response
