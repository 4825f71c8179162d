"""Holds, bookings, cancelling and moving: capacity, expiry, holidays, closures, limits."""

import datetime as dt

import pytest
from django.utils import timezone

from smartcity.appointments import calendar, services
from smartcity.appointments.models import Booking, Closure, Hold, SlotUse
from smartcity.appointments.services import BookingError
from smartcity.appointments.tests.factories import at, make_office, make_service

# Monday 1 March 2027, 07:00 in Dortmund: the "now" of these tests.
MONDAY = dt.date(2027, 3, 1)
GOOD_FRIDAY = dt.date(2027, 3, 26)


@pytest.fixture
def now():
    return at(MONDAY, 7)


@pytest.fixture
def office(cities):
    return make_office(cities["dortmund"], counters=2)


@pytest.fixture
def service(cities, office):
    return make_service(cities["dortmund"], [office], duration=15)


def book(service, office, start, now, email="erika@example.org", name="Erika Muster"):
    return services.book(service, office, start, name, email, now=now)


def test_slots_follow_opening_hours_and_capacity(office, service, now):
    starts = calendar.available_starts(office, service, MONDAY, now=now)
    assert [start for start, _free in starts][:2] == [at(MONDAY, 8), at(MONDAY, 8, 15)]
    assert len(starts) == 16  # 08:00–12:00 in 15 minutes
    assert all(free == 2 for _start, free in starts)


def test_capacity_is_the_number_of_counters(office, service, now):
    start = at(MONDAY, 9)
    first, _key = book(service, office, start, now, email="a@example.org")
    second, _key = book(service, office, start, now, email="b@example.org")
    assert {first.counter, second.counter} == {1, 2}
    with pytest.raises(BookingError) as refused:
        book(service, office, start, now, email="c@example.org")
    assert refused.value.code == "slot_taken"
    assert "vergeben" in refused.value.message
    assert Booking.objects.filter(start=start).count() == 2
    free = dict(calendar.available_starts(office, service, MONDAY, now=now))
    assert start not in free


def test_long_service_spans_several_slots(cities, office, now):
    long_service = make_service(cities["dortmund"], [office], duration=40)  # three slots
    booking, _key = book(long_service, office, at(MONDAY, 10), now)
    assert booking.end == at(MONDAY, 10, 45)
    assert SlotUse.objects.filter(booking=booking).count() == 3
    # 11:15 would end at 12:00 exactly; 11:30 would run past closing time.
    starts = [s for s, _f in calendar.available_starts(office, long_service, MONDAY, now=now)]
    assert at(MONDAY, 11, 15) in starts and at(MONDAY, 11, 30) not in starts


def test_a_slot_in_the_past_is_refused(office, service, now):
    with pytest.raises(BookingError) as refused:
        book(service, office, at(MONDAY, 6, 45), now)
    assert refused.value.code == "past" and refused.value.field == "start"


def test_public_holidays_are_closed(office, service, now):
    assert calendar.holiday_name(GOOD_FRIDAY) == "Karfreitag"
    assert calendar.available_starts(office, service, GOOD_FRIDAY, now=now) == []
    with pytest.raises(BookingError) as refused:
        book(service, office, at(GOOD_FRIDAY, 9), now)
    assert refused.value.code == "closed"
    assert "Karfreitag" in refused.value.message


def test_closures_and_weekends_are_closed(office, service, now):
    Closure.objects.create(
        office=office, first_day=MONDAY, last_day=MONDAY, reason="Personalversammlung"
    )
    with pytest.raises(BookingError) as refused:
        book(service, office, at(MONDAY, 9), now)
    assert "Personalversammlung" in refused.value.message
    saturday = MONDAY + dt.timedelta(days=5)
    with pytest.raises(BookingError) as refused:
        book(service, office, at(saturday, 9), now)
    assert refused.value.code == "closed"


def test_off_grid_and_unoffered_starts_are_refused(cities, office, service, now):
    with pytest.raises(BookingError) as refused:
        book(service, office, at(MONDAY, 9, 7), now)
    assert refused.value.field == "start"
    other = make_office(cities["dortmund"])
    with pytest.raises(BookingError) as refused:
        book(service, other, at(MONDAY, 9), now)
    assert refused.value.field == "office"


