"""Export lists bookings under the account's address; erasing anonymises the past ones."""

import datetime as dt

from smartcity.appointments import services
from smartcity.appointments.models import Booking
from smartcity.appointments.personal_data import erase, export
from smartcity.appointments.tests.factories import at, make_office, make_service, next_open_day
from smartcity.core.registries import personal_data


def test_export_and_erase(cities, django_user_model):
    user = django_user_model.objects.create_user("erika", "Erika@example.org", "x")
    office = make_office(cities["dortmund"])
    service = make_service(cities["dortmund"], [office])
    future, _key = services.book(service, office, at(next_open_day(), 9), "E", "erika@example.org")
    monday = dt.date(2027, 3, 1)
    past, _key = services.book(
        service, office, at(monday, 9), "E", "erika@example.org", now=at(monday, 7)
    )
    Booking.objects.filter(pk=past.pk).update(
        start=at(dt.date(2020, 3, 2), 9), end=at(dt.date(2020, 3, 2), 9, 15)
    )
    assert {item["code"] for item in export(user)} == {future.code, past.code}
    assert "appointments" in personal_data
    erase(user)
    past.refresh_from_db()
    future.refresh_from_db()
    assert (past.name, past.email) == ("", "") and past.anonymised_at
    assert future.email == "erika@example.org"
