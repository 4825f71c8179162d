"""Which cities have ideas on the map (published, with a location), kept per process, so
that the map's ``ideas`` layer costs nothing while a city has none.

Each process keeps one snapshot under a version token kept in the shared cache (file cache on
one machine, Redis otherwise), as ``portfolio.services.maplookups`` does for the map's
filters. Any save or delete of an idea sets a new token (``participation.signals``), at once
and again when the transaction commits (a process reloading in between could still have read
the old rows), so the next map request of every process reloads: an idea published, hidden,
moved or deleted counts in the very next request. The token is read before the rows, so a
change racing with a reload leaves a snapshot under an outdated token, never a stale one under
the current token. The snapshot only ever lets the layer skip its query: a city it lists is
asked the database as before, so a snapshot listing too many cities (a test's flush, a
rolled-back save) costs a query, never an idea. Changes that bypass signals
(``QuerySet.update`` of ``status`` or ``longitude``, ``bulk_create``, raw SQL; the app itself
makes none) are caught by ``MAX_AGE``. Inside a transaction nothing is kept and the layer
asks the database.
"""

import contextlib
import threading
import time
import uuid

from django.core.cache import cache
from django.db import connection, transaction

from smartcity.participation.models import Idea

VERSION_KEY = "participation:map-ideas"
# Backstop for changes no signal reports (seconds); a reload is one small query.
MAX_AGE = 60


class Snapshot:
    """The cities with published, located ideas, as of ``token``."""

    def __init__(self, token):
        self.token = token
        self.loaded_at = time.monotonic()
        self.city_ids = frozenset(
            Idea.objects.published()
            .exclude(longitude=None)
            .order_by()
            .values_list("city_id", flat=True)
            .distinct()
        )

    def may_have_ideas(self, city) -> bool:
        """False when ``city`` (any city for ``None``) certainly has no idea on the map."""
        if city is None:
            return bool(self.city_ids)
        return city.pk in self.city_ids


_lock = threading.Lock()
_current: Snapshot | None = None


def _token():
    """The current version token (a new one if the cache has none); ``None`` if the cache
    cannot be reached."""
    try:
        token = cache.get(VERSION_KEY)
        if token is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            token = cache.get(VERSION_KEY)
        return token
    except Exception:  # noqa: BLE001 - without the cache nothing is kept
        return None


def snapshot() -> Snapshot | None:
    """The kept snapshot while its version is current (loaded anew otherwise); ``None``
    where nothing may be kept (inside a transaction, without the cache)."""
    global _current
    if connection.in_atomic_block:
        return None
    token = _token()
    if token is None:
        return None
    current = _current
    if (
        current is not None
        and current.token == token
        and time.monotonic() - current.loaded_at < MAX_AGE
    ):
        return current
    fresh = Snapshot(token)
    with _lock:
        _current = fresh
    return fresh


def may_have_ideas(city) -> bool:
    """False only when the snapshot knows ``city`` (any city for ``None``) has no published
    idea with a location; True means "ask the database"."""
    current = snapshot()
    return current is None or current.may_have_ideas(city)


def clear() -> None:
    """Forget this process's snapshot (tests)."""
    global _current
    with _lock:
        _current = None


def _new_token() -> None:
    # Without the cache, MAX_AGE still bounds what a process keeps.
    with contextlib.suppress(Exception):
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def changed() -> None:
    """An idea was saved or deleted: every process reloads."""
    clear()
    _new_token()
    transaction.on_commit(_new_token)
