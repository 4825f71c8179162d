"""Offices and services for the tests: Monday–Friday 08:00–12:00, 15-minute slots."""

import datetime as dt
import itertools

from django.utils import timezone

from smartcity.appointments.models import Office, OpeningHours, Service

_numbers = itertools.count(1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def make_office(city, counters=2, slot_minutes=15, hours=((8, 0), (12, 0)), **fields) -> Office:
    number = next(_numbers)
    office = Office.objects.create(
        city=city,
        slug=fields.pop("slug", f"amt-{number}"),
        name=fields.pop("name", f"Bürgerdienste {number}"),
        street="Südwall 2",
        postcode="44137",
        town="Dortmund",
        latitude=51.51,
        longitude=7.46,
        counters=counters,
        slot_minutes=slot_minutes,
        **fields,
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            office=office, weekday=weekday, opens=dt.time(*hours[0]), closes=dt.time(*hours[1])
        )
    return office


def make_service(city, offices, duration=15, **fields) -> Service:
    number = next(_numbers)
    service = Service.objects.create(
        city=city,
        slug=fields.pop("slug", f"dienst-{number}"),
        name=fields.pop("name", f"Personalausweis {number}"),
        duration_minutes=duration,
        documents="Lichtbild\nAlter Ausweis",
        **fields,
    )
    service.offices.add(*offices)
    return service


def next_open_day(after: dt.date | None = None) -> dt.date:
    """The next weekday without an NRW holiday, at least two days ahead."""
    from smartcity.appointments.calendar import holiday_name

    day = (after or timezone.localdate()) + dt.timedelta(days=2)
    while day.weekday() >= 5 or holiday_name(day):
        day += dt.timedelta(days=1)
    return day
