"""New Observations for Datastreams named by id: the streams read and locked, the rows stored,
in one transaction — on PostgreSQL in two round trips.

The grouped single-POST path, CreateObservations and the MQTT bridge all start from a set of
Datastream ids. ``store_for_datastreams`` reads those streams under their row locks (which
``store_groups`` needs anyway, in id order, against deadlocks), together with each stream's
default FeatureOfInterest and as many new Observation ids as there are rows, lets the caller
group its items by stream, and stores them. On PostgreSQL the transaction runs in psycopg's
pipeline mode: ``BEGIN``, the locked read and the ids go out together (one round trip), then
the INSERT with its roll-ups and the ``COMMIT`` go out with the pipeline's sync (the second) —
where there were five (read, ``BEGIN``, lock, INSERT, ``COMMIT``). Reading under the lock also
means the observedArea that ``store_groups`` widens is the current one, not one another writer
has changed since. A group is a latency chain (a sensor waits for its 201), so round trips
are what its rate is made of.
"""

import functools
import logging

from django.db import connection, transaction
from django.db.models.sql import Query

from smartcity.sensors.models import Datastream, FeatureOfInterest, Observation, Thing

log = logging.getLogger(__name__)
_SQL: dict[str, str] = {}


# What a write reads of a Datastream; the other fields (JSON texts, times, names) stay deferred
# (Django loads one when it is first used). Converting them for 120 streams per school batch
# cost more than the query.
WRITE_FIELDS = ("id", "thing", "is_public", "reject_duplicates", "observed_area")


def _streams_sql() -> str:
    if "streams" not in _SQL:
        feature = FeatureOfInterest._meta.db_table
        through = Thing.locations.through._meta.db_table
        first = (
            f"SELECT f.{{column}} FROM {feature} AS f WHERE f.generated_from_id = "  # noqa: S608
            f"(SELECT t.location_id FROM {through} AS t WHERE t.thing_id = ds.thing_id "
            "ORDER BY t.location_id LIMIT 1) ORDER BY f.id LIMIT 1"
        )
        columns = ", ".join(
            f"ds.{Datastream._meta.get_field(name).column}" for name in WRITE_FIELDS
        )
        _SQL["streams"] = (
            f"SELECT {columns}, ({first.format(column='id')}) AS default_feature, "  # noqa: S608
            f"({first.format(column='feature')}) AS default_geometry "
            f"FROM {Datastream._meta.db_table} AS ds WHERE ds.id {{where}} ORDER BY ds.id"
        )
    return _SQL["streams"]


def _send(sql, params):
    """Send a query; returns a function that fetches its (rows, column names). On PostgreSQL
    through a cursor that binds on the server, so that psycopg prepares these statements once
    per connection (no parse and plan per group); in a pipeline, queries sent one after the
    other before the first fetch share one round trip."""
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        cursor = psycopg.Cursor(connection.connection)
        with connection.wrap_database_errors:
            cursor.execute(sql, params, prepare=True)

        def fetch():
            with connection.wrap_database_errors, cursor:
                rows = cursor.fetchall()
                return rows, [column.name for column in cursor.description]

        return fetch
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall(), [column[0] for column in cursor.description]
    return lambda: fetched


def read_streams(ids, lock: bool = False) -> list[Datastream]:
    """The Datastreams with their default FeatureOfInterest (``default_feature`` id and
    ``default_geometry``: the feature made from the Thing's first Location, as
    ``observations.default_features`` finds it), by one plain SQL query, in id order. Only
    ``WRITE_FIELDS`` are read; the others are deferred.

    ``lock``: inside a transaction, the rows are locked (``FOR UPDATE``, in id order) — on
    PostgreSQL; SQLite has one writer at a time anyway.
    """
    return _send_read_streams(ids, lock)()


def _send_read_streams(ids, lock: bool):
    """``read_streams`` sent; returns the function that fetches its result."""
    ids = sorted(ids)
    if not ids:
        return list
    if connection.vendor == "postgresql":
        sql = _streams_sql().format(where="= ANY(%s::bigint[])")
        fetch = _send(sql + " FOR UPDATE OF ds" if lock else sql, [ids])
    else:
        fetch = _send(_streams_sql().format(where=f"IN ({', '.join(['%s'] * len(ids))})"), ids)

    def instances():
        rows, names = fetch()
        return _instances(names, rows)

    return instances


