"""Which cities have ideas on the map (published, with a location), kept per process, so that the
map's ``ideas`` layer costs nothing while a city has none.

Each process keeps one snapshot under a version token kept in the shared cache (file cache on
one machine, Redis otherwise; ``core.snapshots``), as ``portfolio.services.maplookups`` does
for the map's filters. Any save or delete of an idea sets a new token
(``participation.signals``), at once and again when the transaction commits (a process
reloading in between could still have read the old rows), so the next map request of every
process reloads: an idea published, hidden, moved or deleted counts in the very next request.
The token is read before the rows, so a change racing with a reload leaves a snapshot under an
outdated token, never a stale one under the current token. The snapshot only ever lets the
layer skip its query: a city it lists is asked the database as before, so a snapshot listing
too many cities (a test's flush, a rolled-back save) costs a query, never an idea. Changes that
bypass signals (``QuerySet.update`` of ``status`` or ``longitude``, ``bulk_create``, raw SQL;
the app itself makes none) are caught by ``MAX_AGE``. Inside a transaction nothing is kept and
the layer asks the database.
"""

from smartcity.core.snapshots import VersionedSnapshot
from smartcity.participation.models import Idea

VERSION_KEY = "participation:map-ideas"
# Backstop for changes no signal reports (seconds); a reload is one small query.
MAX_AGE = 60


class Snapshot:
    """The cities with published, located ideas, as of ``token``."""

    def __init__(self, token):
        self.token = token
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


_kept = VersionedSnapshot(VERSION_KEY, Snapshot, lambda: MAX_AGE)


def snapshot() -> Snapshot | None:
    """The kept snapshot while its version is current (loaded anew otherwise); ``None``
    where nothing may be kept (inside a transaction, without the cache)."""
    return _kept.get()


def may_have_ideas(city) -> bool:
    """False only when the snapshot knows ``city`` (any city for ``None``) has no published
    idea with a location; True means "ask the database"."""
    current = snapshot()
    return current is None or current.may_have_ideas(city)


def clear() -> None:
    """Forget this process's snapshot (tests)."""
    _kept.clear()


def changed() -> None:
    """An idea was saved or deleted: every process reloads."""
    _kept.changed()