def test_holds_take_capacity_until_they_expire(office, service, now, settings):
    settings.APPOINTMENTS_HOLD_MINUTES = 10
    start = at(MONDAY, 9)
    services.hold(service, office, start, now=now)
    services.hold(service, office, start, now=now)
    with pytest.raises(BookingError):
        services.hold(service, office, start, now=now)
    assert start not in dict(calendar.available_starts(office, service, MONDAY, now=now))
    later = now + dt.timedelta(minutes=11)
    assert dict(calendar.available_starts(office, service, MONDAY, now=later))[start] == 2
    booking, _key = book(service, office, start, later)
    assert booking.counter in (1, 2)
    assert Hold.objects.count() == 0  # both expired holds were removed under the lock


def test_confirming_a_hold_keeps_its_counter(office, service, now):
    held = services.hold(service, office, at(MONDAY, 9), now=now)
    booking, key = services.confirm_hold(held.token, "Erika", "erika@example.org", now=now)
    assert booking.start == at(MONDAY, 9)
    assert not Hold.objects.exists()
    assert SlotUse.objects.get(booking=booking).counter == booking.counter
    assert booking.key_matches(key) and len(booking.key_hash) == 64 and key not in booking.key_hash


def test_an_expired_hold_cannot_be_confirmed(office, service, now):
    held = services.hold(service, office, at(MONDAY, 9), now=now)
    with pytest.raises(BookingError) as refused:
        services.confirm_hold(
            held.token, "Erika", "erika@example.org", now=now + dt.timedelta(minutes=11)
        )
    assert refused.value.code == "hold_expired"
    assert not Booking.objects.exists()


def test_limit_per_email_and_day(office, service, now, settings):
    settings.APPOINTMENTS_MAX_PER_EMAIL_PER_DAY = 2
    book(service, office, at(MONDAY, 9), now, email="Max@Example.org")
    book(service, office, at(MONDAY, 10), now, email="max@example.org")
    with pytest.raises(BookingError) as refused:
        book(service, office, at(MONDAY, 11), now, email="MAX@example.ORG")
    assert refused.value.field == "email" and refused.value.code == "limit_reached"
    # Another day is fine.
    book(service, office, at(MONDAY + dt.timedelta(days=1), 9), now, email="max@example.org")


def test_bad_name_and_email_are_refused(office, service, now):
    with pytest.raises(BookingError) as refused:
        book(service, office, at(MONDAY, 9), now, name="  ")
    assert refused.value.field == "name"
    with pytest.raises(BookingError) as refused:
        book(service, office, at(MONDAY, 9), now, email="keine-adresse")
    assert refused.value.field == "email"
    assert not Booking.objects.exists()


def test_cancel_frees_the_slot_and_the_key_cannot_be_reused(office, service, now):
    start = at(MONDAY, 9)
    booking, key = book(service, office, start, now)
    with pytest.raises(BookingError) as refused:
        services.cancel(booking.code, "falscher-schluessel", now=now)
    assert refused.value.code == "wrong_key"
    services.cancel(booking.code, key, now=now)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert dict(calendar.available_starts(office, service, MONDAY, now=now))[start] == 2
    with pytest.raises(BookingError) as refused:
        services.cancel(booking.code, key, now=now)
    assert refused.value.code == "cancelled"


def test_a_key_only_opens_its_own_booking(office, service, now):
    mine, _my_key = book(service, office, at(MONDAY, 9), now, email="a@example.org")
    _other, other_key = book(service, office, at(MONDAY, 9), now, email="b@example.org")
    with pytest.raises(BookingError) as refused:
        services.find_booking(mine.code, other_key)
    assert refused.value.code == "wrong_key"


