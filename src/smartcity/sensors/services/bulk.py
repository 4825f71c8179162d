"""The Observation insert itself: columns built per row without model instances, one statement.

PostgreSQL: one ``INSERT … SELECT FROM unnest(arrays)`` whose data-modifying CTEs also upsert
the hourly roll-ups and widen the streams' phenomenonTime/resultTime ranges — a single round
trip per batch, whatever its size. SQLite: ``executemany`` (its fastest path) and then the
roll-ups and ranges from the new rows by id range in two statements (the write lock is held,
so the new ids are consecutive).
"""

import functools
from collections.abc import Sequence

import orjson
from django.db import connection

from smartcity.sensors.models import (
    Datastream,
    HourlyAggregate,
    MultiDatastream,
    Observation,
    ResultKind,
)
from smartcity.sensors.services import rollups

OBS = Observation._meta.db_table
HOURLY = HourlyAggregate._meta.db_table
INSERT_COLUMNS = (
    "datastream_id",
    "multi_datastream_id",
    "feature_of_interest_id",
    "phenomenon_time_start",
    "phenomenon_time_end",
    "result_time",
    "valid_time_start",
    "valid_time_end",
    "result_kind",
    "result_number",
    "result_string",
    "result_bool",
    "result_json",
    "result_quality",
    "parameters",
)
PG_TYPES = (
    "bigint",
    "bigint",
    "bigint",
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "text",
    "float8",
    "text",
    "boolean",
    "jsonb",
    "jsonb",
    "jsonb",
)
JSON_POSITIONS = (12, 13, 14)
TIME_POSITIONS = (3, 4, 5, 6, 7)
FIELD_NAMES = ("id", *INSERT_COLUMNS)
NUMBER, STRING, BOOLEAN, JSON = (
    ResultKind.NUMBER.value,
    ResultKind.STRING.value,
    ResultKind.BOOLEAN.value,
    ResultKind.JSON.value,
)


def add_rows(columns, stream_id, is_multi, items, default_feature_id) -> None:
    """Append the items' values to ``columns`` (one list per INSERT column)."""
    (
        datastream,
        multi,
        feature,
        start,
        end,
        result_time,
        valid_start,
        valid_end,
        kind,
        number,
        string,
        boolean,
        other,
        quality,
        parameters,
    ) = columns
    ds_id, mds_id = (None, stream_id) if is_multi else (stream_id, None)
    for item in items:
        datastream.append(ds_id)
        multi.append(mds_id)
        feature.append(item.feature_of_interest_id or default_feature_id)
        start.append(item.phenomenon_time_start)
        end.append(item.phenomenon_time_end)
        result_time.append(item.result_time)
        valid_start.append(item.valid_time_start)
        valid_end.append(item.valid_time_end)
        result = item.result
        # booleans before numbers: bool is an int
        if result.__class__ is float or (isinstance(result, int) and not isinstance(result, bool)):
            kind.append(NUMBER)
            number.append(float(result))
            string.append(None)
            boolean.append(None)
            other.append(None)
        elif isinstance(result, str):
            kind.append(STRING)
            number.append(None)
            string.append(result)
            boolean.append(None)
            other.append(None)
        elif isinstance(result, bool):
            kind.append(BOOLEAN)
            number.append(None)
            string.append(None)
            boolean.append(result)
            other.append(None)
        else:
            kind.append(JSON)
            number.append(None)
            string.append(None)
            boolean.append(None)
            other.append(result)
        quality.append(item.result_quality)
        parameters.append(item.parameters)


def _json_text(values):
    return [None if value is None else orjson.dumps(value).decode() for value in values]


def insert(columns, ids=None) -> list[int]:
    """Insert the rows; returns their ids in order.

    ``ids``: ids allocated beforehand (``streams.allocate_ids``, PostgreSQL), at least one per
    row; the rows get them and nothing is read back, so in the pipeline of
    ``streams.store_for_datastreams`` the INSERT goes out with the pipeline's sync.
    """
    if connection.vendor == "postgresql":
        if ids is not None:
            return _insert_postgresql_with_ids(columns, ids[: len(columns[0])])
        return _insert_postgresql(columns)
    return _insert_sqlite(columns)


def _ranges_cte(name, table, stream_column):
    return (
        f"{name} AS (UPDATE {table} AS s SET "  # noqa: S608 - our table names
        "phenomenon_time_start = LEAST(s.phenomenon_time_start, r.ps), "
        "phenomenon_time_end = GREATEST(s.phenomenon_time_end, r.pe), "
        "result_time_start = LEAST(s.result_time_start, r.rs), "
        "result_time_end = GREATEST(s.result_time_end, r.re) "
        f"FROM (SELECT {stream_column} AS sid, MIN(phenomenon_time_start) AS ps, "
        "MAX(COALESCE(phenomenon_time_end, phenomenon_time_start)) AS pe, "
        "MIN(result_time) AS rs, MAX(result_time) AS re "
        f"FROM new_rows WHERE {stream_column} IS NOT NULL GROUP BY {stream_column}) AS r "
        "WHERE s.id = r.sid)"
    )


