"""School pages: public page with daily summaries only, member-only dashboard, wall display."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.schools import services
from smartcity.schools.models import SchoolClass, Teacher
from smartcity.schools.tests.factories import co2_stream, room_of
from smartcity.sensors.services import NewObservation, store_observations


def _reading(room, value, quantity="co2", minutes_ago=1):
    stream = room.sensors.get(quantity=quantity).datastream
    moment = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=minutes_ago)
    store_observations(stream, [NewObservation(phenomenon_time_start=moment, result=value)])


@pytest.fixture
def teacher(school):
    user = User.objects.create_user(username="lehrerin", email="l@example.org", password="x")
    Membership.objects.create(user=user, city=school.city, role=Role.TEACHER)
    Teacher.objects.create(school=school, user=user)
    return user


def test_public_school_page_shows_daily_summaries_not_live_values(client, school):
    room = room_of(school, "101")
    today = timezone.localdate()
    services.set_occupancy(room, {(today.weekday(), period): 20 for period in range(1, 9)})
    response = client.get(school.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tageswerte im Unterricht" in page
    assert "umweltbundesamt.de" in page  # sources are shown
    assert (
        reverse("schools:dashboard", kwargs={"city": "dortmund", "school": school.slug}) not in page
    )
    assert (
        client.get(
            reverse("schools:dashboard", kwargs={"city": "dortmund", "school": school.slug})
        ).status_code
        == 403
    )
    assert (
        client.get(
            reverse("schools:live_json", kwargs={"city": "dortmund", "school": school.slug})
        ).status_code
        == 403
    )


def test_dashboard_shows_lights_and_reminder_for_teacher(client, school, teacher):
    _reading(room_of(school, "101"), 1450)
    _reading(room_of(school, "102"), 650)
    client.force_login(teacher)
    url = reverse("schools:dashboard", kwargs={"city": "dortmund", "school": school.slug})
    page = client.get(url).content.decode()
    assert "Bitte lüften" in page and "schools-light-yellow" in page
    data = client.get(
        reverse("schools:live_json", kwargs={"city": "dortmund", "school": school.slug})
    ).json()
    rooms = {room["slug"]: room for room in data["rooms"]}
    assert rooms["101"]["values"]["co2"] == 1450 and rooms["101"]["lights"]["co2"] == "yellow"
    assert rooms["101"]["reminder"].startswith("Bitte lüften")
    assert rooms["102"]["lights"]["co2"] == "green" and rooms["102"]["reminder"] == ""
    assert school.display_key in page  # the teacher sees the wall display link


def test_teacher_of_another_school_is_refused(client, school, teacher, cities):
    from smartcity.schools.tests.factories import make_school

    other = make_school(cities["dortmund"], slug="andere")
    client.force_login(teacher)
    url = reverse("schools:dashboard", kwargs={"city": "dortmund", "school": other.slug})
    assert client.get(url).status_code == 403


def test_wall_display_needs_the_key_and_updates(client, school):
    room = room_of(school, "101")
    _reading(room, 800, minutes_ago=2)
    kwargs = {"city": "dortmund", "school": school.slug}
    assert (
        client.get(reverse("schools:wall", kwargs={**kwargs, "key": "falsch"})).status_code == 404
    )
    page = client.get(reverse("schools:wall", kwargs={**kwargs, "key": school.display_key}))
    assert page.status_code == 200 and "Vollbild" in page.content.decode()
    # live.js fills the time into one translated sentence, in either language
    assert 'data-generated-text="Stand: {time}"' in page.content.decode()
    english = client.get(
        reverse("schools:wall", kwargs={**kwargs, "key": school.display_key}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert 'data-generated-text="As of: {time}"' in english.content.decode()
    url = reverse("schools:wall_json", kwargs={**kwargs, "key": school.display_key})
    assert client.get(url).json()["rooms"][0]["values"]["co2"] == 800
    _reading(room, 2300, minutes_ago=0)
    room_data = client.get(url).json()["rooms"][0]
    assert room_data["values"]["co2"] == 2300 and room_data["lights"]["co2"] == "red"
    assert room_data["reminder"].startswith("Sofort lüften")


def test_room_history_lists_lessons_and_ventilation(client, school, teacher):
    from smartcity.schools import simulator

    room = room_of(school, "101")
    services.set_occupancy(room, {(0, period): 27 for period in range(1, 5)})
    from datetime import UTC, datetime

    run = simulator.simulate_room(
        room, datetime(2026, 11, 23, 5, tzinfo=UTC), 8 * 60, seed=2, diligent=True
    )
    simulator.store(room, run)
    client.force_login(teacher)
    url = reverse("schools:room", kwargs={"city": "dortmund", "school": school.slug, "room": "101"})
    response = client.get(url, {"tag": "2026-11-23"})
    assert response.status_code == 200
    assert len(response.context["lessons"]) == 4
    assert len(response.context["events"]) >= 4
    assert response.context["chart"]["lessons"]
    page = response.content.decode()
    assert "Luftwechsel pro Stunde" in page and 'id="room-chart"' in page
    week = client.get(url, {"tag": "2026-11-25", "ansicht": "woche"})
    assert len(week.context["lessons"]) == 4
    bad = client.get(url, {"tag": "gestern"})
    assert "Tag: bitte ein Datum" in bad.content.decode()
    assert co2_stream(room)


def test_school_list_and_map_layer(client, school):
    from smartcity.schools import map_layer

    page = client.get(reverse("schools:list", kwargs={"city": "dortmund"})).content.decode()
    assert school.name in page
    features = map_layer.features(school.city)
    assert features[0]["properties"]["layer"] == "schools"
    assert features[0]["properties"]["rooms"] == 2
    assert SchoolClass.objects.count() == 0
