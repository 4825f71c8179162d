"""Keeps ``MapFragment`` rows (pre-joined Features of unfiltered views) in step with entries.

Entries are grouped by layer, bucket (``object_id // BUCKET``) and their set of cities, so
each entry is in exactly one fragment: a view of one city joins the fragments naming it,
the view of all cities joins all of them, and a changed entry rebuilds only its bucket.
"""

from collections import defaultdict

from django.db.models import Q

from smartcity.portfolio.models import MapEntry, MapEntryKey, MapFragment

BUCKET = 256


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
                body=",".join(features),
            )
            for (layer, bucket, cities), features in groups.items()
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


def joined(layer: str, city) -> bytes:
    """The layer's Features (of ``city``, or of all cities) joined with commas (one query)."""
    rows = MapFragment.objects.filter(layer=layer)
    if city is not None:
        rows = rows.filter(cities__contains=f" {city.slug} ")
    bodies = rows.order_by("bucket").values_list("body", flat=True)
    return b",".join([body.encode() for body in bodies])