def _rollup_upsert(least, greatest) -> str:
    return (
        f"ON CONFLICT (datastream_id, hour) DO UPDATE SET "
        f"count = {HOURLY}.count + excluded.count, "
        f"numeric_count = {HOURLY}.numeric_count + excluded.numeric_count, "
        f"total = CASE WHEN excluded.total IS NULL THEN {HOURLY}.total "
        f"WHEN {HOURLY}.total IS NULL THEN excluded.total "
        f"ELSE {HOURLY}.total + excluded.total END, "
        f"minimum = {least}(COALESCE({HOURLY}.minimum, excluded.minimum), "
        f"COALESCE(excluded.minimum, {HOURLY}.minimum)), "
        f"maximum = {greatest}(COALESCE({HOURLY}.maximum, excluded.maximum), "
        f"COALESCE(excluded.maximum, {HOURLY}.maximum))"
    )


# The columns the roll-ups and ranges are computed from.
_NEW_ROW_COLUMNS = (
    "datastream_id",
    "multi_datastream_id",
    "phenomenon_time_start",
    "phenomenon_time_end",
    "result_time",
    "result_number",
)


@functools.cache
def _insert_sql(with_ids: bool) -> str:
    """INSERT … SELECT FROM unnest(arrays) with the roll-up upsert and the stream ranges.

    Named parameters, one per column (``c0``, ``c1``, …): the roll-ups and ranges read the
    same arrays again (``new_rows``), which psycopg sends once, instead of the INSERT's
    ``RETURNING`` rows, which PostgreSQL would have to collect first (≈ 6 % of the
    statement for 1 000 rows). With ids allocated beforehand nothing comes back at all.
    """
    types = (("bigint",) if with_ids else ()) + PG_TYPES
    names = (("id",) if with_ids else ()) + INSERT_COLUMNS
    array = {
        name: f"%(c{position})b::{kind}[]"
        for position, (name, kind) in enumerate(zip(names, types, strict=True))
    }
    rollup_columns = "datastream_id, hour, count, numeric_count, total, minimum, maximum"
    returning = "" if with_ids else " RETURNING id"
    return (
        f"WITH ins AS (INSERT INTO {OBS} ({', '.join(names)}) "  # noqa: S608
        f"SELECT * FROM unnest({', '.join(array.values())}){returning}), "
        f"new_rows AS (SELECT * FROM unnest({', '.join(array[name] for name in _NEW_ROW_COLUMNS)}) "
        f"AS r({', '.join(_NEW_ROW_COLUMNS)})), "
        f"roll AS (INSERT INTO {HOURLY} ({rollup_columns}) "
        "SELECT datastream_id, date_trunc('hour', phenomenon_time_start), COUNT(*), "
        "COUNT(result_number), SUM(result_number), MIN(result_number), MAX(result_number) "
        "FROM new_rows WHERE datastream_id IS NOT NULL "
        "GROUP BY datastream_id, date_trunc('hour', phenomenon_time_start) "
        f"{_rollup_upsert('LEAST', 'GREATEST')}), "
        f"{_ranges_cte('ds', Datastream._meta.db_table, 'datastream_id')}, "
        f"{_ranges_cte('mds', MultiDatastream._meta.db_table, 'multi_datastream_id')} "
        + ("SELECT 1" if with_ids else "SELECT id FROM ins")
    )


def _named(values) -> dict:
    return {f"c{position}": value for position, value in enumerate(values)}


def _pg_params(columns) -> list:
    """The arrays to send; a column that is NULL in every row goes as a NULL array (the
    multi-argument ``unnest`` pads it with NULLs), which spares psycopg dumping a list of
    Nones — most columns of a plain numeric Observation."""
    params = [column if any(value is not None for value in column) else None for column in columns]
    for position in JSON_POSITIONS:
        if params[position] is not None:
            params[position] = _json_text(params[position])
    return params


def _insert_postgresql_with_ids(columns, ids) -> list[int]:
    import psycopg

    params = _pg_params(columns)
    connection.ensure_connection()
    raw = connection.connection
    # No pipeline block of its own and no fetch: in the caller's pipeline both statements wait
    # for its sync (outside one they run one after the other). An error of the INSERT surfaces
    # there, or already here when its answer arrives while the second statement is sent: as
    # Django's exception classes either way.
    with connection.wrap_database_errors:
        psycopg.Cursor(raw).execute(_insert_sql(True), _named([ids, *params]), binary=True)
        rollups.touch_days_postgresql(psycopg.Cursor(raw), columns[0], columns[3])
    return list(ids)


