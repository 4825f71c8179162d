"""Per-lesson statistics, latest values, time series and daily summaries of rooms.

Everything is computed by the database (one query per call, grouped in SQL) or with numpy on
arrays fetched in one query; never by looping over Observation rows in Python.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.db import connection
from django.db.models import OuterRef, Subquery

from smartcity.schools import calendar, guidance
from smartcity.schools.models import RoomSensor
from smartcity.sensors.models import Observation

OBSERVATIONS = Observation._meta.db_table


def _db_time(value):
    return connection.ops.adapt_datetimefield_value(value)


def epoch_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_part('epoch', {column})"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def streams_of(rooms, quantity: str) -> dict[int, int]:
    """{room_id: datastream_id} of one quantity."""
    return dict(
        RoomSensor.objects.filter(room__in=rooms, quantity=quantity).values_list(
            "room_id", "datastream_id"
        )
    )


def lesson_statistics(rooms, start: date, end: date, occupied_only: bool = True) -> list[dict]:
    """Per room and lesson in [start, end]: mean and max CO₂, minutes from 1000 and above 2000.

    ``rooms`` all belong to one school (its timetable defines the lessons). Minutes are the
    share of the lesson's readings in that band times the lesson's length (with one reading a
    minute: the number of readings).
    """
    rooms = list(rooms)
    if not rooms:
        return []
    school = rooms[0].building.school
    lessons = calendar.lessons(school, start, end)
    streams = streams_of(rooms, "co2")
    if not lessons or not streams:
        return []
    room_of = {stream: room for room, stream in streams.items()}
    occupancy = calendar.occupancy_of(rooms)
    stream_ids = sorted(room_of)
    if connection.vendor == "postgresql":
        rows = _lesson_rows_by_time_of_day(school, lessons, stream_ids)
    else:
        rows = _lesson_rows_by_search(lessons, stream_ids)
    results = []
    for stream, idx, count, mean, high, above_good, above_bad in rows:
        if not count:
            continue
        lesson = lessons[idx]
        room = room_of[stream]
        pupils = occupancy.get((room, lesson.day.weekday(), lesson.period), 0)
        if occupied_only and not pupils:
            continue
        minutes = (lesson.end - lesson.start).total_seconds() / 60
        per_reading = minutes / count
        results.append(
            {
                "room_id": room,
                "day": lesson.day,
                "period": lesson.period,
                "start": lesson.start,
                "end": lesson.end,
                "pupils": pupils,
                "readings": int(count),
                "mean": float(mean),
                "max": float(high),
                "minutes_from_1000": round(int(above_good) * per_reading, 1),
                "minutes_above_2000": round(int(above_bad) * per_reading, 1),
                "light": guidance.co2_light(float(mean)),
            }
        )
    results.sort(key=lambda row: (row["room_id"], row["start"]))
    return results


BANDS = (
    "COUNT(o.result_number), AVG(o.result_number), MAX(o.result_number), "
    f"SUM(CASE WHEN o.result_number >= {guidance.CO2_GOOD} THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN o.result_number > {guidance.CO2_BAD} THEN 1 ELSE 0 END)"
)


def _lesson_rows_by_search(lessons, stream_ids) -> list[tuple]:
    """(stream, lesson index, count, mean, max, from 1000, above 2000) on SQLite: one indexed
    read per stream over the lessons' span, each reading placed in its lesson with numpy
    (``searchsorted``) and summed per lesson (``bincount``). SQLite's planner turns a join of
    the lessons with the readings into a scan of the whole table (automatic index, bloom
    filter), so the database is only asked for the rows."""
    starts = np.array([lesson.start.timestamp() for lesson in lessons])
    ends = np.array([lesson.end.timestamp() for lesson in lessons])
    size = len(lessons)
    rows = []
    for stream in stream_ids:
        times, values = series(stream, lessons[0].start, lessons[-1].end)
        position = np.searchsorted(starts, times, side="right") - 1
        inside = (position >= 0) & (times < ends[np.clip(position, 0, None)])
        position, values = position[inside], values[inside]
        count = np.bincount(position, minlength=size)
        total = np.bincount(position, weights=values, minlength=size)
        good = np.bincount(position, weights=values >= guidance.CO2_GOOD, minlength=size)
        bad = np.bincount(position, weights=values > guidance.CO2_BAD, minlength=size)
        high = np.full(size, -np.inf)
        np.maximum.at(high, position, values)
        rows += [
            (stream, int(index), int(count[index]), total[index] / count[index], high[index])
            + (int(good[index]), int(bad[index]))
            for index in np.flatnonzero(count)
        ]
    return rows


def _lesson_rows_by_time_of_day(school, lessons, stream_ids) -> list[tuple]:
    """The same rows from one index range scan (PostgreSQL): each reading's local date and
    time of day give its period, the database groups by (stream, date, period); the grouped
    rows are matched to the school days' lessons (weekends, holidays fall away)."""
    from smartcity.schools.models import Period

    periods = list(Period.objects.filter(school=school).order_by("number"))
    cases = " ".join(f"WHEN tod >= %s AND tod < %s THEN {int(period.number)}" for period in periods)
    case_params = [moment for period in periods for moment in (period.start, period.end)]
    marks = ", ".join(["%s"] * len(stream_ids))
    zone = str(calendar.LOCAL)
    # OFFSET 0 keeps the inner query apart, so each reading's local time is computed once.
    sql = (
        f"SELECT datastream_id, day, period, {BANDS.replace('o.result_number', 'value')} "  # noqa: S608
        f"FROM (SELECT datastream_id, day, CASE {cases} END AS period, value FROM ("
        "SELECT o.datastream_id, (o.phenomenon_time_start AT TIME ZONE %s)::date AS day, "
        "(o.phenomenon_time_start AT TIME ZONE %s)::time AS tod, o.result_number AS value "
        f"FROM {OBSERVATIONS} o WHERE o.datastream_id IN ({marks}) "
        "AND o.phenomenon_time_start >= %s AND o.phenomenon_time_start < %s OFFSET 0) AS r"
        ") AS p WHERE period IS NOT NULL GROUP BY datastream_id, day, period"
    )
    params = [*case_params, zone, zone, *stream_ids, lessons[0].start, lessons[-1].end]
    index = {(lesson.day, lesson.period): position for position, lesson in enumerate(lessons)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        grouped = cursor.fetchall()
    return [
        (stream, index[(day, period)], *figures)
        for stream, day, period, *figures in grouped
        if (day, period) in index
    ]


def latest_values(rooms) -> dict[int, dict]:
    """{room_id: {quantity: (value, time)}}: the newest reading of every sensor, one query
    (PostgreSQL: a LATERAL join, one backward index probe per Datastream)."""
    answer = defaultdict(dict)
    room_ids = [room.pk for room in rooms]
    if not room_ids:
        return answer
    if connection.vendor == "postgresql":
        sql = (
            "SELECT rs.room_id, rs.quantity, o.result_number, o.phenomenon_time_start "  # noqa: S608
            f"FROM {RoomSensor._meta.db_table} rs LEFT JOIN LATERAL ("
            f"SELECT result_number, phenomenon_time_start FROM {OBSERVATIONS} "
            "WHERE datastream_id = rs.datastream_id ORDER BY phenomenon_time_start DESC LIMIT 1"
            ") o ON TRUE WHERE rs.room_id = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [room_ids])
            rows = cursor.fetchall()
    else:
        newest = Observation.objects.filter(datastream_id=OuterRef("datastream_id")).order_by(
            "-phenomenon_time_start"
        )
        rows = (
            RoomSensor.objects.filter(room_id__in=room_ids)
            .annotate(
                value=Subquery(newest.values("result_number")[:1]),
                time=Subquery(newest.values("phenomenon_time_start")[:1]),
            )
            .values_list("room_id", "quantity", "value", "time")
        )
    for room, quantity, value, time in rows:
        answer[room][quantity] = (value, time)
    return answer


def series(datastream_id: int, start: datetime, end: datetime):
    """(epoch seconds, values) of one Datastream's numeric readings in [start, end), as arrays."""
    sql = (
        f"SELECT {epoch_sql('phenomenon_time_start')}, result_number FROM {OBSERVATIONS} "  # noqa: S608
        "WHERE datastream_id = %s AND phenomenon_time_start >= %s "
        "AND phenomenon_time_start < %s AND result_number IS NOT NULL "
        "ORDER BY phenomenon_time_start"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [datastream_id, _db_time(start), _db_time(end)])
        rows = cursor.fetchall()
    if not rows:
        return np.empty(0), np.empty(0)
    data = np.asarray(rows, dtype=float)
    return np.round(data[:, 0], 3), data[:, 1]


def bucketed(stream_ids, start: datetime, end: datetime, seconds: int) -> dict[int, list]:
    """{datastream_id: [(bucket start, mean), …]} in buckets of ``seconds``, one query."""
    if not stream_ids:
        return {}
    epoch = epoch_sql("phenomenon_time_start")
    bucket = f"FLOOR(({epoch}) / {int(seconds)}) * {int(seconds)}"
    marks = ", ".join(["%s"] * len(stream_ids))
    sql = (
        f"SELECT datastream_id, {bucket} AS bucket, AVG(result_number) FROM {OBSERVATIONS} "  # noqa: S608
        f"WHERE datastream_id IN ({marks}) AND phenomenon_time_start >= %s "
        "AND phenomenon_time_start < %s AND result_number IS NOT NULL "
        "GROUP BY datastream_id, bucket ORDER BY datastream_id, bucket"
    )
    answer = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*stream_ids, _db_time(start), _db_time(end)])
        for stream, moment, value in cursor.fetchall():
            answer[stream].append((datetime.fromtimestamp(round(float(moment)), tz=UTC), value))
    return answer


