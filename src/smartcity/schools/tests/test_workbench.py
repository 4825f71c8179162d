"""The pupils' workbench: joining, selection checks, statistics, exports of the selection."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.schools import services
from smartcity.schools.models import Answer, Pupil, SchoolClass, Task, Teacher
from smartcity.schools.tests.factories import make_school, room_of
from smartcity.sensors.services import NewObservation, store_observations

DAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 local


def _series(room, quantity, values, start=DAY):
    stream = room.sensors.get(quantity=quantity).datastream
    store_observations(
        stream,
        [
            NewObservation(phenomenon_time_start=start + timedelta(minutes=k), result=value)
            for k, value in enumerate(values)
        ],
    )


@pytest.fixture
def school_class(school):
    return SchoolClass.objects.create(school=school, name="7b", code="ABC234")


@pytest.fixture
def pupil_client(client, school_class):
    response = client.post(
        reverse("schools:join", kwargs={"city": "dortmund"}),
        {"beitritt-code": "abc234", "beitritt-nickname": "Blitz", "beitritt-password": "geheim123"},
    )
    assert response.status_code == 302
    return client


def _url(name="workbench", **kwargs):
    return reverse(f"schools:{name}", kwargs={"city": "dortmund", **kwargs})


def _query(school, **overrides):
    rooms = [room_of(school, "101").pk, room_of(school, "102").pk]
    query = {
        "rooms": rooms,
        "quantity": "co2",
        "second": "",
        "start": "2026-11-23",
        "end": "2026-11-23",
        "resolution": "60",
        "limit": "",
    }
    query.update(overrides)
    return query


def test_join_needs_a_valid_code_and_free_nickname(client, school_class):
    url = _url("join")
    wrong = client.post(
        url,
        {"beitritt-code": "NOPE99", "beitritt-nickname": "Blitz", "beitritt-password": "geheim123"},
    )
    assert wrong.status_code == 400
    assert "Diesen Klassencode gibt es nicht" in wrong.content.decode()
    ok = client.post(
        url,
        {"beitritt-code": "ABC234", "beitritt-nickname": "Blitz", "beitritt-password": "geheim123"},
    )
    assert ok.status_code == 302
    pupil = Pupil.objects.get()
    assert pupil.nickname == "Blitz" and pupil.password != "geheim123"
    client.post(_url("pupil_logout"))
    again = client.post(
        url,
        {"beitritt-code": "ABC234", "beitritt-nickname": "blitz", "beitritt-password": "anderes12"},
    )
    assert "Diesen Spitznamen gibt es in der Klasse schon" in again.content.decode()
    login = client.post(
        _url("pupil_login"),
        {"login-code": "ABC234", "login-nickname": "Blitz", "login-password": "falsch!!"},
    )
    assert "stimmen nicht" in login.content.decode()
    login = client.post(
        _url("pupil_login"),
        {"login-code": "ABC234", "login-nickname": "Blitz", "login-password": "geheim123"},
    )
    assert login.status_code == 302


def test_statistics_and_correlation(pupil_client, school):
    room = room_of(school, "101")
    _series(room, "co2", [800, 900, 1000, 1100, 1200])
    _series(room, "temperature", [20.0, 20.5, 21.0, 21.5, 22.0])
    _series(room_of(school, "102"), "co2", [500, 700, 600])
    response = pupil_client.get(_url(), _query(school, second="temperature"))
    assert response.status_code == 200
    stats = {row["room"].slug: row for row in response.context["result"]["stats"]}
    assert stats["101"]["mean"] == 1000 and stats["101"]["median"] == 1000
    assert stats["101"]["min"] == 800 and stats["101"]["max"] == 1200
    assert stats["101"]["share_above"] == pytest.approx(2 / 5)  # limit 1000 ppm: 1100, 1200
    assert stats["102"]["median"] == 600
    scatter = response.context["result"]["scatter"]
    assert scatter["r"] == pytest.approx(1.0)
    assert scatter["count"] == 5  # room 102 has no temperature readings


def test_exports_contain_exactly_the_selection(pupil_client, school):
    room = room_of(school, "101")
    _series(room, "co2", [800, 900, 1000, 1100, 1200])
    _series(room, "co2", [5000], start=DAY - timedelta(days=1))  # the day before: not selected
    _series(room_of(school, "102"), "co2", [500, 700, 600])
    _series(room_of(school, "102"), "temperature", [19.5, 19.7, 19.9])  # not selected
    query = _query(school, rooms=[room.pk])
    response = pupil_client.get(_url("export", fmt="csv"), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0] == ["Raum", "Zeit", "CO₂ (ppm)"]
    assert rows[1:] == [
        ["101", f"2026-11-23 09:0{k}:00", str(float(value))]
        for k, value in enumerate([800, 900, 1000, 1100, 1200])
    ]
    xlsx = pupil_client.get(_url("export", fmt="xlsx"), query)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == rows[0]
    assert [row[2] for row in values[1:]] == [800, 900, 1000, 1100, 1200]
    # Two quantities, two rooms: one row per room and time, both values.
    both = pupil_client.get(_url("export", fmt="csv"), _query(school, second="temperature"))
    rows = list(csv.reader(io.StringIO(both.content.decode()), delimiter=";"))
    assert rows[0] == ["Raum", "Zeit", "CO₂ (ppm)", "Temperatur (°C)"]
    assert len(rows) == 1 + 5 + 3
    assert rows[6] == ["102", "2026-11-23 09:00:00", "500.0", "19.5"]


def test_bad_input_gets_clear_messages(pupil_client, school, cities):
    backwards = pupil_client.get(_url(), _query(school, start="2026-11-24", end="2026-11-23"))
    assert "Das Ende liegt vor dem Anfang" in backwards.content.decode()
    foreign = make_school(cities["dortmund"], slug="nachbarschule", rooms=("A1",))
    other_room = room_of(foreign, "a1")
    response = pupil_client.get(_url(), _query(school, rooms=[other_room.pk]))
    assert "gehört nicht zu deiner Schule" in response.content.decode()
    export = pupil_client.get(_url("export", fmt="csv"), _query(school, rooms=[other_room.pk]))
    assert export.status_code == 400 and "gehört nicht zu deiner Schule" in export.content.decode()
    big = pupil_client.get(
        _url("export", fmt="xlsx"), _query(school, start="2026-09-01", end="2026-11-23")
    )
    assert big.status_code == 400
    assert "erlaubt sind 50.000" in big.content.decode()


def test_teacher_creates_class_and_task_pupil_answers(client, school):
    user = User.objects.create_user(username="lehrer", email="t@example.org", password="x")
    Membership.objects.create(user=user, city=school.city, role=Role.TEACHER)
    Teacher.objects.create(school=school, user=user)
    client.force_login(user)
    url = _url("teacher")
    response = client.post(url, {"action": "class", "schule": school.slug, "klasse-name": "8a"})
    assert response.status_code == 302
    school_class = SchoolClass.objects.get(name="8a")
    assert len(school_class.code) == 6
    client.post(
        url,
        {
            "action": "task",
            "schule": school.slug,
            "aufgabe-school_class": school_class.pk,
            "aufgabe-title": "Lüften",
            "aufgabe-text": "Welcher Raum muss am häufigsten gelüftet werden?",
        },
    )
    task = Task.objects.get()
    client.logout()
    client.post(
        _url("join"),
        {
            "beitritt-code": school_class.code,
            "beitritt-nickname": "Fuchs",
            "beitritt-password": "geheim123",
        },
    )
    assert "Lüften" in client.get(_url()).content.decode()
    client.post(_url("task", task=task.pk), {"text": "Raum 101"})
    assert Answer.objects.get().text == "Raum 101"
    client.post(_url("pupil_logout"))
    client.force_login(user)
    assert "Raum 101" in client.get(url).content.decode()


def test_user_without_teacher_role_gets_no_teacher_area(client, school):
    user = User.objects.create_user(username="gast", email="g@example.org", password="x")
    Teacher.objects.create(school=school, user=user)  # linked, but not a teacher in the city
    client.force_login(user)
    assert client.get(_url("teacher")).status_code == 403
    assert services.authenticate_pupil("X", "Y", "Z") is None


def test_days_are_compared_per_room(pupil_client, school):
    room = room_of(school, "101")
    _series(room, "co2", [800, 1200])
    _series(room, "co2", [1500, 1500, 500], start=DAY + timedelta(days=1))
    response = pupil_client.get(_url(), _query(school, end="2026-11-24", resolution="600"))
    days = response.context["result"]["days"]
    assert [row["day"].isoformat() for row in days] == ["2026-11-23", "2026-11-24"]
    first, second = (row["cells"][0] for row in days)
    assert first["room"] == room and first["mean"] == 1000 and first["share_above"] == 0
    # 10-minute means: one bucket of (1500 + 1500 + 500) / 3 on the second day.
    assert second["mean"] == pytest.approx(3500 / 3) and second["share_above"] == 1
    assert days[0]["cells"][1]["mean"] is None  # room 102 has no readings
    assert 'id="days-table"' in response.content.decode()


def test_guessing_codes_and_passwords_is_capped(client, school_class):
    Pupil.objects.create(school_class=school_class, nickname="Blitz", password="!")
    for attempt in range(30):
        client.post(
            _url("join"),
            {
                "beitritt-code": f"NOPE{attempt:02d}",
                "beitritt-nickname": "Blitz",
                "beitritt-password": "geheim123",
            },
        )
    refused = client.post(
        _url("join"),
        {"beitritt-code": "ABC234", "beitritt-nickname": "Neu", "beitritt-password": "geheim123"},
    )
    assert refused.status_code == 400 and "Zu viele Fehlversuche" in refused.content.decode()
    assert not Pupil.objects.filter(nickname="Neu").exists()
    wrong = {"login-code": "ABC234", "login-nickname": "Blitz", "login-password": "falsch!!"}
    for _attempt in range(10):
        assert "stimmen nicht" in client.post(_url("pupil_login"), wrong).content.decode()
    locked = client.post(_url("pupil_login"), wrong)
    assert "Zu viele Fehlversuche" in locked.content.decode()
    other = client.post(
        _url("pupil_login"),
        {"login-code": "ABC234", "login-nickname": "Sonne", "login-password": "falsch!!"},
    )
    assert "stimmen nicht" in other.content.decode()  # another pupil's name is not locked