def _insert_postgresql(columns) -> list[int]:
    sql = _insert_sql(False)
    params = _pg_params(columns)
    import psycopg

    # Django's PostgreSQL cursors bind parameters on the client (quoted into the SQL text),
    # which for arrays of thousands of values costs more than the insert; a server-side
    # binding cursor sends them in binary.
    connection.ensure_connection()
    raw = connection.connection
    with (
        connection.wrap_database_errors,
        psycopg.Cursor(raw) as cursor,
        psycopg.Cursor(raw) as days,
    ):
        # Pipelined: the day rows' statement (a second one: the first one's roll-up upserts
        # are invisible to itself) goes out before the ids come back, one round trip for both.
        with raw.pipeline():
            cursor.execute(sql, _named(params), binary=True)
            rollups.touch_days_postgresql(days, columns[0], columns[3])
        return [row[0] for row in cursor.fetchall()]


def _sqlite_time(value):
    if value is None:
        return None
    return str(connection.ops.adapt_datetimefield_value(value))


def _insert_sqlite(columns) -> list[int]:
    params = list(columns)
    for position in JSON_POSITIONS:
        params[position] = _json_text(params[position])
    for position in TIME_POSITIONS:
        params[position] = [_sqlite_time(value) for value in params[position]]
    placeholders = ", ".join(["%s"] * len(INSERT_COLUMNS))
    count = len(params[0])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {OBS} ({', '.join(INSERT_COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
            list(zip(*params, strict=True)),
        )
        # The transaction holds SQLite's write lock: the new rowids are consecutive.
        cursor.execute(f"SELECT MAX(id) FROM {OBS}")  # noqa: S608
        last = cursor.fetchone()[0]
        first = last - count + 1
        hour = "strftime('%%Y-%%m-%%d %%H:00:00', phenomenon_time_start)"
        cursor.execute(
            f"INSERT INTO {HOURLY} (datastream_id, hour, count, numeric_count, total, "  # noqa: S608
            f"minimum, maximum) SELECT datastream_id, {hour}, COUNT(*), COUNT(result_number), "
            "SUM(result_number), MIN(result_number), MAX(result_number) "
            f"FROM {OBS} WHERE id BETWEEN %s AND %s AND datastream_id IS NOT NULL "
            f"GROUP BY datastream_id, {hour} {_rollup_upsert('MIN', 'MAX')}",
            [first, last],
        )
        touched = (
            f"SELECT DISTINCT datastream_id AS sid, {rollups.day_sql('phenomenon_time_start')} "  # noqa: S608
            f"AS day FROM {OBS} WHERE id BETWEEN %s AND %s AND datastream_id IS NOT NULL"
        )
        cursor.execute(rollups.upsert_days_sql(touched), [first, last])
        for table, stream_column in (
            (Datastream._meta.db_table, "datastream_id"),
            (MultiDatastream._meta.db_table, "multi_datastream_id"),
        ):
            cursor.execute(
                f"UPDATE {table} SET "  # noqa: S608
                "phenomenon_time_start = MIN(COALESCE(phenomenon_time_start, r.ps), r.ps), "
                "phenomenon_time_end = MAX(COALESCE(phenomenon_time_end, r.pe), r.pe), "
                "result_time_start = MIN(COALESCE(result_time_start, r.rs), "
                "COALESCE(r.rs, result_time_start)), "
                "result_time_end = MAX(COALESCE(result_time_end, r.re), "
                "COALESCE(r.re, result_time_end)) "
                f"FROM (SELECT {stream_column} AS sid, MIN(phenomenon_time_start) AS ps, "
                "MAX(COALESCE(phenomenon_time_end, phenomenon_time_start)) AS pe, "
                "MIN(result_time) AS rs, MAX(result_time) AS re "
                f"FROM {OBS} WHERE id BETWEEN %s AND %s AND {stream_column} IS NOT NULL "
                f"GROUP BY {stream_column}) AS r WHERE {table}.id = r.sid",
                [first, last],
            )
    return list(range(first, last + 1))


class StoredObservations(Sequence):
    """The stored rows of one group: ``ids`` at once, model instances only when asked for.

    Building 1000 model instances costs more than inserting the rows; CreateObservations
    answers with the ids alone.
    """

    def __init__(self, columns, ids, position, count):
        self.ids = ids[position : position + count]
        self._columns = columns
        self._position = position
        self._rows = None

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        return self._instances()[index]

    def _instances(self) -> list[Observation]:
        if self._rows is None:
            from_db = Observation.from_db
            columns, start = self._columns, self._position
            rows = []
            for offset, pk in enumerate(self.ids):
                values = [pk]
                values.extend(column[start + offset] for column in columns)
                rows.append(from_db("default", FIELD_NAMES, values))
            self._rows = rows
        return self._rows
