"""The booking flow: service → office (or any, earliest) → day → time → hold → details."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcity.appointments import calendar, emails, jobs, services
from smartcity.appointments.forms import PersonForm
from smartcity.appointments.models import Hold, Office, Service
from smartcity.core.models import City

ANY_OFFICE = "alle"
DAYS_SHOWN = 21
SESSION_HOLD = "appointments_hold"


def _offices(service: Service):
    return service.offices.filter(is_active=True).prefetch_related("opening_hours", "closures")


def _service(city_slug: str, service_slug: str) -> Service:
    return get_object_or_404(
        Service.objects.select_related("city"), city__slug=city_slug, slug=service_slug
    )


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_choice(value: str | None) -> tuple[Office | None, dt.datetime | None]:
    """A time button's value: ``<office id>|<ISO start>``."""
    office_id, _sep, start = (value or "").partition("|")
    office = Office.objects.filter(pk=office_id).first() if office_id.isdigit() else None
    return office, parse_start(start)


def parse_start(value: str | None) -> dt.datetime | None:
    try:
        start = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return timezone.make_aware(start) if timezone.is_naive(start) else start


def offers(offices, service, days) -> dict[dt.date, list[tuple[dt.datetime, Office]]]:
    """Free start times per day, each with the first office (in name order) that has it."""
    result: dict[dt.date, dict[dt.datetime, Office]] = {}
    days = list(days)
    by_office = [
        (office, calendar.available_starts_by_day(office, service, days)) for office in offices
    ]
    for day in days:
        for office, by_day in by_office:
            for start, _free in by_day[day]:
                result.setdefault(day, {}).setdefault(start, office)
    return {day: sorted(times.items()) for day, times in sorted(result.items())}


def index(request):
    cities = City.objects.prefetch_related(
        Prefetch("appointment_services", Service.objects.filter(offices__is_active=True).distinct())
    )
    return render(request, "appointments/index.html", {"cities": cities})


def choose_office(request, city, service):
    service = _service(city, service)
    return render(
        request,
        "appointments/choose_office.html",
        {"service": service, "offices": _offices(service), "any_office": ANY_OFFICE},
    )


def choose_time(request, city, service):
    service = _service(city, service)
    offices = list(_offices(service))
    wanted = request.GET.get("dienststelle", ANY_OFFICE)
    if wanted != ANY_OFFICE:
        offices = [office for office in offices if office.slug == wanted]
        if not offices:
            raise Http404
    today = timezone.localdate()
    days = [today + dt.timedelta(days=n) for n in range(DAYS_SHOWN)]
    by_day = offers(offices, service, days)
    day = _parse_day(request.GET.get("tag"))
    if day is None and by_day:
        day = next(iter(by_day))
    earliest = next(iter(by_day.values()))[0] if by_day else None
    return render(
        request,
        "appointments/choose_time.html",
        {
            "service": service,
            "office": offices[0] if wanted != ANY_OFFICE else None,
            "office_param": wanted,
            "days": [
                (d, len(times), "?" + urlencode({"dienststelle": wanted, "tag": d.isoformat()}))
                for d, times in by_day.items()
            ],
            "day": day,
            "times": by_day.get(day, []),
            "earliest": earliest,
            "closed_reason": (
                calendar.closed_reason(offices[0], day)
                if day and wanted != ANY_OFFICE and day not in by_day
                else None
            ),
        },
    )


@require_POST
def hold(request, city, service):
    service = _service(city, service)
    office, start = parse_choice(request.POST.get("choice"))
    back = reverse("appointments:time", kwargs={"city": city, "service": service.slug})
    if office is None or start is None:
        messages.error(request, _("Bitte wählen Sie eine Uhrzeit aus der Liste."))
        return redirect(back)
    # One hold per visitor: choosing another time releases the previous one, so nobody
    # blocks a whole morning by clicking through the times.
    previous = request.session.get(SESSION_HOLD)
    if previous:
        services.release_hold(previous)
    try:
        held = services.hold(service, office, start)
    except services.BookingError as error:
        messages.error(request, error.message)
        query = urlencode({"dienststelle": office.slug, "tag": timezone.localdate(start)})
        return redirect(f"{back}?{query}")
    request.session[SESSION_HOLD] = held.token
    return redirect("appointments:details", token=held.token)


def details(request, token):
    held = Hold.objects.select_related("service__city", "office").filter(token=token).first()
    if held is None or held.is_expired:
        messages.error(
            request, _("Ihre Reservierung ist abgelaufen. Bitte wählen Sie den Termin erneut.")
        )
        return redirect("appointments:index")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "release":
        services.release_hold(token)
        messages.info(request, _("Die Reservierung wurde aufgehoben."))
        return redirect(
            "appointments:office", city=held.service.city.slug, service=held.service.slug
        )
    if request.method == "POST" and form.is_valid():
        try:
            booking, key = services.confirm_hold(
                token, form.cleaned_data["name"], form.cleaned_data["email"]
            )
        except services.BookingError as error:
            if error.code == "hold_expired":
                messages.error(request, error.message)
                return redirect("appointments:index")
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            emails.send_confirmation(booking, key, request.build_absolute_uri("/"))
            messages.success(
                request, _("Ihr Termin ist gebucht. Wir haben Ihnen eine Bestätigung geschickt.")
            )
            return redirect(emails.manage_url("", booking, key))
    return render(
        request,
        "appointments/details.html",
        {
            "hold": held,
            "form": form,
            "end": calendar.appointment_end(held.office, held.service, held.start),
            "anonymise_days": jobs.anonymise_after_days(),
        },
    )
