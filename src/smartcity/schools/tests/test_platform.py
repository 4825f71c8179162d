"""How schools plug into the platform: simulator command, demo, open data, personal data,
holiday import, fixed query count of the dashboard's JSON."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.core.registries import personal_data, publications, simulators
from smartcity.schools import demo, services
from smartcity.schools.models import Room, SchoolClass, SchoolHoliday, Teacher
from smartcity.schools.tests.factories import make_school, room_of
from smartcity.sensors.models import HourlyAggregate, Observation
from smartcity.sensors.services import NewObservation, store_observations


def test_simulate_command_writes_through_the_sensor_services(cities):
    out = io.StringIO()
    call_command("simulate", "schools", "--schools", "1", "--days", "1", stdout=out)
    assert "Demo-Gesamtschule Schwerte" in out.getvalue()
    rooms = Room.objects.filter(building__school__slug="demo-gesamtschule")
    assert rooms.count() == 3
    # 1440 minutes × 6 quantities × 3 rooms, each reading also counted in the hourly roll-ups.
    assert Observation.objects.count() == 1440 * 6 * 3
    assert sum(HourlyAggregate.objects.values_list("count", flat=True)) == 1440 * 6 * 3
    assert "schools" in simulators


def test_demo_is_idempotent(cities, monkeypatch):
    from smartcity.accounts.demo import load_accounts

    load_accounts()
    monkeypatch.setattr(demo, "DEMO_DAYS", 1 / 24)
    demo.load()
    count = Observation.objects.count()
    assert count == 60 * 6 * 3 * 2
    assert SchoolHoliday.objects.filter(name="Herbstferien").exists()
    assert SchoolClass.objects.get(code=demo.DEMO_CLASS_CODE).tasks.count() == 2
    demo.load()
    assert Observation.objects.count() == count


def test_open_data_publication_has_hourly_rows_per_room(school):
    room = room_of(school, "101")
    stream = room.sensors.get(quantity="co2").datastream
    yesterday = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    store_observations(
        stream,
        [
            NewObservation(phenomenon_time_start=yesterday + timedelta(minutes=k), result=v)
            for k, v in enumerate([600, 800, 1000])
        ],
    )
    name, content = publications["schools.hourly.csv"].produce(school.city)
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert len(rows) == 1
    assert rows[0]["raum"] == "101" and rows[0]["messgroesse"] == "CO₂"
    assert float(rows[0]["mittel"]) == 800 and rows[0]["anzahl"] == "3"
    _name, other_city = publications["schools.hourly.csv"].produce(
        school.city.__class__.objects.get(slug="schwerte")
    )
    assert len(other_city.decode().splitlines()) == 1  # header only


def test_personal_data_export_and_erase(school):
    user = User.objects.create_user(username="lehrer", email="t@example.org", password="x")
    teacher = Teacher.objects.create(school=school, user=user)
    SchoolClass.objects.create(school=school, name="9c", teacher=teacher)
    provider = personal_data["schools"]
    assert provider.export(user) == {"teacher_at": [{"school": school.name, "classes": ["9c"]}]}
    provider.erase(user)
    assert not Teacher.objects.exists()
    assert SchoolClass.objects.get().teacher is None


def test_holiday_import_command(db, tmp_path):
    path = tmp_path / "ferien.csv"
    path.write_text("name,start,end\nOsterferien,2028-04-10,2028-04-22\n", encoding="utf-8")
    call_command("schoolholidays", str(path), stdout=io.StringIO())
    assert SchoolHoliday.objects.get().end.isoformat() == "2028-04-22"
    path.write_text("name,start,end\nKaputt,2028-05-10,2028-05-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="before"):
        call_command("schoolholidays", str(path), stdout=io.StringIO())
    assert SchoolHoliday.objects.count() == 1
    call_command("schoolholidays", "--nrw-2026-27", stdout=io.StringIO())
    assert SchoolHoliday.objects.count() == 7


@pytest.mark.parametrize("rooms", [1, 4])
def test_live_json_query_count_does_not_grow_with_rooms(
    client, cities, django_assert_num_queries, rooms
):
    school = make_school(cities["dortmund"], rooms=[f"R{n}" for n in range(rooms)])
    user = User.objects.create_user(username="t", email="t@example.org", password="x")
    Membership.objects.create(user=user, city=school.city, role=Role.TEACHER)
    Teacher.objects.create(school=school, user=user)
    services.set_occupancy(room_of(school, "r0"), {(0, 1): 20})
    client.force_login(user)
    url = reverse("schools:live_json", kwargs={"city": "dortmund", "school": school.slug})
    with django_assert_num_queries(7):
        assert len(client.get(url).json()["rooms"]) == rooms


def test_api_lists_schools_and_daily_summaries(client, school):
    from smartcity.schools.tests.test_lesson_statistics import LESSON_START, MONDAY

    room = room_of(school, "101")
    services.set_occupancy(room, {(0, 1): 25})
    stream = room.sensors.get(quantity="co2").datastream
    store_observations(
        stream,
        [
            NewObservation(phenomenon_time_start=LESSON_START + timedelta(minutes=k), result=1200)
            for k in range(45)
        ],
    )
    schools = client.get("/api/v1/schools/dortmund").json()
    assert schools[0]["slug"] == school.slug
    sensors = {s["quantity"]: s["datastream_id"] for s in schools[0]["rooms"][0]["sensors"]}
    assert sensors["co2"] == stream.pk and len(sensors) == 6
    url = f"/api/v1/schools/dortmund/{school.slug}/daily"
    rows = client.get(url, {"start": MONDAY.isoformat(), "end": MONDAY.isoformat()}).json()
    assert rows == [
        {
            "room": "101",
            "day": "2026-11-23",
            "lessons": 1,
            "co2_mean": 1200.0,
            "co2_max": 1200.0,
            "share_from_1000": 1.0,
            "light": "yellow",
        }
    ]
    bad = client.get(url, {"start": "2026-11-24", "end": "2026-11-23"})
    assert bad.status_code == 400 and "end" in bad.content.decode()
