"""PostgreSQL on the event loop, for lean endpoints with an async handler (``core/lean.py``).

A lean answer on a request thread pays two cross-thread wake-ups (loop → thread → loop) that
were about a quarter of a server process's time for the duplicate hint (docs/defects.md,
"Fifth pass"). An endpoint that only runs one read statement can instead answer on the event
loop, through psycopg 3's ``AsyncConnection``: nothing on the loop blocks (the pool connects
and resolves host names asynchronously, a statement waits on the socket), and no request
thread is involved.

- **One small pool per process and event loop** (``POOL_SIZE`` connections, each opened by
  the request that needs it), made at first use from ``settings.DATABASES["default"]`` with
  Django's own ``DatabaseWrapper.get_connection_params()`` (database, user, host, port,
  ``OPTIONS``, and Django's adapter map: the same dumpers and loaders as Django's
  connections). Each new connection gets the session time zone Django sets
  (``timezone_name``: UTC with ``USE_TZ``) and Django's ``assume_role``, as Django's
  ``_configure_connection`` does, so a ``timestamptz`` comes back exactly as on Django's
  connection. The parameters are compared on each use (cheaply) and the pool is made anew
  when they changed (the test runner renames the database) or when another event loop asks
  (tests run one loop per request).
- **Autocommit, read statements only**, sent with their values as parameters and prepared
  on first use per connection (``prepare=True``), rows in binary: what
  ``defects.prepared.fetchall`` does on Django's connection.
- **Errors**: anything that goes wrong with the connection (it cannot be opened within
  ``TIMEOUT``, the server ended it, the socket broke) raises :class:`Unavailable`; the
  handler hands the request to Django then (``lean.DELEGATE``), so a broken connection
  never gives a wrong or failed answer. A connection that failed is closed and a new one is
  opened by the next request that needs it. An idle connection whose socket is readable
  (the server sent something while no query ran: it is shutting down, the backend was
  terminated) is closed before use without a round trip, as ``core/connections.py`` checks
  Django's held connections.
- **No background tasks**: not ``psycopg_pool.AsyncConnectionPool``, whose maintenance
  tasks did not end when their event loop was shut down (``asyncio.run`` waited for them
  for ever in the tests; uvicorn ends its loop the same way). Here nothing runs between
  requests; idle connections stay open for the life of the process (at most
  ``POOL_SIZE``).
- **Only on PostgreSQL** with psycopg 3 and ``SMARTCITY_LEAN_ASYNC_DB`` on (default):
  :func:`enabled`. Elsewhere (SQLite) the endpoint's sync handler answers on a request
  thread, as before.

Connections per process: ``POOL_SIZE`` more than Django's pool (``SMARTCITY_DATABASE_POOL_SIZE``)
while the pool exists; they are opened at the first async answer.
"""

from __future__ import annotations

import asyncio
import logging
import select
import sys
from collections import deque
from importlib import import_module

from django.conf import settings

try:
    import psycopg
    from psycopg import pq
    from psycopg import sql as psycopg_sql
except ImportError:  # SQLite-only installations
    psycopg = None

log = logging.getLogger(__name__)

POOL_SIZE = 3  # connections per process and event loop
TIMEOUT = 2.0  # seconds to get a connection (or open one) before Django answers instead


class Unavailable(Exception):  # noqa: N818 - a state, not a programming error
    """The async connection gave no answer: let Django answer the request."""


_vendors: dict[str, str] = {}


def enabled() -> bool:
    """Whether lean async handlers may query the default database on the event loop."""
    if psycopg is None or not getattr(settings, "SMARTCITY_LEAN_ASYNC_DB", True):
        return False
    engine = settings.DATABASES["default"].get("ENGINE", "")
    vendor = _vendors.get(engine)
    if vendor is None:
        try:
            vendor = import_module(f"{engine}.base").DatabaseWrapper.vendor
        except (ImportError, AttributeError):
            vendor = ""
        _vendors[engine] = vendor
    return vendor == "postgresql"


