"""Links and deletes with the standard's side effects (HistoricalLocations, cascades)."""

from django.db import transaction
from django.utils import timezone

from smartcity.sensors.models import HistoricalLocation, Location, Thing


def link_locations(thing: Thing, locations: list[Location], replace: bool = True):
    """Set the Thing's current Locations and record a HistoricalLocation for the change."""
    with transaction.atomic():
        if replace:
            thing.locations.set(locations)
        else:
            thing.locations.add(*locations)
        history = HistoricalLocation.objects.create(thing=thing, time=timezone.now())
        history.locations.set(locations)
    return history


def delete_entity(instance) -> None:
    """Delete with the cascades of OGC 18-088 §10.4.

    The database-level cascades come from the models (Thing → Datastreams → Observations,
    Sensor/ObservedProperty → Datastreams, FeatureOfInterest → Observations). Deleting a
    Location also removes the HistoricalLocations that point to it.
    """
    from smartcity.sensors.models import FeatureOfInterest, Observation
    from smartcity.sensors.services import rollups

    with transaction.atomic():
        if isinstance(instance, Location):
            HistoricalLocation.objects.filter(locations=instance).delete()
        touched = []
        if isinstance(instance, FeatureOfInterest):
            touched = list(
                Observation.objects.filter(feature_of_interest=instance, datastream__isnull=False)
                .values_list("datastream_id", flat=True)
                .distinct()
            )
        instance.delete()
        if isinstance(instance, Observation) and instance.datastream_id:
            rollups.rebuild_hour_of(instance.datastream_id, instance.phenomenon_time_start)
        for stream_id in touched:
            rollups.rebuild(stream_id)
