"""Demo content: two schools (Schwerte and Dortmund) with three rooms each, NRW school holidays
2026/27, a class with a code for the demo teacher, guided tasks, and two days of simulated
one-minute readings. Idempotent: schools and classes are matched by name, readings are only
simulated for schools without any."""

from datetime import UTC, datetime, timedelta

from django.db import transaction

from smartcity.core.models import City
from smartcity.schools import calendar, services, simulator
from smartcity.schools.models import Building, RoomSensor, School, SchoolClass, Task, Teacher

DEMO_DAYS = 2
DEMO_CLASS_CODE = "DEMO7B"
SCHOOLS = [
    # city, name, slug, address, lat, lon
    (
        "schwerte",
        "Demo-Gesamtschule Schwerte",
        "demo-gesamtschule",
        "Am Stadtpark 1, 58239 Schwerte",
        51.4436,
        7.5705,
    ),
    (
        "dortmund",
        "Demo-Gymnasium Dortmund",
        "demo-gymnasium",
        "Schulstraße 10, 44137 Dortmund",
        51.5105,
        7.4592,
    ),
]
ROOMS = [("101", "101", 190, 28), ("102", "102", 200, 30), ("Physik", "physik", 240, 30)]
TASKS = [
    (
        "Welcher Raum muss am häufigsten gelüftet werden?",
        "Vergleicht den CO₂-Wert aller Räume an einem Schultag. In welchem Raum ist der Wert am "
        "längsten über 1000 ppm? Schaut euch dafür den Anteil über dem Grenzwert an.",
    ),
    (
        "Wird es wärmer, wenn viele Schülerinnen und Schüler im Raum sind?",
        "Zeichnet ein Streudiagramm mit CO₂ und Temperatur für einen Raum. Wie groß ist der "
        "Korrelationskoeffizient? Was bedeutet das?",
    ),
]


def _occupancy(index: int) -> dict:
    """A plausible timetable: periods 1–6 every day, 7–8 on two days; one free period."""
    table = {}
    for weekday in range(5):
        for period in range(1, 9):
            if period > 6 and weekday not in (1, 3):
                continue
            if (weekday + period + index) % 7 == 0:
                continue
            table[(weekday, period)] = 22 + (weekday * 3 + period + index * 5) % 9
    return table


def _school(city, name, slug, address, latitude, longitude, rooms=ROOMS) -> School:
    school, _created = School.objects.get_or_create(
        city=city,
        slug=slug,
        defaults={
            "name": name,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    if not school.periods.exists():
        services.add_periods(school)
    building, _created = Building.objects.get_or_create(school=school, name="Hauptgebäude")
    for index, (room_name, room_slug, volume, seats) in enumerate(rooms):
        room = services.add_room(building, room_name, room_slug, volume=volume, seats=seats)
        if not room.occupancy.exists():
            services.set_occupancy(room, _occupancy(index))
    return school


def ensure_schools(city: City, count: int) -> list[School]:
    """``count`` schools: the demo schools first, then generated ones in ``city``."""
    schools = []
    for number in range(count):
        if number < len(SCHOOLS):
            city_slug, *details = SCHOOLS[number]
            schools.append(_school(City.objects.get(slug=city_slug), *details))
        else:
            schools.append(
                _school(
                    city,
                    f"Simulierte Schule {number + 1}",
                    f"simulierte-schule-{number + 1}",
                    "",
                    51.5 + 0.01 * number,
                    7.45 + 0.01 * number,
                )
            )
    return schools


def _teaching(school: School) -> None:
    from smartcity.accounts.models import User

    user = User.objects.filter(username="lehrkraft").first()
    if user is None:
        return
    teacher, _created = Teacher.objects.get_or_create(school=school, user=user)
    school_class, created = SchoolClass.objects.get_or_create(
        school=school, name="7b", defaults={"teacher": teacher, "code": DEMO_CLASS_CODE}
    )
    if created:
        for title, text in TASKS:
            Task.objects.create(school_class=school_class, title=title, text=text)


@transaction.atomic
def load() -> None:
    calendar.import_holidays(calendar.NRW_HOLIDAYS_2026_27)
    schools = [
        _school(City.objects.get(slug=city_slug), *details)
        for city_slug, *details in SCHOOLS
        if City.objects.filter(slug=city_slug).exists()
    ]
    if schools and schools[0].city.slug == "schwerte":
        _teaching(schools[0])
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    start = end - timedelta(days=DEMO_DAYS)
    minutes = int((end - start).total_seconds() // 60)
    for number, school in enumerate(schools):
        streams = RoomSensor.objects.filter(room__building__school=school)
        if streams.filter(datastream__observations__isnull=False).exists():
            continue
        simulator.simulate_school(school, start, minutes, seed=number)
