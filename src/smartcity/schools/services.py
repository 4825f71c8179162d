"""The schools capability's logic: setting up rooms with their sensors, the dashboard's figures,
classes and pupils. Used by views, the API, admin, the simulator and the demo alike."""

import secrets
from dataclasses import dataclass
from datetime import time

from django.db import transaction
from django.utils.translation import gettext as _

from smartcity.schools import guidance
from smartcity.schools.models import (
    UNITS,
    Building,
    Occupancy,
    Period,
    Pupil,
    Quantity,
    Room,
    RoomSensor,
    School,
    SchoolClass,
)
from smartcity.sensors import services as sensor_services
from smartcity.sensors.models import Datastream, Location, ObservedProperty, Sensor, Thing

MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"
PROPERTY_DEFINITIONS = {
    Quantity.CO2: "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0375/",
    Quantity.TEMPERATURE: "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0023/",
    Quantity.HUMIDITY: "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0413/",
    Quantity.PM25: "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0697/",
    Quantity.PM10: "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0698/",
    Quantity.NOISE: "https://de.wikipedia.org/wiki/Schalldruckpegel",
}
# A usual NRW timetable: 45-minute periods, breaks after the 2nd and 4th.
DEFAULT_PERIODS = [
    (1, time(8, 0), time(8, 45)),
    (2, time(8, 50), time(9, 35)),
    (3, time(9, 55), time(10, 40)),
    (4, time(10, 45), time(11, 30)),
    (5, time(11, 50), time(12, 35)),
    (6, time(12, 40), time(13, 25)),
    (7, time(13, 45), time(14, 30)),
    (8, time(14, 35), time(15, 20)),
]


@transaction.atomic
def add_periods(school: School, periods=DEFAULT_PERIODS) -> list[Period]:
    return [
        Period.objects.update_or_create(
            school=school, number=number, defaults={"start": start, "end": end}
        )[0]
        for number, start, end in periods
    ]


@transaction.atomic
def add_room(building: Building, name: str, slug: str, volume: float = 200, seats: int = 28):
    """A room with a Thing at the school's location and one Datastream per quantity."""
    school = building.school
    room, _created = Room.objects.get_or_create(
        building=building, slug=slug, defaults={"name": name, "volume": volume, "seats": seats}
    )
    if room.thing_id is None:
        thing = Thing.objects.create(
            name=f"{school.name} – Raum {name}",
            description=f"Raumklima-Sensor in Raum {name}",
            properties={"school": school.slug, "room": slug, "city": school.city.slug},
        )
        if school.latitude is not None and school.longitude is not None:
            location = Location.objects.create(
                name=f"{school.name}, Raum {name}",
                description=school.address,
                location={"type": "Point", "coordinates": [school.longitude, school.latitude]},
            )
            sensor_services.link_locations(thing, [location])
        room.thing = thing
        room.save(update_fields=["thing"])
    sensor, _created = Sensor.objects.get_or_create(
        name="Raumklima-Sensor (CO₂, Temperatur, Feuchte, Feinstaub, Lärm)",
        defaults={"encoding_type": "text/html", "metadata": "https://example.org/raumklima"},
    )
    existing = set(room.sensors.values_list("quantity", flat=True))
    for quantity in Quantity:
        if quantity.value in existing:
            continue
        observed, _created = ObservedProperty.objects.get_or_create(
            name=str(quantity.label), defaults={"definition": PROPERTY_DEFINITIONS[quantity]}
        )
        unit = UNITS[quantity]
        stream = Datastream.objects.create(
            name=f"{quantity.label} – {school.name}, Raum {name}",
            description=f"{quantity.label} in Raum {name}",
            observation_type=MEASUREMENT,
            unit_of_measurement={"name": unit, "symbol": unit, "definition": ""},
            thing=room.thing,
            sensor=sensor,
            observed_property=observed,
            properties={"quantity": quantity.value},
        )
        RoomSensor.objects.create(room=room, quantity=quantity, datastream=stream)
    return room


