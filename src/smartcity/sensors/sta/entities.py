"""What the SensorThings entity sets are made of: properties, relations, model fields.

One table drives reading, filtering, writing and the service root, so they cannot disagree.
"""

from dataclasses import dataclass, field

from smartcity.sensors import models as m


@dataclass(frozen=True)
class Prop:
    name: str  # the standard's name
    kind: str  # text | json | geo | time | interval | result | id
    column: str = ""  # model field; for intervals the prefix of <prefix>_start/_end
    required: bool = False
    since_11: bool = False  # not part of v1.0
    read_only: bool = False


@dataclass(frozen=True)
class Rel:
    name: str  # navigation property
    target: str  # entity set name
    lookup: str  # ORM path from this model to the target
    many: bool
    reverse: str  # ORM path from the target back to this model
    required: bool = False  # must be given when creating (to-one links)


@dataclass(frozen=True)
class EntityType:
    name: str
    set_name: str
    model: type
    props: tuple
    rels: tuple
    extension: bool = False
    prop_map: dict = field(default_factory=dict, compare=False)
    rel_map: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        self.prop_map.update({prop.name: prop for prop in self.props})
        self.rel_map.update({rel.name: rel for rel in self.rels})


def _common(*extra, with_properties=True, properties_since_11=True):
    props = [
        Prop("name", "text", "name", required=True),
        Prop("description", "text", "description", required=True),
    ]
    props.extend(extra)
    if with_properties:
        props.append(Prop("properties", "json", "properties", since_11=properties_since_11))
    return props


THING = EntityType(
    "Thing",
    "Things",
    m.Thing,
    tuple(_common(properties_since_11=False)),  # Things had properties already in 1.0
    (
        Rel("Locations", "Locations", "locations", True, "things"),
        Rel("HistoricalLocations", "HistoricalLocations", "historical_locations", True, "thing"),
        Rel("Datastreams", "Datastreams", "datastreams", True, "thing"),
        Rel("MultiDatastreams", "MultiDatastreams", "multi_datastreams", True, "thing"),
    ),
)
LOCATION = EntityType(
    "Location",
    "Locations",
    m.Location,
    tuple(
        _common(
            Prop("encodingType", "text", "encoding_type", required=True),
            Prop("location", "geo", "location", required=True),
        )
    ),
    (
        Rel("Things", "Things", "things", True, "locations"),
        Rel(
            "HistoricalLocations", "HistoricalLocations", "historical_locations", True, "locations"
        ),
    ),
)
HISTORICAL_LOCATION = EntityType(
    "HistoricalLocation",
    "HistoricalLocations",
    m.HistoricalLocation,
    (Prop("time", "time", "time", required=True),),
    (
        Rel("Thing", "Things", "thing", False, "historical_locations", required=True),
        Rel("Locations", "Locations", "locations", True, "historical_locations"),
    ),
)
SENSOR = EntityType(
    "Sensor",
    "Sensors",
    m.Sensor,
    tuple(
        _common(
            Prop("encodingType", "text", "encoding_type", required=True),
            Prop("metadata", "text", "metadata", required=True),
        )
    ),
    (
        Rel("Datastreams", "Datastreams", "datastreams", True, "sensor"),
        Rel("MultiDatastreams", "MultiDatastreams", "multi_datastreams", True, "sensor"),
    ),
)
OBSERVED_PROPERTY = EntityType(
    "ObservedProperty",
    "ObservedProperties",
    m.ObservedProperty,
    (
        Prop("name", "text", "name", required=True),
        Prop("definition", "text", "definition", required=True),
        Prop("description", "text", "description", required=True),
        Prop("properties", "json", "properties", since_11=True),
    ),
    (
        Rel("Datastreams", "Datastreams", "datastreams", True, "observed_property"),
        Rel(
            "MultiDatastreams", "MultiDatastreams", "multi_datastreams", True, "observed_properties"
        ),
    ),
)
_STREAM_PROPS = (
    Prop("observationType", "text", "observation_type", required=True),
    Prop("observedArea", "geo", "observed_area", read_only=True),
    Prop("phenomenonTime", "interval", "phenomenon_time", read_only=True),
    Prop("resultTime", "interval", "result_time", read_only=True),
)
DATASTREAM = EntityType(
    "Datastream",
    "Datastreams",
    m.Datastream,
    tuple(
        _common(Prop("unitOfMeasurement", "json", "unit_of_measurement", required=True))[:3]
        + list(_STREAM_PROPS)
        + [Prop("properties", "json", "properties", since_11=True)]
    ),
    (
        Rel("Thing", "Things", "thing", False, "datastreams", required=True),
        Rel("Sensor", "Sensors", "sensor", False, "datastreams", required=True),
        Rel(
            "ObservedProperty",
            "ObservedProperties",
            "observed_property",
            False,
            "datastreams",
            required=True,
        ),
        Rel("Observations", "Observations", "observations", True, "datastream"),
    ),
)
MULTI_DATASTREAM = EntityType(
    "MultiDatastream",
    "MultiDatastreams",
    m.MultiDatastream,
    tuple(
        _common(
            Prop("unitOfMeasurements", "json", "unit_of_measurements", required=True),
            Prop("multiObservationDataTypes", "json", "multi_observation_data_types", True),
        )[:4]
        + list(_STREAM_PROPS)
        + [Prop("properties", "json", "properties", since_11=True)]
    ),
    (
        Rel("Thing", "Things", "thing", False, "multi_datastreams", required=True),
        Rel("Sensor", "Sensors", "sensor", False, "multi_datastreams", required=True),
        Rel(
            "ObservedProperties",
            "ObservedProperties",
            "observed_properties",
            True,
            "multi_datastreams",
        ),
        Rel("Observations", "Observations", "observations", True, "multi_datastream"),
    ),
    extension=True,
)
FEATURE_OF_INTEREST = EntityType(
    "FeatureOfInterest",
    "FeaturesOfInterest",
    m.FeatureOfInterest,
    tuple(
        _common(
            Prop("encodingType", "text", "encoding_type", required=True),
            Prop("feature", "geo", "feature", required=True),
        )
    ),
    (Rel("Observations", "Observations", "observations", True, "feature_of_interest"),),
)
OBSERVATION = EntityType(
    "Observation",
    "Observations",
    m.Observation,
    (
        Prop("phenomenonTime", "interval", "phenomenon_time"),
        Prop("resultTime", "time", "result_time"),
        Prop("result", "result", "result", required=True),
        Prop("resultQuality", "json", "result_quality"),
        Prop("validTime", "interval", "valid_time"),
        Prop("parameters", "json", "parameters"),
    ),
    (
        Rel("Datastream", "Datastreams", "datastream", False, "observations"),
        Rel("MultiDatastream", "MultiDatastreams", "multi_datastream", False, "observations"),
        Rel(
            "FeatureOfInterest", "FeaturesOfInterest", "feature_of_interest", False, "observations"
        ),
    ),
)

ENTITY_TYPES = (
    THING,
    LOCATION,
    HISTORICAL_LOCATION,
    DATASTREAM,
    MULTI_DATASTREAM,
    SENSOR,
    OBSERVED_PROPERTY,
    OBSERVATION,
    FEATURE_OF_INTEREST,
)
BY_SET = {entity.set_name: entity for entity in ENTITY_TYPES}
BY_NAME = {entity.name: entity for entity in ENTITY_TYPES}
BY_MODEL = {entity.model: entity for entity in ENTITY_TYPES}
