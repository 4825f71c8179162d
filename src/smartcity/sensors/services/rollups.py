"""Hourly roll-ups of numeric results, maintained per stored batch (not by a trigger).

``bulk.insert`` upserts one row per (Datastream, hour) touched by a batch in the statement that
stores it; ``rebuild`` recomputes
hours from the Observations after deletes, time/result edits or bulk loads that bypassed the
service (e.g. COPY in the benchmark).
"""

from datetime import UTC

from django.db import connection

from smartcity.sensors.models import HourlyAggregate, Observation

TABLE = HourlyAggregate._meta.db_table


def _hour(value):
    return value.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def hour_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('hour', {column})"
    return f"strftime('%%Y-%%m-%%d %%H:00:00', {column})"


def rebuild(stream_id: int, start=None, end=None) -> None:
    """Recompute the roll-ups of one Datastream (optionally only hours in [start, end))."""
    where, params = ["datastream_id = %s"], [stream_id]
    if start is not None:
        where.append("phenomenon_time_start >= %s")
        params.append(connection.ops.adapt_datetimefield_value(_hour(start)))
    if end is not None:
        where.append("phenomenon_time_start < %s")
        params.append(connection.ops.adapt_datetimefield_value(end))
    deleted = HourlyAggregate.objects.filter(datastream_id=stream_id)
    if start is not None:
        deleted = deleted.filter(hour__gte=_hour(start))
    if end is not None:
        deleted = deleted.filter(hour__lt=end)
    deleted.delete()
    conditions = " AND ".join(where)
    hour = hour_sql("phenomenon_time_start")
    sql = (
        f"INSERT INTO {TABLE} (datastream_id, hour, count, numeric_count, total, minimum, maximum) "  # noqa: S608
        f"SELECT datastream_id, {hour}, COUNT(*), COUNT(result_number), SUM(result_number), "
        f"MIN(result_number), MAX(result_number) FROM {Observation._meta.db_table} "
        f"WHERE {conditions} GROUP BY datastream_id, {hour}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild_hour_of(stream_id: int, moment) -> None:
    from datetime import timedelta

    hour = _hour(moment)
    rebuild(stream_id, hour, hour + timedelta(hours=1))
