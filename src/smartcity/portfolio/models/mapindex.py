"""The map index: one row per published map item, holding its ready-made GeoJSON Feature.

Built from projects and places by ``portfolio.mapindex`` services whenever they change.
The map endpoint filters these rows with plain columns and joins the stored JSON, so a
request costs one query per layer however many features it returns.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MapEntry(models.Model):
    layer = models.CharField(_("Ebene"), max_length=40)
    object_id = models.PositiveIntegerField()
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=30, blank=True)
    district = models.CharField(max_length=60, blank=True)
    search_text = models.TextField(default="")
    min_lon = models.FloatField(null=True)
    min_lat = models.FloatField(null=True)
    max_lon = models.FloatField(null=True)
    max_lat = models.FloatField(null=True)
    feature = models.TextField(help_text="the GeoJSON Feature, serialised")

    class Meta:
        verbose_name = _("Karteneintrag")
        verbose_name_plural = _("Karteneinträge")
        ordering = ["layer", "title", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "object_id"], name="map_entry_unique")
        ]
        indexes = [models.Index(fields=["layer", "title"])]

    def __str__(self):
        return f"{self.layer}: {self.title}"


class MapEntryKey(models.Model):
    """An indexed filter key of a map entry: ``city:<slug>``, ``field:<slug>``,
    ``partner:<slug>`` and the same per city, ``<city>/field:<slug>`` and
    ``<city>/partner:<slug>`` (an entry may have several of each).

    The key carries its entry's bounding box, so a filter on a key and a map section is
    answered from these narrow rows before any stored Feature is read.
    """

    entry = models.ForeignKey(MapEntry, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=140)
    min_lon = models.FloatField(null=True)
    min_lat = models.FloatField(null=True)
    max_lon = models.FloatField(null=True)
    max_lat = models.FloatField(null=True)

    class Meta:
        verbose_name = _("Filterschlüssel eines Karteneintrags")
        verbose_name_plural = _("Filterschlüssel von Karteneinträgen")
        indexes = [
            # Key and map section answered from the index alone (covering on both
            # databases; SQLite knows no INCLUDE, so the box columns are key columns).
            models.Index(
                fields=["key", "entry", "min_lon", "min_lat", "max_lon", "max_lat"],
                name="map_entry_key_cover",
            )
        ]

    def __str__(self):
        return self.key


class MapFragment(models.Model):
    """Ready-made GeoJSON of an unfiltered view: the Features of up to ``BUCKET`` entries of one
    layer (by ``object_id``) that belong to the same cities, joined with commas.

    The endpoint answers an unfiltered request (or one only limited to a city) by joining
    these few large values instead of reading one row per Feature. Derived from
    :class:`MapEntry` by ``services.mapfragments`` whenever entries change.
    """

    layer = models.CharField(max_length=40)
    # The entry's city slugs, space-separated with a space on each side (" a b "), "" for none.
    cities = models.CharField(max_length=200, blank=True)
    bucket = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    body = models.TextField()
    # Hash of ``body``: fragments are never updated in place (a change deletes and re-creates
    # them), and the endpoint keeps recently read bodies in memory under this digest, so an
    # unchanged fragment is not read again and a changed one can never be served stale.
    digest = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = _("Kartenfragment")
        verbose_name_plural = _("Kartenfragmente")
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "bucket", "cities"], name="map_fragment_unique"
            )
        ]

    def __str__(self):
        return f"{self.layer} {self.bucket}{self.cities}"
