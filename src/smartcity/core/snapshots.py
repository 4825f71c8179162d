"""Read-mostly lookups kept per process under a version token in the shared cache.

A module that keeps such a snapshot (the map's filter lookups, the cities with ideas on the
map) makes one ``VersionedSnapshot`` and calls ``changed()`` from the signals of the models it
reads. ``changed()`` sets a new token at once and again when the transaction commits (a
process reloading in between could still have read the old rows), so the next ``get()`` of
every process loads anew. The token is read before the rows, so a change racing with a reload
leaves a snapshot under an outdated token, never a stale one under the current token. Changes
that bypass signals (``QuerySet.update``, raw SQL) are caught by the maximum age. Inside a
transaction, and without a reachable cache, nothing is kept: ``get()`` answers ``None`` and the
caller asks the database.
"""

import contextlib
import threading
import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction


class VersionedSnapshot:
    """``build(token)`` makes a snapshot; ``max_age()`` gives the backstop in seconds (a
    callable, so a module constant can be changed in tests)."""

    def __init__(self, key: str, build: Callable, max_age: Callable[[], float]):
        self.key, self.build, self.max_age = key, build, max_age
        self._lock = threading.Lock()
        self._current = None
        self._loaded_at = 0.0

    def _token(self):
        """The current version token (a new one if the cache has none); ``None`` if the cache
        cannot be reached."""
        try:
            token = cache.get(self.key)
            if token is None:
                cache.add(self.key, uuid.uuid4().hex, None)
                token = cache.get(self.key)
            return token
        except Exception:  # noqa: BLE001 - without the cache nothing is kept
            return None

    def get(self):
        """The kept snapshot while its version is current (built anew otherwise); ``None``
        where nothing may be kept (inside a transaction, without the cache)."""
        if connection.in_atomic_block:
            return None
        token = self._token()
        if token is None:
            return None
        with self._lock:
            current, loaded_at = self._current, self._loaded_at
        if (
            current is not None
            and current[0] == token
            and time.monotonic() - loaded_at < self.max_age()
        ):
            return current[1]
        fresh = self.build(token)
        with self._lock:
            self._current, self._loaded_at = (token, fresh), time.monotonic()
        return fresh

    def clear(self) -> None:
        """Forget this process's snapshot."""
        with self._lock:
            self._current = None

    def _new_token(self) -> None:
        # Without the cache, the maximum age still bounds what a process keeps.
        with contextlib.suppress(Exception):
            cache.set(self.key, uuid.uuid4().hex, None)

    def changed(self) -> None:
        """What the snapshot is made of changed: every process reloads."""
        self.clear()
        self._new_token()
        transaction.on_commit(self._new_token)
