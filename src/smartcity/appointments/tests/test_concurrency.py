"""No double booking under many simultaneous clients, on PostgreSQL and on an SQLite file."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from smartcity.appointments import loadtest
from smartcity.appointments.models import Booking, SlotUse


@pytest.mark.skipif(
    not os.environ.get("SMARTCITY_TEST_DATABASE_URL"), reason="SMARTCITY_TEST_DATABASE_URL not set"
)
def test_many_threads_never_overbook_on_postgresql(transactional_db, cities):
    assert connection.vendor == "postgresql"
    office, service, day = loadtest.prepare(cities["dortmund"], slots=8, counters=2)
    result = loadtest.race(office, service, day, clients=40)
    assert result.errors == []
    assert result.capacity == 16
    assert result.confirmed == 16
    assert result.refused > 0  # the clients really did collide
    # Every counter of every slot is taken exactly once.
    pairs = list(SlotUse.objects.filter(slot__office=office).values_list("slot_id", "counter"))
    assert len(pairs) == len(set(pairs)) == 16
    assert Booking.objects.filter(office=office).count() == 16


def test_many_threads_never_overbook_on_an_sqlite_file(tmp_path):
    # A separate process with its own SQLite file database: the test database is in memory.
    env = dict(os.environ, SMARTCITY_TEST_DATABASE_URL="", PYTHONPATH="src")
    env.pop("SMARTCITY_DATABASE_URL", None)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "smartcity.appointments.loadtest",
            "--database",
            f"sqlite:///{tmp_path}/race.sqlite3",
            "--clients",
            "30",
            "--slots",
            "6",
            "--counters",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert completed.stdout, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["capacity"] == 12
    assert result["confirmed"] == 12
    assert result["refused"] > 0
    assert completed.returncode == 0


@pytest.mark.skipif(
    not os.environ.get("SMARTCITY_TEST_DATABASE_URL"), reason="SMARTCITY_TEST_DATABASE_URL not set"
)
def test_parallel_moves_into_one_slot_leave_the_losers_untouched(transactional_db, cities):
    import threading

    from smartcity.appointments import calendar, services

    office, service, day = loadtest.prepare(cities["dortmund"], slots=12, counters=1)
    starts = [start for start, _free in calendar.available_starts(office, service, day)]
    target = starts[-1]
    owned = [
        services.book(service, office, start, f"P{n}", f"p{n}@example.org")
        for n, start in enumerate(starts[:10])
    ]
    barrier = threading.Barrier(len(owned))
    outcomes = []

    def mover(booking, key):
        try:
            barrier.wait()
            services.move(booking.code, key, office, target)
            outcomes.append("moved")
        except services.BookingError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=mover, args=pair) for pair in owned]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["moved"] + ["slot_taken"] * 9
    bookings = Booking.objects.filter(office=office)
    assert bookings.filter(start=target).count() == 1
    winner = bookings.get(start=target)
    # Every loser still has its own time; the winner's old time is free again.
    original = {booking.pk: booking.start for booking, _key in owned}
    for booking in bookings.exclude(pk=winner.pk):
        assert booking.start == original[booking.pk]
    assert SlotUse.objects.filter(slot__office=office).count() == 10
    free = dict(calendar.available_starts(office, service, day))
    assert original[winner.pk] in free and target not in free
