"""Reminder, anonymisation and hold clean-up jobs, and their schedules."""

import datetime as dt

import pytest
from django.core import mail
from django_q.models import Schedule

from smartcity.appointments import jobs, services
from smartcity.appointments.models import Booking, Hold
from smartcity.appointments.tests.factories import at, make_office, make_service
from smartcity.core.tasks import sync_schedules

MONDAY = dt.date(2027, 3, 1)


@pytest.fixture
def booking(cities):
    office = make_office(cities["dortmund"])
    service = make_service(cities["dortmund"], [office])
    booking, _key = services.book(
        service, office, at(MONDAY, 9), "Erika", "erika@example.org", now=at(MONDAY, 7)
    )
    return booking


def test_jobs_are_scheduled(db):
    names = sync_schedules()
    for name, func in [
        ("appointment-reminders", "smartcity.appointments.jobs.send_reminders"),
        ("appointment-anonymise", "smartcity.appointments.jobs.anonymise_old_bookings"),
        ("appointment-expired-holds", "smartcity.appointments.jobs.purge_expired_holds"),
    ]:
        assert f"smartcity:{name}" in names
        schedule = Schedule.objects.get(name=f"smartcity:{name}")
        assert schedule.func == func and schedule.schedule_type == Schedule.CRON


def test_reminder_goes_out_the_day_before_and_once(booking):
    assert jobs.send_reminders(now=at(MONDAY - dt.timedelta(days=2), 18)) == 0
    assert jobs.send_reminders(now=at(MONDAY - dt.timedelta(days=1), 18)) == 1
    assert booking.code in mail.outbox[0].subject and mail.outbox[0].to == ["erika@example.org"]
    assert jobs.send_reminders(now=at(MONDAY - dt.timedelta(days=1), 19)) == 0
    assert len(mail.outbox) == 1


def test_cancelled_bookings_get_no_reminder(booking):
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    assert jobs.send_reminders(now=at(MONDAY - dt.timedelta(days=1), 18)) == 0


def test_anonymisation_after_the_configured_days(booking, settings):
    settings.APPOINTMENTS_ANONYMISE_AFTER_DAYS = 30
    assert jobs.anonymise_old_bookings(now=at(MONDAY + dt.timedelta(days=29), 12)) == 0
    assert jobs.anonymise_old_bookings(now=at(MONDAY + dt.timedelta(days=31), 12)) == 1
    booking.refresh_from_db()
    assert (booking.name, booking.email, booking.key_hash) == ("", "", "")
    assert booking.anonymised_at is not None and booking.code  # statistics stay


def test_expired_holds_are_purged(cities):
    office = make_office(cities["dortmund"])
    service = make_service(cities["dortmund"], [office])
    services.hold(service, office, at(MONDAY, 9), now=at(MONDAY, 7))
    assert jobs.purge_expired_holds(now=at(MONDAY, 7, 5)) == 0
    assert jobs.purge_expired_holds(now=at(MONDAY, 7, 11)) >= 1
    assert not Hold.objects.exists()
