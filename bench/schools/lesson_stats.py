"""Smart schools: per-lesson statistics and the live dashboard over a school year of 1-minute data.

    .venv/bin/python bench/schools/lesson_stats.py [--postgres postgres://…/bench_schools]
        [--rooms 40] [--days 0] [--minutes-per-day 600]

What is built: one school of ``--rooms`` rooms (the measured school) with CO₂ readings once a
minute for ``--minutes-per-day`` minutes (07:00–17:00 local) on every school day of the NRW
school year 2026/27 (2 Sep 2026 – 16 Jul 2027, holidays and public holidays left out: 193
days), i.e. 40 × 193 × 600 ≈ 4.6 million rows, loaded with the database's bulk path (COPY on
PostgreSQL). Temperature, humidity, PM and noise get the last school day only (the dashboard
reads their newest value). The other 1,960 rooms of the 2,000-room scenario are NOT generated:
every query here reads one room's rows through the (datastream, time) index, so the other
rooms' rows would only add index depth, not rows read. ``--days N`` limits the year to its
first N school days for a quick run.

Figures, each the best of several runs, as ratios to a baseline measured in the same run:
- per-lesson statistics of one room for the whole year, vs. a plain indexed read
  (``SELECT time, value … WHERE datastream_id = ? AND time in the year``) of the same room;
- the same for all rooms of the school;
- the dashboard's server time (HTML page and its JSON endpoint, as a teacher, through Django's
  test client: middleware, session, permissions, template) vs. a plain indexed read of the rows
  it shows (the newest reading of each of the school's 240 datastreams, one LATERAL query).
"""

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import best_of, start_django  # noqa: E402

YEAR_START, YEAR_END = date(2026, 9, 2), date(2027, 7, 16)
COLUMNS = ["datastream_id", "feature_of_interest_id", "phenomenon_time_start", "result_kind"]


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="postgres://… URL of a scratch database (dropped!)")
    parser.add_argument("--rooms", type=int, default=40)
    parser.add_argument("--days", type=int, default=0, help="only the first N school days")
    parser.add_argument("--minutes-per-day", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL only: keep the database of an earlier run with the same options",
    )
    return parser.parse_args()


def reuse_django(postgres: str) -> None:
    """Like ``harness.start_django`` but keeps the database (and its rows) as it is."""
    import os
    import tempfile

    os.environ.update(
        SMARTCITY_HOME=tempfile.mkdtemp(prefix="schools-bench-"),
        SMARTCITY_SECRET_KEY="bench-" + "x" * 50,
        SMARTCITY_DEBUG="false",
        SMARTCITY_HTTPS="false",
        SMARTCITY_ALLOWED_HOSTS="testserver,localhost",
        DJANGO_SETTINGS_MODULE="smartcity.settings",
        SMARTCITY_DATABASE_URL=postgres,
    )
    os.environ.pop("SMARTCITY_MQTT_URL", None)
    root = Path(__file__).resolve().parents[2]
    sys.path[:0] = [str(root / "src"), str(root)]
    import django

    django.setup()


def build(args):
    from smartcity.accounts.models import Membership, User
    from smartcity.accounts.roles import Role
    from smartcity.core.demo import load_cities
    from smartcity.core.models import City
    from smartcity.schools import calendar, demo, services
    from smartcity.schools.models import Building, School, Teacher

    load_cities()
    calendar.import_holidays(calendar.NRW_HOLIDAYS_2026_27)
    city = City.objects.get(slug="dortmund")
    school = School.objects.create(
        city=city, name="Bench-Schule", slug="bench", latitude=51.5, longitude=7.46
    )
    services.add_periods(school)
    building = Building.objects.create(school=school, name="Hauptgebäude")
    rooms = []
    for number in range(args.rooms):
        room = services.add_room(building, f"R{number:03d}", f"r{number:03d}")
        services.set_occupancy(room, demo._occupancy(number))
        rooms.append(room)
    user = User.objects.create_user(username="bench", email="bench@example.org")
    Membership.objects.create(user=user, city=city, role=Role.TEACHER)
    Teacher.objects.create(school=school, user=user)
    days = calendar.school_days(YEAR_START, YEAR_END)
    if args.days:
        days = days[: args.days]
    return school, rooms, days, user