def describe(values, limit=None) -> dict:
    """Mean, median, min, max and share above ``limit`` of a sequence of numbers."""
    data = np.asarray([value for value in values if value is not None], dtype=float)
    if not data.size:
        return {"count": 0}
    answer = {
        "count": int(data.size),
        "mean": float(np.mean(data)),
        "median": float(np.median(data)),
        "min": float(np.min(data)),
        "max": float(np.max(data)),
    }
    if limit is not None:
        answer["share_above"] = float(np.mean(data > limit))
    return answer


def correlation(pairs) -> float | None:
    """Pearson's r of (x, y) pairs; None with fewer than three or without variation."""
    data = np.asarray([pair for pair in pairs if None not in pair], dtype=float)
    if len(data) < 3 or np.std(data[:, 0]) == 0 or np.std(data[:, 1]) == 0:
        return None
    return float(np.corrcoef(data[:, 0], data[:, 1])[0, 1])


def daily_summaries(rooms, start: date, end: date) -> list[dict]:
    """Per room and school day: lessons, mean CO₂ in lessons, share of lesson time from 1000 ppm,
    highest CO₂ — the public page's figures (from the lesson statistics)."""
    days = defaultdict(list)
    for row in lesson_statistics(rooms, start, end):
        days[(row["room_id"], row["day"])].append(row)
    summaries = []
    for (room, day), rows in sorted(days.items()):
        readings = sum(row["readings"] for row in rows)
        minutes = sum((row["end"] - row["start"]).total_seconds() / 60 for row in rows)
        mean = sum(row["mean"] * row["readings"] for row in rows) / readings
        summaries.append(
            {
                "room_id": room,
                "day": day,
                "lessons": len(rows),
                "mean": mean,
                "max": max(row["max"] for row in rows),
                "share_from_1000": sum(row["minutes_from_1000"] for row in rows) / minutes,
                "light": guidance.co2_light(mean),
            }
        )
    return summaries


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=calendar.LOCAL)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)
