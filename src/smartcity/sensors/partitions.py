# ruff: noqa: S608 - only our own table names and ISO dates we formatted are put into SQL
"""PostgreSQL: the Observation table partitioned by month of phenomenon_time_start.

Why: old months can be detached/archived cheaply, time-bounded queries touch few partitions,
and each partition's indexes stay small. A DEFAULT partition catches rows outside the created
months so an insert never fails; ``ensure_partitions`` (a periodic job) creates the coming
months ahead of time. On SQLite nothing here runs. On Citus the same table is distributed by
``datastream_id`` (see docs/scaling.md); the partitioning stays as it is.
"""

from datetime import UTC, date, datetime

from django.db import connection

TABLE = "sensors_observation"
SEQUENCE = "sensors_observation_partitioned_id_seq"


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month.year:04d}{month.month:02d}"


def is_partitioned(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
    return cursor.fetchone() is not None


def create_month(cursor, month: date) -> bool:
    """Create the partition for ``month`` unless it exists; True when created.

    Rows of that month already sitting in the DEFAULT partition are moved into it.
    """
    name = partition_name(month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return False
    start, end = month.isoformat(), next_month(month).isoformat()
    default = f"{TABLE}_default"
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default} WHERE phenomenon_time_start >= %s "
        f"AND phenomenon_time_start < %s RETURNING *) INSERT INTO {name} SELECT * FROM moved",
        [start, end],
    )
    cursor.execute(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ('{start}') TO ('{end}')"
    )
    return True


def ensure_partitions(months_ahead: int = 3) -> list[str]:
    """Create this month's and the next ``months_ahead`` months' partitions (idempotent)."""
    if connection.vendor != "postgresql":
        return []
    created = []
    with connection.cursor() as cursor:
        if not is_partitioned(cursor):
            return []
        month = month_start(datetime.now(UTC).date())
        for _ in range(months_ahead + 1):
            if create_month(cursor, month):
                created.append(partition_name(month))
            month = next_month(month)
    return created


def partition_table(cursor) -> None:
    """Turn the plain Observation table into a partitioned one, keeping its rows and ids."""
    old = f"{TABLE}_unpartitioned"
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
    for index in ("sensors_obs_ds_time", "sensors_obs_mds_time", "sensors_obs_foi"):
        cursor.execute(f"DROP INDEX IF EXISTS {index}")
    cursor.execute(
        f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS) "
        "PARTITION BY RANGE (phenomenon_time_start)"
    )
    # PostgreSQL < 17 has no identity columns on partitioned tables: a plain sequence instead.
    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
    cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
    cursor.execute(f"ALTER SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
    # The primary key of a partitioned table must contain the partition key.
    cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, phenomenon_time_start)")
    cursor.execute(
        f"CREATE INDEX sensors_obs_ds_time ON {TABLE} (datastream_id, phenomenon_time_start)"
    )
    cursor.execute(
        f"CREATE INDEX sensors_obs_mds_time ON {TABLE} (multi_datastream_id, phenomenon_time_start)"
    )
    cursor.execute(f"CREATE INDEX sensors_obs_foi ON {TABLE} (feature_of_interest_id)")
    cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    cursor.execute(f"SELECT min(phenomenon_time_start) FROM {old}")
    first = cursor.fetchone()[0]
    month = month_start((first or datetime.now(UTC)).date())
    last = next_month(next_month(month_start(datetime.now(UTC).date())))
    while month <= last:
        create_month(cursor, month)
        month = next_month(month)
    cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {old}")
    cursor.execute(
        f"SELECT setval('{SEQUENCE}', COALESCE((SELECT max(id) FROM {old}), 0) + 1, false)"
    )
    cursor.execute(f"DROP TABLE {old}")
