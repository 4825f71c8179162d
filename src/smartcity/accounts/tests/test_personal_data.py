import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from smartcity.accounts import services
from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.core import tokens
from smartcity.core.models import ApiToken
from smartcity.core.registries import PersonalData, personal_data


@pytest.fixture
def person(cities):
    user = User.objects.create_user(
        "erika", "erika@example.org", "Geheim-Passwort-2026", display_name="Erika M."
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(
        user=user, city=cities["schwerte"], role=Role.TEACHER, organisation="Gesamtschule"
    )
    tokens.create_token(user, "sta:write", name="Klassenraum")
    return user


def test_export_contains_everything_we_keep_and_no_secrets(person):
    data = services.export_user_data(person)
    account = data["data"]["account"]
    assert account["username"] == "erika"
    assert account["email"] == "erika@example.org"
    assert account["display_name"] == "Erika M."
    assert account["email_addresses"] == [
        {"email": "erika@example.org", "verified": True, "primary": True}
    ]
    assert account["roles"] == [
        {"city": "schwerte", "role": "teacher", "organisation": "Gesamtschule"}
    ]
    assert data["data"]["api_tokens"][0]["name"] == "Klassenraum"
    text = json.dumps(data)
    assert person.password not in text
    assert ApiToken.objects.get().digest not in text


def test_export_download_needs_login_and_post(client, person):
    url = reverse("accounts:export")
    assert client.post(url).status_code == 302  # to login
    client.force_login(person)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["data"]["account"]["username"] == "erika"


def test_deletion_needs_the_password_and_removes_everything(client, person):
    client.force_login(person)
    url = reverse("accounts:delete")
    response = client.post(url, {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400
    assert "Das Passwort ist nicht richtig." in response.content.decode()
    assert User.objects.filter(pk=person.pk).exists()

    response = client.post(url, {"password": "Geheim-Passwort-2026", "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(username="erika").exists()
    assert not EmailAddress.objects.filter(email="erika@example.org").exists()
    assert not Membership.objects.exists()
    assert not ApiToken.objects.exists()
    # Logged out afterwards.
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_deletion_is_all_or_nothing(person):
    def failing_erase(user):
        raise RuntimeError("storage unavailable")

    personal_data.register("failing", PersonalData("failing", lambda user: None, failing_erase))
    try:
        with pytest.raises(RuntimeError):
            services.delete_account(person)
    finally:
        personal_data._entries.pop("failing")
    assert User.objects.filter(pk=person.pk).exists()
    assert ApiToken.objects.filter(user=person).exists()
