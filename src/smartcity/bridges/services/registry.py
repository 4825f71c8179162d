"""Creating bridges and channels as SensorThings Things and Datastreams."""

from django.db import transaction

from smartcity.bridges.models import (
    UNITS,
    Bridge,
    Channel,
    ChannelKind,
    DerivedKind,
    DerivedStream,
)
from smartcity.sensors import services as sensors
from smartcity.sensors.models import Datastream, Location, ObservedProperty, Sensor, Thing

MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"
OBSERVATION = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation"
COMPLEX = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation"

PROPERTY_DEFINITIONS = {
    ChannelKind.TILT: ("Neigung", "https://de.wikipedia.org/wiki/Neigung"),
    ChannelKind.CRACK: ("Rissbreite", "https://de.wikipedia.org/wiki/Riss_(Material)"),
    ChannelKind.STRAIN: ("Dehnung", "https://de.wikipedia.org/wiki/Dehnung"),
    ChannelKind.TEMPERATURE: ("Bauwerkstemperatur", "https://de.wikipedia.org/wiki/Temperatur"),
    ChannelKind.ACCELERATION: ("Beschleunigung", "https://de.wikipedia.org/wiki/Beschleunigung"),
    ChannelKind.DISPLACEMENT: ("Verschiebung", "https://de.wikipedia.org/wiki/Verschiebung"),
}
DERIVED_PROPERTIES = {
    DerivedKind.COMPENSATED: "temperaturkompensierter Wert",
    DerivedKind.FREQUENCY: "Eigenfrequenz (temperaturkompensiert)",
    DerivedKind.DAMAGE: "Ermüdungsschädigung (Miner-Summe)",
}


def _sensor(name: str) -> Sensor:
    sensor, _ = Sensor.objects.get_or_create(
        name=name,
        defaults={
            "description": name,
            "encoding_type": "text/html",
            "metadata": "https://www.dortmund.de/",
        },
    )
    return sensor


def _property(name: str, definition: str) -> ObservedProperty:
    observed, _ = ObservedProperty.objects.get_or_create(
        name=name, defaults={"definition": definition, "description": name}
    )
    return observed


def sync_thing(bridge: Bridge) -> None:
    """Mirror the registry into the Thing (name, description, properties, visibility)."""
    Thing.objects.filter(pk=bridge.thing_id).update(
        name=bridge.name,
        description=f"Brückenbauwerk {bridge.structure_number}",
        properties=bridge.registry_properties(),
        is_public=bridge.is_public,
    )


@transaction.atomic
def create_bridge(city, *, name, slug, structure_number, geometry, **fields) -> Bridge:
    """A bridge with its Thing and a Location on the line's midpoint."""
    thing = Thing.objects.create(name=name, description=f"Brückenbauwerk {structure_number}")
    bridge = Bridge(
        city=city,
        thing=thing,
        name=name,
        slug=slug,
        structure_number=structure_number,
        geometry=geometry,
        **fields,
    )
    bridge.full_clean()
    bridge.save()
    location = Location.objects.create(
        name=f"Lage {name}", description=structure_number, location=geometry
    )
    sensors.link_locations(thing, [location])
    sync_thing(bridge)
    return bridge


@transaction.atomic
def add_channel(bridge: Bridge, *, code: str, kind: str, position: str, **fields) -> Channel:
    """A channel with its Datastream (non-public Things keep their channels hidden)."""
    label, definition = PROPERTY_DEFINITIONS[kind]
    unit_name, symbol = UNITS[kind]
    dynamic = kind in (ChannelKind.ACCELERATION, ChannelKind.STRAIN)
    datastream = Datastream.objects.create(
        name=f"{bridge.name}: {label} {code}",
        description=f"{label} – {position}",
        observation_type=OBSERVATION if dynamic else MEASUREMENT,
        unit_of_measurement={"name": unit_name, "symbol": symbol, "definition": definition},
        thing=bridge.thing,
        sensor=_sensor(f"Brückenmonitoring {label}"),
        observed_property=_property(label, definition),
        is_public=bridge.is_public,
        properties={"position": position, "channel": code, "kind": kind},
    )
    channel = Channel(
        bridge=bridge, datastream=datastream, code=code, kind=kind, position=position, **fields
    )
    channel.full_clean()
    channel.save()
    return channel


def derived_stream(channel: Channel, kind: str, mode: int = 0) -> Datastream:
    """The Datastream the analysis writes ``kind`` results of ``channel`` to (made once)."""
    existing = (
        DerivedStream.objects.select_related("datastream")
        .filter(channel=channel, kind=kind, mode=mode)
        .first()
    )
    if existing is not None:
        return existing.datastream
    label = DERIVED_PROPERTIES[kind]
    if kind == DerivedKind.FREQUENCY:
        unit = {"name": "Hertz", "symbol": "Hz", "definition": "http://qudt.org/vocab/unit/HZ"}
        label = f"{label} {mode}"
    elif kind == DerivedKind.DAMAGE:
        unit = {
            "name": "ohne Einheit",
            "symbol": "",
            "definition": "http://qudt.org/vocab/unit/NUM",
        }
    else:
        name, symbol = UNITS[channel.kind]
        unit = {"name": name, "symbol": symbol, "definition": ""}
    datastream = Datastream.objects.create(
        name=f"{channel.bridge.name}: {label} ({channel.code})",
        description=f"Abgeleitet aus {channel.datastream.name}",
        observation_type=MEASUREMENT,
        unit_of_measurement=unit,
        thing_id=channel.bridge.thing_id,
        sensor=_sensor("Brückenanalyse (abgeleitet)"),
        observed_property=_property(label, "https://www.dortmund.de/bruecken"),
        is_public=channel.bridge.is_public,
        properties={"derivedFrom": channel.datastream_id, "kind": kind, "mode": mode},
    )
    DerivedStream.objects.create(channel=channel, kind=kind, mode=mode, datastream=datastream)
    return datastream
