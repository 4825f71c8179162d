"""News, events and ``nearby`` for the city app. Lists are paged and carry ETags."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from smartcity.core.api_errors import error_response
from smartcity.core.conditional import json_with_etag, paged
from smartcity.core.models import City
from smartcity.core.pagination import MAX_PAGE_SIZE, Page
from smartcity.news import emails, services
from smartcity.news.models import Event, Post
from smartcity.news.nearby import nearby
from smartcity.news.schemas import EventOut, EventPage, NearbyPage, PostOut, PostPage

router = Router(tags=["Aktuelles und Veranstaltungen"])
MAX_RADIUS_M = 20_000


def _bad(field: str, message: str):
    return error_response(400, "validation_error", message, {field: [message]})


def _page_args(page: int, page_size: int) -> tuple[int, int]:
    return max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)


@router.get("/news", response=PostPage, summary="Meldungen")
def list_news(
    request,
    city: str | None = None,
    tag: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 50,
):
    posts = Post.objects.published().select_related("city").prefetch_related("tags")
    if city:
        posts = posts.filter(city__slug=city)
    if tag:
        posts = posts.filter(tags__slug=tag)
    if q:
        posts = posts.filter(Q(title__icontains=q) | Q(teaser__icontains=q))
    # Newest first, the id breaks ties so pages never overlap.
    posts = posts.order_by("-published_at", "-pk")
    return json_with_etag(request, paged(request, posts, PostOut, *_page_args(page, page_size)))


@router.get("/news/{post_id}", response={200: PostOut, 404: dict}, summary="Eine Meldung")
def get_news(request, post_id: int):
    post = get_object_or_404(
        Post.objects.published().select_related("city").prefetch_related("tags"), pk=post_id
    )
    return json_with_etag(request, PostOut.model_validate(post).model_dump(mode="json"))


@router.get(
    "/events",
    response={200: EventPage, 400: dict},
    summary="Veranstaltungen",
    description="Ohne `from` die kommenden (noch nicht beendeten) Veranstaltungen.",
)
def list_events(
    request,
    city: str | None = None,
    tag: str | None = None,
    category: Event.Category | None = None,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    page: int = 1,
    page_size: int = 50,
):
    events = Event.objects.published().select_related("city").prefetch_related("tags")
    zone = timezone.get_current_timezone()
    if from_date:
        events = events.filter(end__gte=dt.datetime.combine(from_date, dt.time.min, tzinfo=zone))
    else:
        events = events.filter(end__gte=timezone.now())
    if to_date:
        if from_date and to_date < from_date:
            return _bad("to_date", _("Das Ende des Zeitraums liegt vor seinem Anfang."))
        limit = dt.datetime.combine(to_date + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        events = events.filter(start__lt=limit)
    if city:
        events = events.filter(city__slug=city)
    if tag:
        events = events.filter(tags__slug=tag)
    if category:
        events = events.filter(category=category)
    events = events.order_by("start", "pk")
    return json_with_etag(request, paged(request, events, EventOut, *_page_args(page, page_size)))


@router.get("/events/{event_id}", response={200: EventOut, 404: dict}, summary="Eine Veranstaltung")
def get_event(request, event_id: int):
    event = get_object_or_404(
        Event.objects.published().select_related("city").prefetch_related("tags"), pk=event_id
    )
    return json_with_etag(request, EventOut.model_validate(event).model_dump(mode="json"))


class KeyIn(Schema):
    key: str


class RegistrationIn(Schema):
    name: str = Field(max_length=150)
    email: str = Field(max_length=254)


class RegistrationOut(Schema):
    id: int
    status: str
    key: str = Field(description="Geheimer Schlüssel zum Abmelden; nur jetzt sichtbar")


@router.post(
    "/events/{event_id}/registrations",
    response={201: RegistrationOut, 400: dict, 404: dict, 409: dict},
    summary="Zu einer Veranstaltung anmelden",
    description="Sind alle Plätze vergeben, kommt die Anmeldung auf die Warteliste "
    "(`status`: `waiting`).",
)
def register_for_event(request, response: HttpResponse, event_id: int, payload: RegistrationIn):
    response["Cache-Control"] = "no-store"
    event = get_object_or_404(Event.objects.published().select_related("city"), pk=event_id)
    try:
        registration, key = services.register(event, payload.name, payload.email)
    except services.RegistrationError as error:
        status = 409 if error.code == "duplicate" else 400
        code = "conflict" if status == 409 else "validation_error"
        return error_response(status, code, error.message, {error.field: [error.message]})
    emails.send_registration(registration, key, request.build_absolute_uri("/"))
    return Status(201, {"id": registration.pk, "status": registration.status, "key": key})


@router.post(
    "/events/registrations/{registration_id}/cancel",
    response={200: dict, 404: dict, 409: dict},
    summary="Von einer Veranstaltung abmelden",
)
def cancel_registration(request, registration_id: int, payload: KeyIn):
    try:
        registration, moved_up = services.cancel(registration_id, payload.key)
    except services.RegistrationError as error:
        status = 409 if error.code == "cancelled" else 404
        code = "conflict" if status == 409 else "not_found"
        return error_response(status, code, error.message, {error.field: [error.message]})
    if moved_up:
        emails.send_moved_up(moved_up)
    return {"id": registration.pk, "status": registration.status}


@router.get(
    "/nearby",
    response={200: NearbyPage, 400: dict, 404: dict},
    tags=["App"],
    summary="In der Nähe",
    description=(
        "Orte, Projekte, Veranstaltungen, Mängelmeldungen und Sensoren (alle Kartenebenen) im "
        "Umkreis von `radius` Metern (höchstens 20 000) um `lat`/`lon`, nach Entfernung sortiert. "
        "`layers` wählt Ebenen aus (durch Kommas getrennt)."
    ),
)
def get_nearby(
    request,
    lat: float,
    lon: float,
    radius: float = 1000,
    city: str | None = None,
    layers: str | None = None,
    page: int = 1,
    page_size: int = 50,
):
    if not -90 <= lat <= 90:
        return _bad("lat", _("Der Breitengrad liegt zwischen -90 und 90."))
    if not -180 <= lon <= 180:
        return _bad("lon", _("Der Längengrad liegt zwischen -180 und 180."))
    if not 0 < radius <= MAX_RADIUS_M:
        return _bad("radius", _("Der Radius liegt zwischen 1 und 20 000 Metern."))
    city_obj = get_object_or_404(City, slug=city) if city else None
    wanted = {name.strip() for name in layers.split(",") if name.strip()} if layers else None
    items = nearby(lat, lon, radius, city_obj, wanted)
    page_number, size = _page_args(page, page_size)
    result = Page().paginate_queryset(
        items, Page.Input(page=page_number, page_size=size), request=request
    )
    return json_with_etag(request, result)
