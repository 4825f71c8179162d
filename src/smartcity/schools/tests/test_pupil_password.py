"""A class's teacher resets one pupil's password: a one-time password, shown once, that the
pupil replaces at the next login; nobody else may reset it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.schools.models import Pupil, SchoolClass, Teacher
from smartcity.schools.tests.factories import make_school


def _url(name, **kwargs):
    return reverse(f"schools:{name}", kwargs={"city": "dortmund", **kwargs})


def _teacher(school, username, role=Role.TEACHER):
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password="x" * 12
    )
    Membership.objects.create(user=user, city=school.city, role=role)
    return user, Teacher.objects.create(school=school, user=user)


def _login(client, code, nickname, password):
    return client.post(
        _url("pupil_login"),
        {"login-code": code, "login-nickname": nickname, "login-password": password},
    )


@pytest.fixture
def setting(school):
    owner_user, owner = _teacher(school, "klassenlehrerin")
    school_class = SchoolClass.objects.create(
        school=school, name="7b", code="ABC234", teacher=owner
    )
    pupil = Pupil(school_class=school_class, nickname="Blitz")
    pupil.set_password("geheim123")
    pupil.save()
    return {"owner": owner_user, "class": school_class, "pupil": pupil, "school": school}


def _reset(client, setting):
    return client.post(
        _url("teacher"),
        {
            "action": "reset_password",
            "schule": setting["school"].slug,
            "pupil": setting["pupil"].pk,
        },
    )


def test_class_teacher_resets_and_pupil_chooses_a_new_password(client, setting):
    pupil_browser = Client()
    assert _login(pupil_browser, "ABC234", "Blitz", "geheim123").status_code == 302
    assert "Blitz" in pupil_browser.get(_url("workbench")).content.decode()

    client.force_login(setting["owner"])
    page = client.get(_url("teacher")).content.decode()
    assert "Passwort von Blitz zurücksetzen" in page
    response = _reset(client, setting)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the password is not cached
    shown = re.search(r"data-one-time-password>([a-z2-9]{8})<", response.content.decode()).group(1)
    pupil = Pupil.objects.get(pk=setting["pupil"].pk)
    assert pupil.must_change_password and pupil.check_password(shown)
    assert shown not in pupil.password  # stored as a hash only
    assert shown not in client.get(_url("teacher")).content.decode()  # shown once

    # The pupil's open session has ended, the old password no longer works.
    assert "Blitz" not in pupil_browser.get(_url("workbench")).content.decode()
    assert _login(Client(), "ABC234", "Blitz", "geheim123").status_code == 400

    # With the one-time password the pupil first has to choose an own password.
    browser = Client()
    response = _login(browser, "abc234", "blitz", shown)
    assert response.status_code == 302 and response["Location"] == _url("pupil_password")
    assert "Blitz" not in browser.get(_url("workbench")).content.decode()  # not yet in
    mismatch = browser.post(
        _url("pupil_password"), {"password": "meinneues1", "repeat": "anderes12"}
    )
    assert mismatch.status_code == 400
    assert "nicht gleich" in mismatch.content.decode()
    done = browser.post(_url("pupil_password"), {"password": "meinneues1", "repeat": "meinneues1"})
    assert done.status_code == 302 and done["Location"] == _url("workbench")
    assert "Blitz" in browser.get(_url("workbench")).content.decode()
    pupil.refresh_from_db()
    assert not pupil.must_change_password and pupil.check_password("meinneues1")
    assert _login(Client(), "ABC234", "Blitz", shown).status_code == 400  # one time only
    assert _login(Client(), "ABC234", "Blitz", "meinneues1").status_code == 302


def test_password_page_needs_a_one_time_login(client, setting):
    assert client.get(_url("pupil_password")).status_code == 302
    _login(client, "ABC234", "Blitz", "geheim123")  # a normal login
    response = client.get(_url("pupil_password"))
    assert response.status_code == 302 and response["Location"] == _url("pupil_login")


def test_only_the_class_teacher_may_reset(client, setting, cities):
    school = setting["school"]
    before = Pupil.objects.get(pk=setting["pupil"].pk).password

    colleague, _link = _teacher(school, "kollege")  # same school, not this class's teacher
    client.force_login(colleague)
    assert "Passwort von Blitz zurücksetzen" not in client.get(_url("teacher")).content.decode()
    assert _reset(client, setting).status_code == 403

    other_school = make_school(cities["dortmund"], slug="andere-schule")
    stranger, _link = _teacher(other_school, "fremd")
    client.force_login(stranger)
    response = client.post(
        _url("teacher"),
        {"action": "reset_password", "schule": school.slug, "pupil": setting["pupil"].pk},
    )
    assert response.status_code == 404  # not a class of their school

    linked_without_role, _link = _teacher(school, "ehemalig", role=Role.EDITOR)
    client.force_login(linked_without_role)
    assert _reset(client, setting).status_code == 403

    client.logout()
    assert _reset(client, setting).status_code == 302  # to the login page
    pupil_client = Client()
    _login(pupil_client, "ABC234", "Blitz", "geheim123")
    assert _reset(pupil_client, setting).status_code == 302  # pupils are not teachers

    pupil = Pupil.objects.get(pk=setting["pupil"].pk)
    assert pupil.password == before and not pupil.must_change_password
