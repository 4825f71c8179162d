"""The SensorThings data model (OGC 18-088) with integer ids.

Geometries are stored as GeoJSON (``JSONField``); spatial predicates are evaluated with shapely
(see ``sta/geo.py``), so the same schema runs on SQLite, PostgreSQL and Citus without PostGIS.
The Observation table is built for very many rows: typed result columns instead of one JSON
blob, and one composite index (datastream, phenomenon_time_start) that serves paging, latest
values, time filters and aggregates.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Thing(models.Model):
    name = models.CharField(_("Name"), max_length=255)
    description = models.TextField(_("Beschreibung"), blank=True, default="")
    properties = models.JSONField(_("Eigenschaften"), null=True, blank=True)
    # Non-public Things (e.g. internal bridge channels) are hidden from anonymous readers.
    is_public = models.BooleanField(_("öffentlich"), default=True)
    locations = models.ManyToManyField("Location", related_name="things", blank=True)

    class Meta:
        verbose_name = _("Thing")
        verbose_name_plural = _("Things")

    def __str__(self):
        return self.name


class Location(models.Model):
    name = models.CharField(_("Name"), max_length=255)
    description = models.TextField(_("Beschreibung"), blank=True, default="")
    encoding_type = models.CharField(max_length=100, default="application/geo+json")
    location = models.JSONField(_("Ort (GeoJSON)"))
    properties = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("Location")
        verbose_name_plural = _("Locations")

    def __str__(self):
        return self.name


class HistoricalLocation(models.Model):
    time = models.DateTimeField(db_index=True)
    thing = models.ForeignKey(Thing, on_delete=models.CASCADE, related_name="historical_locations")
    locations = models.ManyToManyField(Location, related_name="historical_locations", blank=True)

    class Meta:
        verbose_name = _("HistoricalLocation")
        verbose_name_plural = _("HistoricalLocations")

    def __str__(self):
        return f"{self.thing_id} @ {self.time.isoformat()}"


class Sensor(models.Model):
    name = models.CharField(_("Name"), max_length=255)
    description = models.TextField(_("Beschreibung"), blank=True, default="")
    encoding_type = models.CharField(max_length=100)
    metadata = models.TextField(blank=True, default="")
    properties = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("Sensor")
        verbose_name_plural = _("Sensoren")

    def __str__(self):
        return self.name


class ObservedProperty(models.Model):
    name = models.CharField(_("Name"), max_length=255)
    definition = models.CharField(max_length=500)
    description = models.TextField(_("Beschreibung"), blank=True, default="")
    properties = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("ObservedProperty")
        verbose_name_plural = _("ObservedProperties")

    def __str__(self):
        return self.name


class StreamBase(models.Model):
    """What Datastream and MultiDatastream share, including the ranges the service keeps."""

    name = models.CharField(_("Name"), max_length=255)
    description = models.TextField(_("Beschreibung"), blank=True, default="")
    observation_type = models.CharField(max_length=200)
    observed_area = models.JSONField(null=True, blank=True)
    phenomenon_time_start = models.DateTimeField(null=True, blank=True)
    phenomenon_time_end = models.DateTimeField(null=True, blank=True)
    result_time_start = models.DateTimeField(null=True, blank=True)
    result_time_end = models.DateTimeField(null=True, blank=True)
    properties = models.JSONField(null=True, blank=True)
    is_public = models.BooleanField(_("öffentlich"), default=True)
    # Reject a second Observation with the same phenomenonTime (409 naming the existing one).
    reject_duplicates = models.BooleanField(_("Duplikate ablehnen"), default=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class Datastream(StreamBase):
    unit_of_measurement = models.JSONField()
    thing = models.ForeignKey(Thing, on_delete=models.CASCADE, related_name="datastreams")
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="datastreams")
    observed_property = models.ForeignKey(
        ObservedProperty, on_delete=models.CASCADE, related_name="datastreams"
    )

    class Meta:
        verbose_name = _("Datastream")
        verbose_name_plural = _("Datastreams")


class MultiDatastream(StreamBase):
    unit_of_measurements = models.JSONField()
    multi_observation_data_types = models.JSONField()
    thing = models.ForeignKey(Thing, on_delete=models.CASCADE, related_name="multi_datastreams")
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="multi_datastreams")
    observed_properties = models.ManyToManyField(
        ObservedProperty, through="MultiDatastreamProperty", related_name="multi_datastreams"
    )

    class Meta:
        verbose_name = _("MultiDatastream")
        verbose_name_plural = _("MultiDatastreams")


class MultiDatastreamProperty(models.Model):
    """Keeps the order of a MultiDatastream's ObservedProperties (it matches the result array)."""

    multi_datastream = models.ForeignKey(MultiDatastream, on_delete=models.CASCADE)
    observed_property = models.ForeignKey(ObservedProperty, on_delete=models.CASCADE)
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["multi_datastream", "rank"], name="sensors_mdp_rank")
        ]

    def __str__(self):
        return f"{self.multi_datastream_id}[{self.rank}]"