def _instances(names, rows) -> list[Datastream]:
    """Model instances from plain rows (model columns and extra columns), converted as
    Django's own querysets convert them; fields without a column stay deferred."""
    order, init_names, extras, compiler, converters = _reading(tuple(names), connection.vendor)
    values = [[row[position] for position in order] for row in rows]
    if converters:
        values = compiler.apply_converters(values, converters)
    streams = []
    for row, model_values in zip(rows, values, strict=True):
        stream = Datastream.from_db(connection.alias, init_names, model_values)
        for position, name in extras:
            setattr(stream, name, row[position])
        streams.append(stream)
    return streams


@functools.cache
def _reading(names, _vendor):
    """How to turn rows with these column names into Datastreams (the same for every group;
    building the compiler and its converters cost more than reading a few rows)."""
    at = {name: position for position, name in enumerate(names)}
    loaded = [field for field in Datastream._meta.concrete_fields if field.column in at]
    # The query's column order need not be the model's field order (``from_db`` wants the latter).
    order = [at[field.column] for field in loaded]
    extras = [(at[name], name) for name in names if at[name] not in order]
    compiler = connection.ops.compiler("SQLCompiler")(Query(Datastream), connection, None)
    converters = compiler.get_converters(
        [field.get_col(Datastream._meta.db_table) for field in loaded]
    )
    return order, [field.attname for field in loaded], extras, compiler, converters


def allocate_ids(count: int) -> list[int] | None:
    """``count`` new Observation ids from the table's sequence (PostgreSQL), so that the
    INSERT needs to send nothing back before the COMMIT; None on SQLite (ids come from the
    insert)."""
    return _send_allocate_ids(count)()


def _send_allocate_ids(count: int):
    if connection.vendor != "postgresql" or count <= 0:
        return lambda: None
    sql = (
        "SELECT nextval(s.seq) FROM (SELECT pg_get_serial_sequence(%s, 'id')::regclass "
        "AS seq) AS s, generate_series(1, %s::integer)"
    )
    fetch = _send(sql, [Observation._meta.db_table, count])
    return lambda: [row[0] for row in fetch()[0]]


def store_for_datastreams(ids, rows: int, group):
    """Read and lock the Datastreams ``ids`` (``read_streams``), call ``group({pk: stream})``
    for the (stream, items) groups to store (at most ``rows`` items in all) and store them with
    ``store_groups`` — one transaction. Returns (groups, stored per group); ([], []) when
    ``group`` returns nothing (nothing is written then).

    Errors raised by ``group`` or the store roll everything back and are raised. An error of an
    after-commit listener (the MQTT notifier, say) is logged, not raised: the rows are stored,
    and a caller that took an error for "not stored" would store them a second time.
    """
    from smartcity.sensors.services.observations import store_groups

    committed = []
    # The COMMIT can go out with the INSERT only when this transaction is the outermost one
    # (not inside a $batch changeset, a caller's atomic block or a test's transaction).
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(), _pipeline(commit=outermost):
            fetch_streams = _send_read_streams(ids, lock=True)
            fetch_ids = _send_allocate_ids(rows)  # before the first fetch: one round trip
            streams = {stream.pk: stream for stream in fetch_streams()}
            new_ids = fetch_ids()
            groups = group(streams)
            if not groups:
                return [], []
            transaction.on_commit(lambda: committed.append(True))  # before any listener's
            stored = store_groups(groups, datastreams_locked=True, ids=new_ids)
    except Exception:
        if not committed:
            raise
        log.exception("a listener failed after Observations were stored")
    return groups, stored


class _pipeline:
    """psycopg's pipeline mode on PostgreSQL (statements go out together, results are read at
    the next fetch or sync); nothing on SQLite. Database errors that only the sync reports are
    raised as Django's own exception classes, like those of any cursor.

    ``commit``: used directly inside the outermost ``transaction.atomic()``; when the block
    ends without an error, ``COMMIT`` is sent in the pipeline before its sync, so it shares
    the last round trip. The sync then reports the COMMIT's outcome (an error of the INSERT
    makes the server skip it, and the error is raised into the atomic block, which rolls
    back); Django's own commit that follows finds the transaction ended and sends nothing,
    and runs the on-commit hooks only now, after the COMMIT was acknowledged.
    """

    def __init__(self, commit: bool = False):
        self._commit = commit

    def __enter__(self):
        self._pipe = None
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            self._pipe = connection.connection.pipeline()
            self._pipe.__enter__()
        return self

    def __exit__(self, kind, error, traceback):
        if self._pipe is not None:
            with connection.wrap_database_errors:
                if kind is None and self._commit and not connection.needs_rollback:
                    connection.connection.execute("COMMIT")
                self._pipe.__exit__(kind, error, traceback)
        return False
