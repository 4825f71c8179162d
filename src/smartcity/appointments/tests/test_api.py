"""The appointment API: lists with ETags, slots, holds, bookings, cancel and move by code+key."""

import pytest
from django.core import mail
from django.utils import timezone

from smartcity.appointments.models import Booking
from smartcity.appointments.tests.factories import at, make_office, make_service, next_open_day

API = "/api/v1/appointments"


@pytest.fixture
def office(cities):
    return make_office(cities["dortmund"], counters=1)


@pytest.fixture
def service(cities, office):
    return make_service(cities["dortmund"], [office], name="Reisepass")


def iso(value):
    return timezone.localtime(value).isoformat()


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_services_and_offices_with_etag(client, office, service):
    response = client.get(f"{API}/services?city=dortmund")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["results"][0]["name"] == "Reisepass"
    assert body["results"][0]["offices"] == [office.pk]
    assert body["results"][0]["documents"] == ["Lichtbild", "Alter Ausweis"]
    etag = response["ETag"]
    assert client.get(f"{API}/services?city=dortmund", HTTP_IF_NONE_MATCH=etag).status_code == 304
    service.name = "Reisepass (neu)"
    service.save()
    changed = client.get(f"{API}/services?city=dortmund", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag

    offices = client.get(f"{API}/offices?service={service.pk}").json()
    assert [o["id"] for o in offices["results"]] == [office.pk]
    assert offices["results"][0]["opening_hours"][0] == {
        "weekday": 0,
        "opens": "08:00:00",
        "closes": "12:00:00",
        "counters": 1,
    }
    assert client.get(f"{API}/services?page_size=1&page=2").json()["results"] == []


def test_slots_hold_book_show_cancel(client, office, service):
    day = next_open_day()
    slots = client.get(f"{API}/slots?service={service.pk}&date={day}&days=1").json()["results"]
    assert slots[0] == {
        "office": office.pk,
        "start": at(day, 8).isoformat(),
        "end": at(day, 8, 15).isoformat(),
        "free": 1,
    }
    hold = post(
        client,
        f"{API}/holds",
        {"service": service.pk, "office": office.pk, "start": iso(at(day, 9))},
    )
    assert hold.status_code == 201
    other = post(
        client,
        f"{API}/holds",
        {"service": service.pk, "office": office.pk, "start": iso(at(day, 10))},
    )
    assert client.delete(f"{API}/holds/{other.json()['token']}").status_code == 204
    free = client.get(f"{API}/slots?service={service.pk}&date={day}&days=1").json()["results"]
    starts = [slot["start"] for slot in free]
    assert at(day, 10).isoformat() in starts  # released again
    assert at(day, 9).isoformat() not in starts  # still held
    created = post(
        client,
        f"{API}/bookings",
        {"hold": hold.json()["token"], "name": "Erika", "email": "erika@example.org"},
    )
    assert created.status_code == 201
    booking = created.json()
    assert booking["start"] == at(day, 9).isoformat() and len(booking["key"]) > 20
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments

    shown = client.get(f"{API}/bookings/{booking['code']}", HTTP_X_BOOKING_KEY=booking["key"])
    assert shown.status_code == 200 and "key" not in shown.json()
    assert shown["Cache-Control"] == "no-store"
    wrong = client.get(f"{API}/bookings/{booking['code']}", HTTP_X_BOOKING_KEY="falsch")
    assert wrong.status_code == 404 and wrong.json()["error"]["fields"]["key"]

    cancelled = post(client, f"{API}/bookings/{booking['code']}/cancel", {"key": booking["key"]})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = post(client, f"{API}/bookings/{booking['code']}/cancel", {"key": booking["key"]})
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "Dieser Termin wurde bereits storniert."


def test_direct_booking_refusals(client, office, service, settings):
    settings.APPOINTMENTS_MAX_PER_EMAIL_PER_DAY = 1
    day = next_open_day()
    data = {"service": service.pk, "office": office.pk, "name": "Max", "email": "max@example.org"}
    assert post(client, f"{API}/bookings", data | {"start": iso(at(day, 9))}).status_code == 201

    taken = post(client, f"{API}/bookings", data | {"start": iso(at(day, 9)), "email": "b@x.org"})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "conflict"
    over = post(client, f"{API}/bookings", data | {"start": iso(at(day, 10))})
    assert over.status_code == 400 and "email" in over.json()["error"]["fields"]
    past = post(client, f"{API}/bookings", data | {"start": "2020-01-06T09:00:00+01:00"})
    assert past.status_code == 400
    assert past.json()["error"]["fields"]["start"] == ["Dieser Termin liegt in der Vergangenheit."]
    # Without an offset the time is read as local time.
    naive = post(client, f"{API}/bookings", data | {"start": f"{day}T11:00:00", "email": "n@x.org"})
    assert naive.status_code == 201 and naive.json()["start"] == at(day, 11).isoformat()
    missing = post(client, f"{API}/bookings", {"name": "Max", "email": "max@example.org"})
    assert set(missing.json()["error"]["fields"]) == {"service", "office", "start"}
    bad = post(client, f"{API}/bookings", {"name": "Max"})
    assert bad.status_code == 400 and "email" in bad.json()["error"]["fields"]


def test_move_by_code_and_key(client, office, service):
    day = next_open_day()
    data = {"service": service.pk, "office": office.pk, "name": "Max", "email": "max@example.org"}
    booking = post(client, f"{API}/bookings", data | {"start": iso(at(day, 9))}).json()
    other = post(client, f"{API}/bookings", data | {"start": iso(at(day, 10)), "email": "o@x.org"})
    # Another person's code with my key is refused.
    refused = post(
        client,
        f"{API}/bookings/{other.json()['code']}/move",
        {"key": booking["key"], "office": office.pk, "start": iso(at(day, 11))},
    )
    assert refused.status_code == 404
    moved = post(
        client,
        f"{API}/bookings/{booking['code']}/move",
        {"key": booking["key"], "office": office.pk, "start": iso(at(day, 11))},
    )
    assert moved.status_code == 200 and moved.json()["start"] == at(day, 11).isoformat()
    assert moved.json()["key"] != booking["key"]
    assert Booking.objects.get(code=booking["code"]).start == at(day, 11)


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/services", "/offices", "/slots", "/holds", "/bookings", "/bookings/{code}/move"]:
        assert f"/api/v1/appointments{path}" in paths
