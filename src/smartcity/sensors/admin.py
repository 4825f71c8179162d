from django.contrib import admin

from smartcity.sensors import models


@admin.register(models.Thing)
class ThingAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "is_public")
    search_fields = ("name", "description")
    filter_horizontal = ("locations",)


@admin.register(models.Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "encoding_type")
    search_fields = ("name",)


@admin.register(models.Sensor)
class SensorAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "encoding_type")
    search_fields = ("name",)


@admin.register(models.ObservedProperty)
class ObservedPropertyAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "definition")
    search_fields = ("name", "definition")


@admin.register(models.Datastream)
class DatastreamAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "thing", "is_public", "reject_duplicates")
    list_filter = ("is_public", "reject_duplicates")
    search_fields = ("name",)
    raw_id_fields = ("thing", "sensor", "observed_property")
    readonly_fields = (
        "phenomenon_time_start",
        "phenomenon_time_end",
        "result_time_start",
        "result_time_end",
        "observed_area",
    )


@admin.register(models.MultiDatastream)
class MultiDatastreamAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "thing")
    raw_id_fields = ("thing", "sensor")


@admin.register(models.FeatureOfInterest)
class FeatureOfInterestAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "encoding_type")
    search_fields = ("name",)


@admin.register(models.HistoricalLocation)
class HistoricalLocationAdmin(admin.ModelAdmin):
    list_display = ("id", "thing", "time")
    raw_id_fields = ("thing",)


@admin.register(models.Observation)
class ObservationAdmin(admin.ModelAdmin):
    # No counting or joins on a table with hundreds of millions of rows.
    list_display = ("id", "datastream_id", "phenomenon_time_start", "result_kind")
    raw_id_fields = ("datastream", "multi_datastream", "feature_of_interest")
    show_full_result_count = False
