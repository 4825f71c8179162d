"""Demo content: a few sensor stations in Dortmund and Schwerte with a day of readings.

Idempotent: Things are matched by name; Observations are only added to empty Datastreams.
Says whether the MQTT side is available (the HTTP API works without a broker).
"""

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction

from smartcity.sensors import services
from smartcity.sensors.models import Datastream, Location, ObservedProperty, Sensor, Thing

STATIONS = [
    # Bridges and classrooms come from their own apps (bridges, schools) with real channels.
    (
        "Wetterstation Dortmund Friedensplatz",
        "Lufttemperatur am Friedensplatz",
        7.4668,
        51.5117,
        "Lufttemperatur",
        "°C",
        10,
        5,
    ),
    (
        "Wetterstation Schwerte Markt",
        "Lufttemperatur am Marktplatz",
        7.5646,
        51.4457,
        "Lufttemperatur",
        "°C",
        9,
        4,
    ),
]


def _stream(name, description, lon, lat, prop_name, unit):
    thing, created = Thing.objects.get_or_create(
        name=name, defaults={"description": description, "properties": {"demo": True}}
    )
    if created:
        location = Location.objects.create(
            name=f"Standort {name}",
            description=description,
            location={"type": "Point", "coordinates": [lon, lat]},
        )
        services.link_locations(thing, [location])
    stream = thing.datastreams.first()
    if stream is None:
        sensor, _ = Sensor.objects.get_or_create(
            name=f"Demo-Sensor {prop_name}",
            defaults={"encoding_type": "text/html", "metadata": "https://example.org/sensor"},
        )
        observed, _ = ObservedProperty.objects.get_or_create(
            name=prop_name, defaults={"definition": f"https://de.wikipedia.org/wiki/{prop_name}"}
        )
        stream = Datastream.objects.create(
            name=f"{prop_name} – {name}",
            description=description,
            observation_type="http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
            unit_of_measurement={"name": unit, "symbol": unit, "definition": ""},
            thing=thing,
            sensor=sensor,
            observed_property=observed,
        )
    return stream


@transaction.atomic
def load() -> None:
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    for name, description, lon, lat, prop_name, unit, base, amplitude in STATIONS:
        stream = _stream(name, description, lon, lat, prop_name, unit)
        if stream.observations.exists():
            continue
        stream = Datastream.objects.select_related("thing").get(pk=stream.pk)
        readings = [
            services.NewObservation(
                phenomenon_time_start=end - timedelta(minutes=10 * step),
                result=round(base + amplitude * math.sin(step / 12), 1),
            )
            for step in range(144)
        ]
        services.store_observations(stream, readings)
    if not getattr(settings, "SMARTCITY_MQTT_URL", None):
        print(  # noqa: T201 - the demo command talks to the person starting it
            "Sensordaten: kein MQTT-Broker konfiguriert (SMARTCITY_MQTT_URL) – die "
            "SensorThings-API läuft nur über HTTP: /sta/v1.1"
        )