def existing(args):
    from smartcity.accounts.models import User
    from smartcity.schools import calendar
    from smartcity.schools.models import Room, School

    school = School.objects.get(slug="bench")
    rooms = list(Room.objects.filter(building__school=school).order_by("slug"))
    days = calendar.school_days(YEAR_START, YEAR_END)
    if args.days:
        days = days[: args.days]
    return school, rooms, days, User.objects.get(username="bench")


def day_starts(days):
    """Epoch seconds of 07:00 local on each school day."""
    from smartcity.schools import calendar

    return np.array(
        [
            datetime.combine(day, datetime.min.time().replace(hour=7), tzinfo=calendar.LOCAL)
            .astimezone(UTC)
            .timestamp()
            for day in days
        ]
    )


def load_rows(rooms, days, minutes_per_day, quantities=("co2",), only_last_day=False):
    """Bulk-load synthetic readings (COPY on PostgreSQL, executemany on SQLite)."""
    from django.db import connection, transaction

    from smartcity.sensors.services import feature_from_thing

    starts = day_starts(days[-1:] if only_last_day else days)
    offsets = np.arange(minutes_per_day) * 60.0
    moments = (starts[:, None] + offsets[None, :]).ravel()
    rng = np.random.default_rng(1)
    total = 0
    for room in rooms:
        for sensor in room.sensors.filter(quantity__in=quantities).select_related(
            "datastream__thing"
        ):
            feature = feature_from_thing(sensor.datastream).pk
            minute = np.tile(np.arange(minutes_per_day), len(starts))
            values = np.round(600 + 900 * ((minute % 50) / 50) + rng.normal(0, 5, moments.size), 1)
            stamps = [datetime.fromtimestamp(moment, tz=UTC) for moment in moments]
            if connection.vendor == "postgresql":
                with (
                    connection.cursor() as cursor,
                    cursor.cursor.copy(
                        "COPY sensors_observation (datastream_id, feature_of_interest_id, "
                        "phenomenon_time_start, result_kind, result_number) FROM STDIN"
                    ) as copy,
                ):
                    for stamp, value in zip(stamps, values.tolist(), strict=True):
                        copy.write_row((sensor.datastream_id, feature, stamp, "n", value))
            else:
                from django.db.models import DateTimeField

                field = DateTimeField()
                rows = [
                    (
                        sensor.datastream_id,
                        feature,
                        field.get_db_prep_value(stamp, connection),
                        "n",
                        value,
                    )
                    for stamp, value in zip(stamps, values.tolist(), strict=True)
                ]
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO sensors_observation (datastream_id, feature_of_interest_id, "
                        "phenomenon_time_start, result_kind, result_number) "
                        "VALUES (%s, %s, %s, %s, %s)",
                        rows,
                    )
            total += moments.size
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return total


