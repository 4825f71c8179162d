"""Appointment booking for the city app: services, offices, free slots, holds and bookings.

Booking code plus secret key (from the confirmation) open a booking; the key goes in the
``X-Booking-Key`` header for reading and in the body for cancelling and moving.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Router
from ninja.responses import Status

from smartcity.appointments import calendar, emails, services
from smartcity.appointments.models import Office, Service
from smartcity.appointments.schemas import (
    BookingCreated,
    BookingIn,
    BookingOut,
    HoldIn,
    HoldOut,
    KeyIn,
    MoveIn,
    OfficeOut,
    OfficePage,
    ServiceOut,
    ServicePage,
    SlotList,
)
from smartcity.core.api_errors import error_response
from smartcity.core.conditional import json_with_etag, paged
from smartcity.core.pagination import MAX_PAGE_SIZE

router = Router(tags=["Terminbuchung"])
MAX_SLOT_DAYS = 14
STATUS_OF = {"slot_taken": 409, "cancelled": 409, "hold_expired": 409, "wrong_key": 404}
CODE_OF = {409: "conflict", 404: "not_found", 400: "validation_error"}
ERRORS = {400: dict, 404: dict, 409: dict}


def refused(error: services.BookingError):
    status = STATUS_OF.get(error.code, 400)
    return error_response(status, CODE_OF[status], error.message, {error.field: [error.message]})


def _bad(field: str, message: str):
    return error_response(400, "validation_error", message, {field: [message]})


def _services(city: str | None):
    queryset = Service.objects.select_related("city").prefetch_related("offices")
    return queryset.filter(city__slug=city) if city else queryset


@router.get("/appointments/services", response=ServicePage, summary="Dienstleistungen")
def list_services(request, city: str | None = None, page: int = 1, page_size: int = 50):
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    return json_with_etag(
        request, paged(request, _services(city), ServiceOut, max(page, 1), page_size)
    )


@router.get(
    "/appointments/services/{service_id}", response=ServiceOut, summary="Eine Dienstleistung"
)
def get_service(request, service_id: int):
    service = get_object_or_404(_services(None), pk=service_id)
    return json_with_etag(request, ServiceOut.model_validate(service).model_dump(mode="json"))


@router.get("/appointments/offices", response=OfficePage, summary="Dienststellen")
def list_offices(
    request, city: str | None = None, service: int | None = None, page: int = 1, page_size: int = 50
):
    offices = Office.objects.filter(is_active=True).select_related("city")
    offices = offices.prefetch_related("opening_hours")
    if city:
        offices = offices.filter(city__slug=city)
    if service:
        offices = offices.filter(services__pk=service)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    return json_with_etag(request, paged(request, offices, OfficeOut, max(page, 1), page_size))


@router.get(
    "/appointments/slots",
    response={200: SlotList, 400: dict, 404: dict},
    summary="Freie Termine",
    description="Freie Anfangszeiten ab `date` für `days` Tage (höchstens 14).",
)
def list_slots(
    request, service: int, office: int | None = None, date: dt.date | None = None, days: int = 7
):
    service_obj = get_object_or_404(Service, pk=service)
    if not 1 <= days <= MAX_SLOT_DAYS:
        return _bad("days", _("Bitte 1 bis %(max)s Tage.") % {"max": MAX_SLOT_DAYS})
    offices = service_obj.offices.filter(is_active=True).prefetch_related(
        "opening_hours", "closures"
    )
    if office is not None:
        offices = offices.filter(pk=office)
        if not offices:
            return _bad("office", _("Diese Dienststelle bietet die Dienstleistung nicht an."))
    first = date or timezone.localdate()
    results = []
    wanted = [first + dt.timedelta(days=offset) for offset in range(days)]
    for office_obj in offices:
        by_day = calendar.available_starts_by_day(office_obj, service_obj, wanted)
        for day in wanted:
            for start, free in by_day[day]:
                results.append(
                    {
                        "office": office_obj.pk,
                        "start": start.isoformat(),
                        "end": calendar.appointment_end(office_obj, service_obj, start).isoformat(),
                        "free": free,
                    }
                )
    results.sort(key=lambda item: (item["start"], item["office"]))
    return json_with_etag(request, {"service": service_obj.pk, "results": results})


@router.post("/appointments/holds", response={201: HoldOut, **ERRORS}, summary="Termin reservieren")
def create_hold(request, payload: HoldIn):
    service = get_object_or_404(Service, pk=payload.service)
    office = get_object_or_404(Office, pk=payload.office)
    try:
        held = services.hold(service, office, payload.start)
    except services.BookingError as error:
        return refused(error)
    return Status(
        201,
        {
            "token": held.token,
            "office": office.pk,
            "start": timezone.localtime(held.start),
            "expires_at": timezone.localtime(held.expires_at),
        },
    )


@router.delete("/appointments/holds/{token}", response={204: None}, summary="Reservierung aufheben")
def delete_hold(request, token: str):
    services.release_hold(token)
    return Status(204, None)


@router.post(
    "/appointments/bookings", response={201: BookingCreated, **ERRORS}, summary="Termin buchen"
)
def create_booking(request, response: HttpResponse, payload: BookingIn):
    response["Cache-Control"] = "no-store"  # personal data and the secret key
    try:
        if payload.hold:
            booking, key = services.confirm_hold(payload.hold, payload.name, payload.email)
        else:
            missing = [f for f in ("service", "office", "start") if getattr(payload, f) is None]
            if missing:
                message = _("Ohne Reservierung sind service, office und start nötig.")
                return error_response(
                    400, "validation_error", message, {field: [message] for field in missing}
                )
            service = get_object_or_404(Service, pk=payload.service)
            office = get_object_or_404(Office, pk=payload.office)
            booking, key = services.book(
                service, office, payload.start, payload.name, payload.email
            )
    except services.BookingError as error:
        return refused(error)
    emails.send_confirmation(booking, key, request.build_absolute_uri("/"))
    booking.key = key  # shown this once; only its hash is stored
    return Status(201, booking)


@router.get(
    "/appointments/bookings/{code}", response={200: BookingOut, 404: dict}, summary="Buchung"
)
def get_booking(
    request,
    response: HttpResponse,
    code: str,
    x_booking_key: str = Header("", alias="X-Booking-Key"),
):
    response["Cache-Control"] = "no-store"
    try:
        return services.find_booking(code, x_booking_key)
    except services.BookingError as error:
        return refused(error)


@router.post(
    "/appointments/bookings/{code}/cancel", response={200: BookingOut, **ERRORS}, summary="Absagen"
)
def cancel_booking(request, response: HttpResponse, code: str, payload: KeyIn):
    response["Cache-Control"] = "no-store"
    try:
        booking = services.cancel(code, payload.key)
    except services.BookingError as error:
        return refused(error)
    emails.send_cancellation(booking)
    return booking


@router.post(
    "/appointments/bookings/{code}/move",
    response={200: BookingCreated, **ERRORS},
    summary="Verschieben",
    description="Der alte Termin wird erst frei, wenn der neue sicher ist; neuer Schlüssel.",
)
def move_booking(request, response: HttpResponse, code: str, payload: MoveIn):
    response["Cache-Control"] = "no-store"
    office = get_object_or_404(Office, pk=payload.office)
    try:
        booking, key = services.move(code, payload.key, office, payload.start)
    except services.BookingError as error:
        return refused(error)
    emails.send_confirmation(booking, key, request.build_absolute_uri("/"), moved=True)
    booking.key = key
    return booking
