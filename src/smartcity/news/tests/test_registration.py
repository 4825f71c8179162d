"""Event registration: capacity, waiting list, moving up, cancel link, bad input."""

import os
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


def test_registrations_are_anonymised_after_the_event(cities, settings):
    import datetime as dt

    from django.utils import timezone
    from django_q.models import Schedule

    from smartcity.core.tasks import sync_schedules
    from smartcity.news import jobs

    settings.NEWS_ANONYMISE_REGISTRATIONS_AFTER_DAYS = 30
    event = make_event(cities["dortmund"], capacity=5, days=1)
    registration, _key = services.register(event, "Erika", "erika@example.org")
    assert jobs.anonymise_registrations(now=timezone.now() + dt.timedelta(days=20)) == 0
    assert jobs.anonymise_registrations(now=timezone.now() + dt.timedelta(days=40)) == 1
    registration.refresh_from_db()
    assert (registration.name, registration.email) == ("", "")
    sync_schedules()
    assert Schedule.objects.get(name="smartcity:news-anonymise-registrations").func == (
        "smartcity.news.jobs.anonymise_registrations"
    )


@pytest.mark.skipif(
    not os.environ.get("SMARTCITY_TEST_DATABASE_URL"),
    reason="SMARTCITY_TEST_DATABASE_URL not set",
)
def test_parallel_registrations_respect_the_capacity(transactional_db, cities):
    import threading

    from django.db import connection

    event = make_event(cities["dortmund"], capacity=5)
    barrier = threading.Barrier(20)

    def register(number):
        try:
            barrier.wait()
            services.register(event, f"P{number}", f"p{number}@example.org")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert services.counts(event) == {"confirmed": 5, "waiting": 15}
