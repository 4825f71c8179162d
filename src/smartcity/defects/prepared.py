"""The read statements asked on every tap and every list page, prepared once per connection.

Django sends each statement to PostgreSQL as text with its values written in (psycopg's
client-side binding), so PostgreSQL parses and plans it anew every time. For the duplicate
hint (``nearby.duplicate_hint``) planning cost about 0.3 ms of database CPU of 0.38 ms, for
an Open311 list page (``open311.sqlcache``) about 0.7 ms of 2 ms (backend CPU measured per
statement, 200,000 reports). Here those statements are sent with their values as parameters
and prepared (``PREPARE``) the first time a connection runs them; later runs on that
connection only bind the values and execute. The statements and their answers are the same
(tested against Django's own cursor and the ORM).

Only on PostgreSQL with psycopg 3; other databases take Django's ordinary cursor (SQLite's
driver keeps compiled statements per connection by itself). The query goes through Django's
cursor wrapper, so it is logged, counted by tests and passes the execute wrappers like any
other.

Named prepared statements live in the database session. Behind a pooler that hands a session
to another client between transactions (PgBouncer in transaction mode without
``max_prepared_statements``) set ``DEFECTS_PREPARED_STATEMENTS = False``.
"""

import sys

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

try:
    from django.db.backends.postgresql.base import ServerBindingCursor
except ImportError:  # psycopg 2, or no PostgreSQL driver at all
    ServerBindingCursor = None


if ServerBindingCursor is not None:

    class PreparedCursor(ServerBindingCursor):
        """Values sent as parameters, the statement prepared on first use, rows in binary
        (psycopg 3). Binary rows are read by psycopg's C loaders: Django replaces the text
        loader of ``timestamptz`` with a Python one, which was a tenth of a list page's CPU
        (two timestamps a row). The values are the same; a time comes back in the session's
        time zone, which Django sets to UTC, as the text loader gives it."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            # Django opens its connections with ``prepare_threshold=None`` (psycopg then
            # prepares nothing, not even when asked). For this statement only a threshold
            # that nothing reaches by counting: prepared because it is asked for. Django's
            # other cursors bind on the client and never prepare either way.
            connection = self.connection
            threshold = connection.prepare_threshold
            if threshold is None:
                connection.prepare_threshold = sys.maxsize
            try:
                return super().execute(query, params, prepare=True, binary=True)
            finally:
                connection.prepare_threshold = threshold

    class LoggedCursor(CursorDebugWrapper):
        """Django's debug cursor (``DEBUG``, tests counting queries) for a prepared statement:
        it logs the statement with its values written in, as Django shows other queries
        (Django reads the text back from a client-side binding cursor, which this is not)."""

        def execute(self, sql, params=None):
            with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
                return CursorWrapper.execute(self, sql, params)


def enabled(db=connection) -> bool:
    return (
        ServerBindingCursor is not None
        and db.vendor == "postgresql"
        and getattr(settings, "DEFECTS_PREPARED_STATEMENTS", True)
    )


def fetchall(sql: str, params) -> list[tuple]:
    """Run ``sql`` (``%s`` placeholders) with ``params`` on the default connection, prepared
    where :func:`enabled`, and return all rows."""
    db = connections[DEFAULT_DB_ALIAS]  # looked up once, not on every attribute
    if not enabled(db):
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # What ``connection.cursor()`` does, with our cursor class instead of the default one.
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        raw = PreparedCursor(db.connection)
    cursor = LoggedCursor(raw, db) if db.queries_logged else CursorWrapper(raw, db)
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