@transaction.atomic
def set_occupancy(room: Room, table: dict) -> None:
    """``table``: {(weekday, period number): pupils}; replaces the room's timetable."""
    periods = {period.number: period for period in room.building.school.periods.all()}
    Occupancy.objects.filter(room=room).delete()
    Occupancy.objects.bulk_create(
        Occupancy(room=room, weekday=weekday, period=periods[number], pupils=pupils)
        for (weekday, number), pupils in table.items()
        if pupils and number in periods
    )


@dataclass
class RoomState:
    room: Room
    values: dict  # quantity -> value or None
    lights: dict  # quantity -> light or None
    updated: object
    remind: bool


def school_rooms(school: School) -> list[Room]:
    rooms = Room.objects.filter(building__school=school).select_related("building")
    return list(rooms.order_by("building__name", "name"))


def room_states(rooms: list[Room], latest: dict) -> list[RoomState]:
    """The dashboard's rows from ``statistics.latest_values``: lights and the airing reminder."""
    states = []
    for room in rooms:
        readings = latest.get(room.pk, {})
        values = {quantity: readings.get(quantity, (None, None))[0] for quantity in Quantity.values}
        times = [moment for _value, moment in readings.values() if moment is not None]
        lights = {
            quantity: guidance.light(quantity, value, values.get("temperature"))
            for quantity, value in values.items()
        }
        states.append(
            RoomState(
                room=room,
                values=values,
                lights=lights,
                updated=max(times) if times else None,
                remind=lights.get("co2") in (guidance.YELLOW, guidance.RED),
            )
        )
    return states


def reminder_text(light: str | None) -> str:
    if light == guidance.RED:
        return _("Sofort lüften! Die Luft ist verbraucht (über 2000 ppm CO₂).")
    if light == guidance.YELLOW:
        return _("Bitte lüften: Fenster für 3 bis 5 Minuten weit öffnen.")
    return ""


class JoinError(ValueError):
    def __init__(self, field: str, message: str, unknown_code: bool = False):
        super().__init__(message)
        self.field = field
        self.message = message
        self.unknown_code = unknown_code


@transaction.atomic
def join_class(code: str, nickname: str, password: str) -> Pupil:
    """A pupil joins a class with its code; the nickname must be free in that class."""
    school_class = SchoolClass.objects.filter(code=code.strip().upper()).first()
    if school_class is None:
        raise JoinError(
            "code", _("Diesen Klassencode gibt es nicht. Frag deine Lehrkraft."), unknown_code=True
        )
    if not school_class.is_open:
        raise JoinError("code", _("Diese Klasse nimmt gerade niemanden neu auf."))
    nickname = nickname.strip()
    if Pupil.objects.filter(school_class=school_class, nickname__iexact=nickname).exists():
        raise JoinError(
            "nickname", _("Diesen Spitznamen gibt es in der Klasse schon. Nimm einen anderen.")
        )
    pupil = Pupil(school_class=school_class, nickname=nickname)
    pupil.set_password(password)
    pupil.save()
    return pupil


# No 0/o, 1/l/i: a one-time password is read off a screen and typed by a child.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_LENGTH = 8


def reset_pupil_password(pupil: Pupil) -> str:
    """A new one-time password for ``pupil`` (returned once, stored only as a hash); the pupil
    must choose their own at the next login, and every open session of theirs ends."""
    password = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))
    pupil.set_password(password)
    pupil.must_change_password = True
    pupil.save(update_fields=["password", "must_change_password"])
    return password


def change_pupil_password(pupil: Pupil, password: str) -> None:
    pupil.set_password(password)
    pupil.must_change_password = False
    pupil.save(update_fields=["password", "must_change_password"])


def authenticate_pupil(code: str, nickname: str, password: str) -> Pupil | None:
    pupil = (
        Pupil.objects.select_related("school_class__school")
        .filter(school_class__code=code.strip().upper(), nickname__iexact=nickname.strip())
        .first()
    )
    if pupil is None or not pupil.check_password(password):
        return None
    return pupil