class FeatureOfInterest(models.Model):
    name = models.CharField(_("Name"), max_length=255)
    description = models.TextField(_("Beschreibung"), blank=True, default="")
    encoding_type = models.CharField(max_length=100, default="application/geo+json")
    feature = models.JSONField()
    properties = models.JSONField(null=True, blank=True)
    # Set when the feature was generated from this Location, so the next Observation reuses it.
    generated_from = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("FeatureOfInterest")
        verbose_name_plural = _("FeaturesOfInterest")

    def __str__(self):
        return self.name


class ResultKind(models.TextChoices):
    NUMBER = "n", "number"
    STRING = "s", "string"
    BOOLEAN = "b", "boolean"
    JSON = "j", "json"  # objects, arrays (MultiDatastream results) and null


class Observation(models.Model):
    # No FOREIGN KEY constraints to the parents: the table is partitioned by time on PostgreSQL
    # (and distributed by datastream on Citus); integrity is kept by the service layer.
    datastream = models.ForeignKey(
        Datastream,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="observations",
        db_constraint=False,
        db_index=False,  # the (datastream, phenomenon_time_start) index covers it
    )
    multi_datastream = models.ForeignKey(
        MultiDatastream,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="observations",
        db_constraint=False,
        db_index=False,
    )
    feature_of_interest = models.ForeignKey(
        FeatureOfInterest,
        on_delete=models.CASCADE,
        related_name="observations",
        db_constraint=False,
        db_index=False,
    )
    phenomenon_time_start = models.DateTimeField()
    phenomenon_time_end = models.DateTimeField(null=True, blank=True)
    result_time = models.DateTimeField(null=True, blank=True)
    valid_time_start = models.DateTimeField(null=True, blank=True)
    valid_time_end = models.DateTimeField(null=True, blank=True)
    result_kind = models.CharField(max_length=1, choices=ResultKind.choices)
    result_number = models.FloatField(null=True, blank=True)
    result_string = models.TextField(null=True, blank=True)
    result_bool = models.BooleanField(null=True, blank=True)
    result_json = models.JSONField(null=True, blank=True)
    result_quality = models.JSONField(null=True, blank=True)
    parameters = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("Observation")
        verbose_name_plural = _("Observations")
        indexes = [
            models.Index(
                fields=["datastream", "phenomenon_time_start"], name="sensors_obs_ds_time"
            ),
            models.Index(
                fields=["multi_datastream", "phenomenon_time_start"], name="sensors_obs_mds_time"
            ),
            models.Index(fields=["feature_of_interest"], name="sensors_obs_foi"),
        ]

    def __str__(self):
        return f"Observation({self.pk})"

    @property
    def result(self):
        kind = self.result_kind
        if kind == ResultKind.NUMBER:
            number = self.result_number
            return int(number) if number is not None and number.is_integer() else number
        if kind == ResultKind.STRING:
            return self.result_string
        if kind == ResultKind.BOOLEAN:
            return self.result_bool
        return self.result_json


class SelectTopic(models.Model):
    """An MQTT topic with ``$select`` a client announced (Mosquitto hides subscriptions)."""

    topic = models.CharField(max_length=500, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("MQTT-Auswahlthema")
        verbose_name_plural = _("MQTT-Auswahlthemen")

    def __str__(self):
        return self.topic


class HourlyAggregate(models.Model):
    """Per Datastream and UTC hour: count, numeric count, sum, min, max of the results.

    Kept by the service layer with one upsert per stored batch, so ``$aggregate`` over a year
    reads 8 760 rows instead of 525 600 (see services/rollups.py).
    """

    datastream = models.ForeignKey(Datastream, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    count = models.BigIntegerField()
    numeric_count = models.BigIntegerField()
    total = models.FloatField(null=True)
    minimum = models.FloatField(null=True)
    maximum = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["datastream", "hour"], name="sensors_hourly_unique")
        ]

    def __str__(self):
        return f"{self.datastream_id} {self.hour.isoformat()}"


class DailyAggregate(models.Model):
    """Per Datastream and UTC day: the sums of its hourly roll-ups and, ready to send, the JSON
    of its hourly ``$aggregate`` buckets for the default stats (``mean,min,max,count``).

    Rebuilt from the ``HourlyAggregate`` rows of the touched days in the transaction that
    changes them, so ``$aggregate?interval=PT1H`` over a year concatenates 365 texts instead
    of formatting 8 760 buckets, and ``P1D`` reads 365 rows (see services/rollups.py).
    """

    datastream = models.ForeignKey(Datastream, on_delete=models.CASCADE, related_name="+")
    day = models.DateTimeField()
    count = models.BigIntegerField()
    numeric_count = models.BigIntegerField()
    total = models.FloatField(null=True)
    minimum = models.FloatField(null=True)
    maximum = models.FloatField(null=True)
    hours = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["datastream", "day"], name="sensors_daily_unique")
        ]

    def __str__(self):
        return f"{self.datastream_id} {self.day.date().isoformat()}"


class MqttCounter(models.Model):
    """Messages handled over MQTT, summed over all processes (bridge and web) for /metrics:
    ``received`` creates, ``rejected`` ones of those, ``published`` notifications."""

    name = models.CharField(max_length=40, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("MQTT-Zähler")
        verbose_name_plural = _("MQTT-Zähler")

    def __str__(self):
        return f"{self.name}={self.value}"
