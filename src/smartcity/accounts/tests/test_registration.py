import re

import pytest
from django.core import mail
from django.core.cache import cache

from smartcity.accounts.models import User


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def signup(client, **overrides):
    data = {
        "email": "neu@example.org",
        "username": "neu",
        "password1": "Sehr-sicheres-Passwort-42",
        "password2": "Sehr-sicheres-Passwort-42",
        **overrides,
    }
    return client.post("/konto/signup/", data)


def test_signup_sends_confirmation_and_login_needs_it(client, db):
    response = signup(client)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/konto/confirm-email/\S+/", mail.outbox[0].body).group(0)

    # Unconfirmed: logging in leads to the "confirm your address" page, not the profile.
    client.logout()
    response = client.post(
        "/konto/login/", {"login": "neu", "password": "Sehr-sicheres-Passwort-42"}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]

    path = link.split("testserver", 1)[1]
    response = client.post(path)
    assert response.status_code == 302
    assert client.get("/konto/profil/").status_code == 200


def test_signup_errors_are_shown_at_the_fields(client, db):
    response = signup(client, email="not-an-address", password2="different")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert not User.objects.exists()


def test_failed_logins_are_rate_limited(client, db):
    User.objects.create_user("target", "target@example.org", "Richtiges-Passwort-1")
    for attempt in range(5):
        client.post("/konto/login/", {"login": "target", "password": f"wrong-{attempt}"})
    # Now even the right password is refused for a while.
    response = client.post("/konto/login/", {"login": "target", "password": "Richtiges-Passwort-1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Zu viele" in response.content.decode()
