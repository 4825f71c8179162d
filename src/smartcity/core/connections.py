"""Database connections kept by the server's request threads between requests.

``smartcity serve`` runs every request's sync part on one of a fixed set of threads
(``core/asgi_handler.py``). Django gives each thread its own connection and, with the
platform's settings (``CONN_MAX_AGE = 0``; on PostgreSQL psycopg's pool), hands it back at the
end of every request: to the pool on PostgreSQL (≈ 0.1 ms CPU per request: getconn/putconn,
the pool's reset and Django's connection set-up), or closed on SQLite (a new connection with
all PRAGMAs for the next request).

A request thread marked as *holding* keeps its connection instead: when one of its
connections is opened, its ``close_at`` is set ``SMARTCITY_DATABASE_HOLD_SECONDS`` (60) ahead,
so Django's own end-of-request check (``close_if_unusable_or_obsolete``) keeps it until then;
it is given back as before when that time has passed, when the request left it outside
autocommit, when an error made it unusable, and when the thread got no request for
``IDLE_SECONDS`` (0.2 s): connections are held only while requests keep coming. Threads are
handed out most recently freed first, so under light load only a few hold one. Other threads
(the sensors ingest writer, the MQTT bridge, management commands, job workers, tests) are not
affected.

The number of connections stays bounded: on PostgreSQL every connection still comes from the
process's pool (``SMARTCITY_DATABASE_POOL_SIZE``), and only ``pool size - RESERVE`` request
threads hold one, so at least ``RESERVE`` stay for the process's background threads; on
SQLite at most one per request thread. Per machine: pool size × server processes (+ the job
workers' own).

Before a request, a held PostgreSQL connection is checked without a round trip: left inside a
transaction, it is given back (the pool rolls it back) and a new one taken; if its socket
is readable while no query runs, the server sent something (it is shutting down, the backend
was terminated, the connection broke), and Django checks it with a query and replaces it if
it fails; a plain health check (``SELECT 1``) per request would cost about as much as the pool.
"""

from __future__ import annotations

import contextlib
import select
import threading
import time

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created

# Pool connections left for threads other than the request threads.
RESERVE = 2
DEFAULT_HOLD_SECONDS = 60
# A request thread that got no request for this long gives its connections back.
IDLE_SECONDS = 0.2

_local = threading.local()

try:
    from psycopg.pq import TransactionStatus

    _IDLE = TransactionStatus.IDLE
except ImportError:  # SQLite-only installations
    _IDLE = None


def hold_seconds() -> float:
    return float(getattr(settings, "SMARTCITY_DATABASE_HOLD_SECONDS", DEFAULT_HOLD_SECONDS))


def holding_threads(threads: int, databases: dict | None = None) -> int:
    """How many of ``threads`` request threads may keep their connection between requests."""
    if hold_seconds() <= 0:
        return 0
    limit = threads
    for database in (settings.DATABASES if databases is None else databases).values():
        pool = database.get("OPTIONS", {}).get("pool")
        if pool:
            size = pool.get("max_size") if isinstance(pool, dict) else None
            if size:
                limit = min(limit, int(size) - RESERVE)
    return max(0, limit)


def mark_request_thread(holds: bool) -> None:
    """Called once on each request thread."""
    _local.holds = holds


def is_holding_thread() -> bool:
    return getattr(_local, "holds", False)


def _on_connection_created(sender, connection, **kwargs):
    if getattr(_local, "holds", False):
        seconds = hold_seconds()
        if seconds > 0:
            connection.close_at = time.monotonic() + seconds


connection_created.connect(_on_connection_created, dispatch_uid="smartcity.core.connections")


def release() -> None:
    """Give this thread's connections back (to the pool, or closed)."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):  # a broken connection is gone either way
            connection.close()


def before_request() -> None:
    """On a request thread, before ``request_started``: flag a held PostgreSQL connection
    whose socket has something to read (closed or terminated by the server) so Django's
    start-of-request check tests it and replaces it if it is gone."""
    if not getattr(_local, "holds", False):
        return
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if raw is None or connection.vendor != "postgresql" or connection.errors_occurred:
            continue
        if raw.info.transaction_status != _IDLE:
            # Left inside a transaction (a raw BEGIN without COMMIT): give it back, the pool
            # rolls it back, rather than carry it into this request.
            connection.close()
            continue
        try:
            poller = select.poll()
            poller.register(raw.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
            readable = bool(poller.poll(0))
        except Exception:  # noqa: BLE001 - a closed connection has no file descriptor
            readable = True
        if readable:
            connection.errors_occurred = True
