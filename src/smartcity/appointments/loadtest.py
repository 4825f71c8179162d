"""Many clients booking the same day at once: used by the concurrency tests and the benchmark.

``race(...)`` runs in the current Django set-up (one thread and database connection per
client). ``python -m smartcity.appointments.loadtest --database URL`` prepares a fresh
database (e.g. an SQLite file) first and prints the result as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass


@dataclass
class RaceResult:
    clients: int
    capacity: int
    confirmed: int
    attempts: int
    refused: int
    errors: list
    seconds: float

    @property
    def bookings_per_second(self) -> float:
        return self.confirmed / self.seconds if self.seconds else 0.0


def prepare(city, slots: int, counters: int = 1):
    """An office open long enough for ``slots`` 15-minute slots on the next open day."""
    from django.utils import timezone

    from smartcity.appointments.calendar import holiday_name
    from smartcity.appointments.models import Office, OpeningHours, Service

    day = timezone.localdate() + dt.timedelta(days=2)
    while day.weekday() >= 5 or holiday_name(day):
        day += dt.timedelta(days=1)
    opens = dt.datetime.combine(day, dt.time(6, 0))
    closes = opens + dt.timedelta(minutes=15 * slots)
    office = Office.objects.create(
        city=city,
        slug=f"last-{secrets.token_hex(6)}",
        name="Lasttest",
        street="Südwall 2",
        postcode="44137",
        town="Dortmund",
        counters=counters,
        slot_minutes=15,
    )
    OpeningHours.objects.create(
        office=office, weekday=day.weekday(), opens=opens.time(), closes=closes.time()
    )
    service = Service.objects.create(
        city=city, slug=f"last-{office.pk}", name="Lasttest", duration_minutes=15
    )
    service.offices.add(office)
    return office, service, day


def race(office, service, day, clients: int, seed: int = 1, workers: int = 0) -> RaceResult:
    """Start ``clients`` threads together; each books one free slot or gives up when none is.

    ``workers`` > 0 lets only that many clients use the database at once (like a server's
    worker pool; PostgreSQL allows only so many connections); 0 means no limit.
    """
    from django.db import connection

    from smartcity.appointments import calendar, services
    from smartcity.appointments.models import Booking

    barrier = threading.Barrier(clients)
    pool = threading.BoundedSemaphore(workers) if workers else None
    lock = threading.Lock()
    totals = {"confirmed": 0, "attempts": 0, "refused": 0}
    errors: list[str] = []

    def attempt(number: int, chooser) -> str:
        free = calendar.available_starts(office, service, day)
        if not free:
            return "full"
        start, _count = chooser.choice(free)
        with lock:
            totals["attempts"] += 1
        try:
            services.book(service, office, start, f"Person {number}", f"p{number}@example.org")
        except services.BookingError as error:
            if error.code != "slot_taken":
                raise
            with lock:
                totals["refused"] += 1
            return "refused"
        with lock:
            totals["confirmed"] += 1
        return "booked"

    def client(number: int) -> None:
        chooser = random.Random(seed * 100_003 + number)  # noqa: S311 - reproducible, not secret
        try:
            barrier.wait()
            while True:
                if pool:
                    pool.acquire()
                try:
                    outcome = attempt(number, chooser)
                finally:
                    if pool:
                        connection.close()  # hand the connection back, as a worker would
                        pool.release()
                if outcome != "refused":
                    return
        except Exception as error:  # reported, and the caller's assertion fails
            with lock:
                errors.append(f"client {number}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    capacity = sum(office.counters_at(s) for s in calendar.candidate_starts(office, service, day))
    stored = Booking.objects.filter(office=office, status=Booking.Status.CONFIRMED).count()
    if stored != totals["confirmed"]:
        errors.append(f"{stored} bookings stored but {totals['confirmed']} reported")
    return RaceResult(
        clients, capacity, stored, totals["attempts"], totals["refused"], errors, seconds
    )


def sequential(office, service, day, count: int) -> float:
    """Baseline: one client booking ``count`` slots one after the other; seconds taken."""
    from smartcity.appointments import calendar, services

    starts = [start for start, _free in calendar.available_starts(office, service, day)][:count]
    began = time.perf_counter()
    for number, start in enumerate(starts):
        services.book(service, office, start, f"Basis {number}", f"basis{number}@example.org")
    return time.perf_counter() - began


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="database URL; default: a new SQLite file")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--counters", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="database worker pool size")
    parser.add_argument("--baseline", action="store_true", help="also time one sequential client")
    args = parser.parse_args(argv)

    home = tempfile.mkdtemp(prefix="smartcity-loadtest-")
    os.environ["SMARTCITY_HOME"] = home
    os.environ["SMARTCITY_DATABASE_URL"] = args.database or f"sqlite:///{home}/load.sqlite3"
    os.environ.setdefault("SMARTCITY_SECRET_KEY", "loadtest-" + "x" * 50)
    os.environ["DJANGO_SETTINGS_MODULE"] = "smartcity.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from smartcity.core.demo import load_cities
    from smartcity.core.models import City

    call_command("migrate", verbosity=0, skip_checks=True)
    load_cities()
    city = City.objects.get(slug="dortmund")
    office, service, day = prepare(city, args.slots, args.counters)
    result = race(office, service, day, args.clients, workers=args.workers)
    report = asdict(result) | {"bookings_per_second": result.bookings_per_second}
    if args.baseline:
        office, service, day = prepare(city, args.slots, args.counters)
        seconds = sequential(office, service, day, result.confirmed)
        report["baseline_seconds"] = seconds
        report["baseline_bookings_per_second"] = result.confirmed / seconds if seconds else 0
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")
    return 0 if not result.errors and result.confirmed == result.capacity else 1


if __name__ == "__main__":
    sys.exit(main())