def test_move_is_atomic_and_rotates_the_key(office, service, now):
    booking, key = book(service, office, at(MONDAY, 9), now, email="a@example.org")
    # Fill 10:00 completely: moving there must fail and leave 09:00 booked.
    book(service, office, at(MONDAY, 10), now, email="b@example.org")
    book(service, office, at(MONDAY, 10), now, email="c@example.org")
    with pytest.raises(BookingError) as refused:
        services.move(booking.code, key, office, at(MONDAY, 10), now=now)
    assert refused.value.code == "slot_taken"
    booking.refresh_from_db()
    assert booking.start == at(MONDAY, 9) and booking.uses.count() == 1
    assert booking.key_matches(key)

    moved, new_key = services.move(booking.code, key, office, at(MONDAY, 11), now=now)
    assert moved.start == at(MONDAY, 11) and moved.end == at(MONDAY, 11, 15)
    assert [use.slot.start for use in moved.uses.select_related("slot")] == [at(MONDAY, 11)]
    assert dict(calendar.available_starts(office, service, MONDAY, now=now))[at(MONDAY, 9)] == 2
    with pytest.raises(BookingError):
        services.cancel(booking.code, key, now=now)  # the old key is spent
    services.cancel(booking.code, new_key, now=now)


def test_move_to_an_overlapping_time_reuses_its_own_counter(cities, now):
    office = make_office(cities["dortmund"], counters=1)
    service = make_service(cities["dortmund"], [office], duration=30)
    booking, key = book(service, office, at(MONDAY, 9), now)
    moved, _key = services.move(booking.code, key, office, at(MONDAY, 9, 15), now=now)
    assert moved.start == at(MONDAY, 9, 15)
    assert sorted(u.slot.start for u in moved.uses.select_related("slot")) == [
        at(MONDAY, 9, 15),
        at(MONDAY, 9, 30),
    ]


def test_blocked_slots_cannot_be_booked(office, service, now):
    services.set_blocked(office, at(MONDAY, 9), True)
    with pytest.raises(BookingError) as refused:
        book(service, office, at(MONDAY, 9), now)
    assert refused.value.code == "slot_taken"
    services.set_blocked(office, at(MONDAY, 9), False)
    assert book(service, office, at(MONDAY, 9), now)[0].pk


def test_local_time_is_used_for_days(office, service, now):
    booking, _key = book(service, office, at(MONDAY, 8), now)
    assert timezone.localtime(booking.start).hour == 8


def test_capacity_can_differ_by_time_of_day(cities, now):
    office = make_office(cities["dortmund"], counters=3)
    # Afternoon with a single counter.
    office.opening_hours.create(weekday=0, opens=dt.time(13, 0), closes=dt.time(15, 0), counters=1)
    service = make_service(cities["dortmund"], [office])
    free = dict(calendar.available_starts(office, service, MONDAY, now=now))
    assert free[at(MONDAY, 9)] == 3 and free[at(MONDAY, 13)] == 1
    book(service, office, at(MONDAY, 13), now, email="a@example.org")
    with pytest.raises(BookingError):
        book(service, office, at(MONDAY, 13), now, email="b@example.org")
    for letter in "cde":
        book(service, office, at(MONDAY, 9), now, email=f"{letter}@example.org")
    with pytest.raises(BookingError):
        book(service, office, at(MONDAY, 9), now, email="f@example.org")


def test_several_days_at_once_give_the_days_answers_with_one_slot_query(office, service, now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    week = [MONDAY + dt.timedelta(days=offset) for offset in range(7)]
    book(service, office, at(MONDAY, 9), now)
    book(service, office, at(MONDAY + dt.timedelta(days=1), 10), now)
    office = type(office).objects.prefetch_related("opening_hours", "closures").get(pk=office.pk)
    with CaptureQueriesContext(connection) as queries:
        by_day = calendar.available_starts_by_day(office, service, week, now=now)
    assert len(queries) == 1  # the slot rows of the whole week
    assert by_day == {day: calendar.available_starts(office, service, day, now=now) for day in week}
    assert dict(by_day[MONDAY])[at(MONDAY, 9)] == 1  # one of two counters booked
    assert by_day[MONDAY + dt.timedelta(days=5)] == []  # Saturday: closed
