"""Test data for the schools capability."""

from smartcity.schools import services
from smartcity.schools.models import Building, School


def make_school(city, slug="testschule", rooms=("101",), periods=services.DEFAULT_PERIODS):
    school = School.objects.create(
        city=city,
        name=f"Schule {slug}",
        slug=slug,
        address="Teststraße 1",
        latitude=51.5,
        longitude=7.46,
    )
    services.add_periods(school, periods)
    building = Building.objects.create(school=school, name="Hauptgebäude")
    for name in rooms:
        services.add_room(building, name, name.lower())
    return school


def room_of(school, slug):
    return school.buildings.first().rooms.get(slug=slug)


def co2_stream(room):
    return room.sensors.get(quantity="co2").datastream
