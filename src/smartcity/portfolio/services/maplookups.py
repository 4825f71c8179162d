"""What the map's filters are checked against (cities, action fields, districts, partners), kept
per process between requests instead of asked for on every map request.

Each process keeps one snapshot of these lookups under a version token kept in the shared cache
(file cache on one machine, Redis otherwise; ``core.snapshots``). Any save or delete of a city,
district, action field or partner sets a new token (``signals.py``), at once and again when the
transaction commits (a process reloading in between could still have read the old rows), so the
next map request of every process reloads. The token is read before the rows, so a change
racing with a reload leaves a snapshot under an outdated token, never a stale one under the
current token. Changes that bypass signals (``QuerySet.update``, raw SQL) are caught by
``MAX_AGE``. Inside a transaction (a test, a management command) the lookups may see rows that
are later rolled back: there the database is asked directly and nothing is kept. Tests that
commit and empty the tables afterwards (a flush sends no signals) call ``clear()``.
"""

from django.db import connection

from smartcity.core.models import City, District
from smartcity.core.snapshots import VersionedSnapshot
from smartcity.portfolio.models import ActionField, Partner

VERSION_KEY = "portfolio:map-lookups"
# Backstop for changes no signal reports (seconds).
MAX_AGE = 300

_CITY_FIELDS = [field.attname for field in City._meta.concrete_fields]


class Snapshot:
    """The lookups of one version, each loaded on first use."""

    def __init__(self, token):
        self.token = token
        self._cities = None
        self._action_fields = None
        self._partners = None
        self._districts = None

    def city(self, slug: str) -> City | None:
        """A fresh ``City`` instance (callers may change theirs), or ``None``."""
        if self._cities is None:
            self._cities = {
                row[_CITY_FIELDS.index("slug")]: row
                for row in City.objects.order_by().values_list(*_CITY_FIELDS)
            }
        row = self._cities.get(slug)
        return None if row is None else City.from_db(connection.alias, _CITY_FIELDS, row)

    def action_fields(self) -> frozenset[str]:
        if self._action_fields is None:
            self._action_fields = frozenset(
                ActionField.objects.order_by().values_list("slug", flat=True)
            )
        return self._action_fields

    def partners(self) -> frozenset[str]:
        if self._partners is None:
            self._partners = frozenset(Partner.objects.order_by().values_list("slug", flat=True))
        return self._partners

    def districts(self, city: City | None) -> frozenset[str]:
        """District slugs of ``city`` (of every city for ``None``)."""
        if self._districts is None:
            by_city: dict[int | None, set[str]] = {None: set()}
            for city_id, slug in District.objects.order_by().values_list("city_id", "slug"):
                by_city.setdefault(city_id, set()).add(slug)
                by_city[None].add(slug)
            self._districts = {key: frozenset(slugs) for key, slugs in by_city.items()}
        return self._districts.get(None if city is None else city.pk, frozenset())


_kept = VersionedSnapshot(VERSION_KEY, Snapshot, lambda: MAX_AGE)


def snapshot() -> Snapshot:
    """The lookups for this request: the kept snapshot while its version is current (inside
    a transaction or without the cache, one that is not kept)."""
    return _kept.get() or Snapshot(None)


def clear() -> None:
    """Forget this process's snapshot (tests)."""
    _kept.clear()


def changed() -> None:
    """A city, district, action field or partner changed: every process reloads."""
    _kept.changed()