class _Pool:
    """At most ``size`` connections of one event loop; a request that finds none idle opens
    one (while fewer than ``size`` exist) or waits for one to be given back."""

    def __init__(self, loop, key, wrapper, params, size=POOL_SIZE):
        self.loop = loop
        self.key = key
        self.wrapper = wrapper  # a DatabaseWrapper of its own (ops, time zone), never connected
        self.params = params
        self.size = size
        self.idle: list = []
        self.opened = 0  # connections that exist or are being opened
        self.waiters: deque = deque()  # futures of requests waiting for a connection
        self.all: set = set()  # every open connection (closed on reset)

    async def acquire(self):
        while self.idle:
            connection = self.idle.pop()
            if _usable(connection):
                return connection
            self._drop(connection)
        if self.opened >= self.size:
            waiter = self.loop.create_future()
            self.waiters.append(waiter)
            try:
                connection = await asyncio.wait_for(waiter, TIMEOUT)
            except BaseException:
                if waiter.done() and not waiter.cancelled():  # handed over as we gave up
                    if waiter.result() is None:
                        self.opened -= 1  # the right to open one: pass it on
                        self._hand_on(None)
                    else:
                        self.release(waiter.result())
                raise
            if connection is not None:
                return connection
            # None: a connection was dropped, open the replacement (its slot is ours).
        else:
            self.opened += 1
        try:
            connection = await asyncio.wait_for(self._connect(), TIMEOUT)
        except BaseException:
            self.opened -= 1
            self._hand_on(None)
            raise
        self.all.add(connection)
        return connection

    def release(self, connection) -> None:
        if connection.closed or connection.info.transaction_status != pq.TransactionStatus.IDLE:
            self._drop(connection)
            return
        if not self._hand_on(connection):
            self.idle.append(connection)

    def _hand_on(self, connection) -> bool:
        """Give ``connection`` (or, for None, the right to open one) to a waiting request."""
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                if connection is None:
                    self.opened += 1
                waiter.set_result(connection)
                return True
        return False

    def _drop(self, connection) -> None:
        self.all.discard(connection)
        self.opened -= 1
        _close(connection)
        self._hand_on(None)

    async def _connect(self):
        connection = await psycopg.AsyncConnection.connect(**self.params)
        try:
            # As DatabaseWrapper._configure_connection: the session's time zone (the binary
            # ``timestamptz`` loader uses it, as on Django's connection) and the role.
            zone = self.wrapper.timezone_name
            if zone and connection.info.parameter_status("TimeZone") != zone:
                await connection.execute(self.wrapper.ops.set_time_zone_sql(), [zone])
            role = self.wrapper.settings_dict["OPTIONS"].get("assume_role")
            if role:
                await connection.execute(
                    psycopg_sql.SQL("SET ROLE {}").format(psycopg_sql.Literal(role))
                )
        except BaseException:
            _close(connection)
            raise
        return connection

    def close(self) -> None:
        for connection in list(self.all):
            _close(connection)
        self.all.clear()
        self.idle.clear()


def _usable(connection) -> bool:
    """An idle connection is usable unless it is closed or its socket is readable (the server
    sent something while no query ran: it ended the session, or the connection broke)."""
    if connection.closed or connection.pgconn.status != pq.ConnStatus.OK:
        return False
    try:
        readable, _w, _x = select.select([connection.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return False
    return not readable


def _close(connection) -> None:
    """Close without awaiting anything (the socket is closed; the server ends the session)."""
    if not connection.closed:
        connection.pgconn.finish()


_pool: _Pool | None = None


def _key(database: dict) -> tuple:
    return (
        id(database),
        database.get("ENGINE"),
        database.get("NAME"),
        database.get("USER"),
        database.get("PASSWORD"),
        database.get("HOST"),
        database.get("PORT"),
        database.get("TIME_ZONE"),
        settings.USE_TZ,
        settings.TIME_ZONE,
    )


def _current() -> _Pool:
    """The pool of this process and event loop for the current database settings."""
    global _pool
    loop = asyncio.get_running_loop()
    key = _key(settings.DATABASES["default"])
    pool = _pool
    if pool is not None and pool.loop is loop and pool.key == key:
        return pool
    if pool is not None:
        pool.close()  # another loop (tests run one per request) or another database
    _pool = pool = _new_pool(loop, key)
    return pool


def _new_pool(loop, key) -> _Pool:
    from django.db import DEFAULT_DB_ALIAS, connections

    # A wrapper of our own (not the loop thread's ``connections["default"]``): only its
    # parameters, operations and time zone are used; it never connects.
    wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
    params = wrapper.get_connection_params()  # without Django's own keys (pool, …)
    params.pop("cursor_factory", None)  # Django's sync cursor classes
    # Django opens its connections with ``prepare_threshold=None`` (psycopg then prepares
    # nothing, not even when asked); ours prepare what asks for it, nothing by counting.
    if params.get("prepare_threshold") is None:
        params["prepare_threshold"] = sys.maxsize
    params["autocommit"] = True
    return _Pool(loop, key, wrapper, params)


def reset() -> None:
    """Forget the pool, closing its connections (tests, after a change of database)."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.close()


def database():
    """A ``DatabaseWrapper`` of the default database that never connects: its ``vendor`` and
    ``ops`` (``quote_name``, value adapters) build a statement as the sync path builds it."""
    return _current().wrapper


async def fetchall(sql: str, params, *, prepare: bool = True) -> list[tuple]:
    """Run ``sql`` (``%s`` placeholders) with ``params`` on this loop's pool, prepared (unless
    ``prepare`` is false) and in binary as ``defects.prepared.fetchall`` does;
    :class:`Unavailable` when the connection fails."""
    pool = _current()
    try:
        connection = await pool.acquire()
    except (psycopg.OperationalError, TimeoutError, OSError) as error:
        log.warning("lean async database connection not available: %r", error)
        raise Unavailable from error
    try:
        cursor = await connection.execute(sql, params, prepare=prepare, binary=True)
        return await cursor.fetchall()
    except (psycopg.OperationalError, psycopg.InterfaceError, OSError) as error:
        log.warning("lean async database connection failed: %r", error)
        _close(connection)  # released below as closed: dropped, replaced when needed
        raise Unavailable from error
    finally:
        pool.release(connection)
