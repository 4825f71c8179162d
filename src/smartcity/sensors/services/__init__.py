"""The sensor hub's logic, used by the SensorThings adapter (HTTP and MQTT), admin and jobs."""

from smartcity.sensors.services.aggregates import aggregate, aggregate_json
from smartcity.sensors.services.entities import (
    delete_entity,
    link_locations,
)
from smartcity.sensors.services.observations import (
    NewObservation,
    feature_from_thing,
    recompute_ranges,
    result_columns,
    store_groups,
    store_observations,
    stream_of,
)
from smartcity.sensors.services.streams import store_for_datastreams

__all__ = [
    "NewObservation",
    "aggregate",
    "aggregate_json",
    "delete_entity",
    "feature_from_thing",
    "link_locations",
    "recompute_ranges",
    "result_columns",
    "store_for_datastreams",
    "store_groups",
    "store_observations",
    "stream_of",
]