def plain_read(stream_ids, start, end):
    """The baseline: fetch the rows through the (datastream, time) index, nothing computed."""
    from django.db import connection

    marks = ", ".join(["%s"] * len(stream_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datastream_id, phenomenon_time_start, result_number FROM sensors_observation "  # noqa: S608
            f"WHERE datastream_id IN ({marks}) AND phenomenon_time_start >= %s "
            "AND phenomenon_time_start < %s",
            [
                *stream_ids,
                connection.ops.adapt_datetimefield_value(start),
                connection.ops.adapt_datetimefield_value(end),
            ],
        )
        return len(cursor.fetchall())


def newest_rows(stream_ids):
    """The dashboard's baseline: the newest row of each datastream through the index (one
    LATERAL query on PostgreSQL; on SQLite, in-process, one indexed read per datastream)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT d.id, o.phenomenon_time_start, o.result_number "
                "FROM unnest(%s::bigint[]) AS d(id) CROSS JOIN LATERAL ("
                "SELECT phenomenon_time_start, result_number FROM sensors_observation "
                "WHERE datastream_id = d.id ORDER BY phenomenon_time_start DESC LIMIT 1) AS o",
                [list(stream_ids)],
            )
            return len(cursor.fetchall())
        for stream in stream_ids:
            cursor.execute(
                "SELECT phenomenon_time_start, result_number FROM sensors_observation "
                "WHERE datastream_id = %s ORDER BY phenomenon_time_start DESC LIMIT 1",
                [stream],
            )
            cursor.fetchone()
        return len(stream_ids)


def main():
    args = arguments()
    if args.reuse and args.postgres:
        reuse_django(args.postgres)
    else:
        start_django("schools", args.postgres)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    # Templates name static files; the scratch home has no collected manifest.
    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES=storages).enable()

    from smartcity.schools import statistics
    from smartcity.schools.models import RoomSensor, School
    from smartcity.sensors.models import Observation

    started = time.perf_counter()
    if args.reuse and School.objects.filter(slug="bench").exists():
        school, rooms, days, user = existing(args)
        loaded = Observation.objects.count()
    else:
        school, rooms, days, user = build(args)
        loaded = load_rows(rooms, days, args.minutes_per_day)
        loaded += load_rows(
            rooms,
            days,
            args.minutes_per_day,
            quantities=("temperature", "humidity", "pm25", "pm10", "noise"),
            only_last_day=True,
        )
    print(
        f"database: {connection.vendor}; {len(rooms)} rooms, {len(days)} school days × "
        f"{args.minutes_per_day} minutes; {loaded:,} rows loaded in "
        f"{time.perf_counter() - started:.0f} s"
    )
    first, last = days[0], days[-1]
    start, _ignored = statistics.day_bounds(first)
    _ignored, end = statistics.day_bounds(last)
    one = rooms[:1]
    one_stream = list(statistics.streams_of(one, "co2").values())
    all_streams = list(statistics.streams_of(rooms, "co2").values())
    lessons_one = statistics.lesson_statistics(one, first, last)
    lessons_all = statistics.lesson_statistics(rooms, first, last)
    rows_one = plain_read(one_stream, start, end)
    rows_all = plain_read(all_streams, start, end)
    print(
        f"lessons: one room {len(lessons_one):,}, school {len(lessons_all):,}; "
        f"rows read by the baseline: one room {rows_one:,}, school {rows_all:,}"
    )

    def figure(label, measured, baseline):
        print(
            f"{label}: {measured * 1000:.1f} ms; baseline {baseline * 1000:.1f} ms; "
            f"ratio {measured / baseline:.2f}x"
        )

    repeat = args.repeat
    figure(
        f"per-lesson statistics, one room, {len(days)} school days",
        best_of(lambda: statistics.lesson_statistics(one, first, last), repeat),
        best_of(lambda: plain_read(one_stream, start, end), repeat),
    )
    figure(
        f"per-lesson statistics, school of {len(rooms)} rooms, {len(days)} school days",
        best_of(lambda: statistics.lesson_statistics(rooms, first, last), max(1, repeat - 1)),
        best_of(lambda: plain_read(all_streams, start, end), max(1, repeat - 1)),
    )
    client = Client()
    client.force_login(user)
    page = f"/dortmund/schulen/{school.slug}/live/"
    assert client.get(page).status_code == 200
    every_stream = list(
        RoomSensor.objects.filter(room__in=rooms).values_list("datastream_id", flat=True)
    )
    baseline = best_of(lambda: newest_rows(every_stream), repeat * 3)
    figure(
        f"dashboard page (HTML, {len(every_stream)} datastreams)",
        best_of(lambda: client.get(page), repeat * 3),
        baseline,
    )
    figure(
        "dashboard JSON endpoint",
        best_of(lambda: client.get(f"/dortmund/schulen/{school.slug}/live.json"), repeat * 3),
        baseline,
    )


if __name__ == "__main__":
    main()
