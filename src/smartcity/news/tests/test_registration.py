"""Event registration: capacity, waiting list, moving up, cancel link, bad input."""

import re

import pytest
from django.core import mail

from smartcity.news import services
from smartcity.news.models import Registration
from smartcity.news.tests.factories import make_event


@pytest.fixture
def event(cities):
    return make_event(cities["dortmund"], capacity=2, slug="werkstatt")


def test_capacity_then_waiting_list_then_moving_up(event):
    first, first_key = services.register(event, "A", "a@example.org")
    services.register(event, "B", "b@example.org")
    waiting, _key = services.register(event, "C", "c@example.org")
    assert first.status == Registration.Status.CONFIRMED
    assert waiting.status == Registration.Status.WAITING
    _cancelled, moved_up = services.cancel(first.pk, first_key)
    assert moved_up.pk == waiting.pk
    assert services.counts(event) == {"confirmed": 2, "waiting": 0}
    with pytest.raises(services.RegistrationError) as refused:
        services.cancel(first.pk, first_key)
    assert refused.value.code == "cancelled"


def test_bad_registrations_are_refused(event):
    services.register(event, "A", "a@example.org")
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event, "A again", "A@example.org")
    assert refused.value.field == "email"
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event, "", "x@example.org")
    assert refused.value.field == "name"


def test_registration_through_the_page_and_cancel_link(client, event):
    url = event.get_absolute_url()
    response = client.post(url, {"name": "Erika", "email": "erika@example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    link = re.search(r"http://testserver(\S+)", message.body).group(1)
    assert client.get(link.replace("schluessel=", "schluessel=x")).status_code == 403
    response = client.post(link, {"schluessel": link.split("schluessel=")[1]})
    assert response.status_code == 302
    assert Registration.objects.get().status == Registration.Status.CANCELLED
