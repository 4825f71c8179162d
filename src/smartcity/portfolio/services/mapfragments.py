"""Keeps ``MapFragment`` rows (pre-joined Features of unfiltered views) in step with entries.

Entries are grouped by layer, bucket (``object_id // BUCKET``) and their set of cities, so
each entry is in exactly one fragment: a view of one city joins the fragments naming it,
the view of all cities joins all of them, and a changed entry rebuilds only its bucket.
"""

import hashlib
import threading
from collections import OrderedDict, defaultdict

from django.conf import settings
from django.db.models import Q

from smartcity.portfolio.models import MapEntry, MapEntryKey, MapFragment

BUCKET = 256


def digest_of(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


class BodyStore:
    """Fragment bodies (UTF-8 bytes) by digest, least recently used dropped beyond ``limit``
    bytes. Content-addressed, so nothing in it can become stale: a changed fragment has a new
    digest. Per process (the shared file or Redis cache would copy megabytes per request)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, digests) -> dict[str, bytes]:
        found = {}
        with self._lock:
            for digest in digests:
                body = self._bodies.get(digest)
                if body is not None:
                    self._bodies.move_to_end(digest)
                    found[digest] = body
        return found

    def add(self, digest: str, body: bytes) -> None:
        if len(body) > self.limit:
            return
        with self._lock:
            if digest in self._bodies:
                return
            self._bodies[digest] = body
            self.size += len(body)
            while self.size > self.limit:
                _digest, dropped = self._bodies.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()
            self.size = 0


bodies = BodyStore(getattr(settings, "SMARTCITY_MAP_FRAGMENT_CACHE_BYTES", 64 * 1024 * 1024))


def _cities_of(entry_ids) -> dict[int, str]:
    """Each entry's city slugs as stored in ``MapFragment.cities``."""
    slugs = defaultdict(list)
    rows = MapEntryKey.objects.filter(key__startswith="city:")
    if entry_ids is not None:
        rows = rows.filter(entry_id__in=entry_ids)
    for entry_id, key in rows.values_list("entry_id", "key"):
        slugs[entry_id].append(key.removeprefix("city:"))
    return {pk: " " + " ".join(sorted(names)) + " " for pk, names in slugs.items()}


def _build(entries, cities_of) -> int:
    """Group ``(pk, layer, object_id, feature)`` rows into fragments and store them."""
    groups = defaultdict(list)
    for pk, layer, object_id, feature in sorted(entries, key=lambda row: (row[1], row[2])):
        groups[(layer, object_id // BUCKET, cities_of.get(pk, ""))].append(feature)
    MapFragment.objects.bulk_create(
        [
            MapFragment(
                layer=layer,
                bucket=bucket,
                cities=cities,
                count=len(features),
                body=body,
                digest=digest_of(body.encode()),
            )
            for (layer, bucket, cities), features in groups.items()
            for body in [",".join(features)]
        ],
        batch_size=200,
    )
    return len(groups)


def refresh(layers, object_ids) -> None:
    """Rebuild the fragments of ``layers`` holding any of ``object_ids`` (changed entries)."""
    buckets = {object_id // BUCKET for object_id in object_ids}
    if not buckets:
        return
    layers = list(layers)
    MapFragment.objects.filter(layer__in=layers, bucket__in=buckets).delete()
    in_buckets = Q()
    for bucket in buckets:
        in_buckets |= Q(object_id__gte=bucket * BUCKET, object_id__lt=(bucket + 1) * BUCKET)
    entries = list(
        MapEntry.objects.filter(in_buckets, layer__in=layers).values_list(
            "pk", "layer", "object_id", "feature"
        )
    )
    _build(entries, _cities_of([row[0] for row in entries]))


def rebuild_all() -> int:
    """Rebuild every fragment from the entries; returns the fragment count."""
    MapFragment.objects.all().delete()
    entries = MapEntry.objects.values_list("pk", "layer", "object_id", "feature")
    return _build(entries.iterator(chunk_size=2000), _cities_of(None))


def parts(layer: str, city) -> list[bytes]:
    """The layer's Features (of ``city``, or of all cities) as comma-joined pieces, one per
    fragment, in a stable order; join them with ``b","``."""
    return parts_many([layer], city)[layer]


def parts_many(layers, city) -> dict[str, list[bytes]]:
    """``parts`` of several layers: one query for the fragments' digests of all of them;
    bodies not yet in this process's ``bodies`` store are read with a second one (after a
    change: only the changed fragments)."""
    layers = list(layers)
    result = {layer: [] for layer in layers}
    rows = MapFragment.objects.filter(layer__in=layers)
    if city is not None:
        rows = rows.filter(cities__contains=f" {city.slug} ")
    listed = list(rows.order_by("layer", "bucket").values_list("layer", "digest"))
    if not listed:
        return result
    found = bodies.get_many(digest for _layer, digest in listed)
    missing = {digest for _layer, digest in listed if digest not in found}
    if missing:
        for digest, body in rows.filter(digest__in=missing).values_list("digest", "body"):
            found[digest] = body.encode()
            bodies.add(digest, found[digest])
        if any(digest not in found for _layer, digest in listed):
            # Changed between the two queries: read them all in one go.
            rows = rows.order_by("layer", "bucket").values_list("layer", "body")
            for layer, body in rows:
                result[layer].append(body.encode())
            return result
    for layer, digest in listed:
        result[layer].append(found[digest])
    return result


def joined(layer: str, city) -> bytes:
    """The layer's Features (of ``city``, or of all cities) joined with commas."""
    return b",".join(parts(layer, city))
