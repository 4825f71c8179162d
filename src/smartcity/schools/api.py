"""JSON endpoints of the schools capability under /api/v1/ (public: rooms and daily summaries,
never live values or anything about people). The readings themselves are in the SensorThings
API (/sta/v1.1): each room's Datastream ids are listed here."""

from datetime import date, timedelta

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from smartcity.schools import statistics
from smartcity.schools.models import Room, RoomSensor, School

router = Router(tags=["schools"])
MAX_DAYS = 92


class SensorOut(Schema):
    quantity: str
    datastream_id: int


class RoomOut(Schema):
    slug: str
    name: str
    sensors: list[SensorOut]


class SchoolOut(Schema):
    slug: str
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    url: str
    rooms: list[RoomOut]


class DailyQuery(Schema):
    start: date | None = None
    end: date | None = None


class DailyOut(Schema):
    room: str
    day: date
    lessons: int
    co2_mean: float
    co2_max: float
    share_from_1000: float
    light: str


def _school(city: str, school: str) -> School:
    return get_object_or_404(School, city__slug=city, slug=school, is_public=True)


@router.get(
    "/schools/{city}",
    response=list[SchoolOut],
    url_name="schools_list",
    summary="Öffentliche Schulen einer Stadt mit Räumen und ihren SensorThings-Datastreams",
)
def school_list(request, city: str):
    schools = list(School.objects.filter(city__slug=city, is_public=True).order_by("name"))
    rooms = Room.objects.filter(building__school__in=schools).order_by("name")
    sensors = RoomSensor.objects.filter(room__in=rooms).order_by("quantity")
    by_room: dict[int, list] = {}
    for sensor in sensors:
        by_room.setdefault(sensor.room_id, []).append(
            {"quantity": sensor.quantity, "datastream_id": sensor.datastream_id}
        )
    by_school: dict[int, list] = {}
    for room in rooms.select_related("building"):
        by_school.setdefault(room.building.school_id, []).append(
            {"slug": room.slug, "name": room.name, "sensors": by_room.get(room.pk, [])}
        )
    return [
        {
            "slug": school.slug,
            "name": school.name,
            "address": school.address,
            "latitude": school.latitude,
            "longitude": school.longitude,
            "url": school.get_absolute_url(),
            "rooms": by_school.get(school.pk, []),
        }
        for school in schools
    ]


@router.get(
    "/schools/{city}/{school}/daily",
    response=list[DailyOut],
    url_name="schools_daily",
    summary="Tageswerte je Raum im Unterricht (CO₂-Mittel, Höchstwert, Anteil ab 1000 ppm)",
)
def daily(request, city: str, school: str, query: Query[DailyQuery]):
    school_obj = _school(city, school)
    end = query.end or date.today()
    start = query.start or end - timedelta(days=13)
    if end < start:
        raise HttpError(400, "end: Das Ende liegt vor dem Anfang.")
    if (end - start).days >= MAX_DAYS:
        raise HttpError(400, f"start: höchstens {MAX_DAYS} Tage auf einmal.")
    rooms = list(Room.objects.filter(building__school=school_obj))
    names = {room.pk: room.name for room in rooms}
    return [
        {
            "room": names[row["room_id"]],
            "day": row["day"],
            "lessons": row["lessons"],
            "co2_mean": round(row["mean"], 1),
            "co2_max": row["max"],
            "share_from_1000": round(row["share_from_1000"], 4),
            "light": row["light"],
        }
        for row in statistics.daily_summaries(rooms, start, end)
    ]
