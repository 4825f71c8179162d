"""Interoperability: the unmodified frost_sta_client (PyPI) against a live server."""

import frost_sta_client as fsc
import geojson
import pytest

from smartcity.sensors.models import Observation


@pytest.fixture
def service(live_server, writer_secret):
    # The library sends HTTP Basic; the server takes the token as the password.
    auth = fsc.AuthHandler(username="bridge", password=writer_secret)
    return fsc.SensorThingsService(f"{live_server.url}/sta/v1.1", auth_handler=auth)


@pytest.mark.django_db(transaction=True)
def test_frost_client_creates_queries_and_pages(service):
    location = fsc.Location(
        name="Phoenix-See",
        description="Pegel",
        encoding_type="application/geo+json",
        location=geojson.Point((7.51, 51.49)),
    )
    thing = fsc.Thing(name="Pegel Phoenix-See", description="Wasserstand", properties={"a": 1})
    thing.locations = fsc.EntityList(
        entity_class="frost_sta_client.model.location.Location", entities=[location]
    )
    service.create(thing)
    assert thing.id is not None
    sensor = fsc.Sensor(name="Radar", description="r", encoding_type="text/html", metadata="m")
    observed = fsc.ObservedProperty(name="Pegel", definition="d", description="Wasserstand")
    datastream = fsc.Datastream(
        name="Pegel cm",
        description="Wasserstand in cm",
        observation_type="http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
        unit_of_measurement=fsc.UnitOfMeasurement(name="Zentimeter", symbol="cm", definition="cm"),
        thing=thing,
        sensor=sensor,
        observed_property=observed,
    )
    service.create(datastream)
    for minute in range(25):
        observation = fsc.Observation(
            result=100 + minute,
            phenomenon_time=f"2026-06-01T10:{minute:02d}:00Z",
            datastream=datastream,
        )
        service.create(observation)
    assert Observation.objects.count() == 25
    found = service.things().query().filter("name eq 'Pegel Phoenix-See'").list()
    assert [item.name for item in found] == ["Pegel Phoenix-See"]
    # Paging: the client follows our absolute @iot.nextLink until the end.
    results = [
        item.result
        for item in datastream.get_observations()
        .query()
        .top(10)
        .orderby("phenomenonTime", "ASC")
        .list()
    ]
    assert results == list(range(100, 125))
    fetched = service.datastreams().find(datastream.id)
    assert fetched.name == "Pegel cm"
    fetched.description = "geändert"
    service.update(fetched)
    assert service.datastreams().find(datastream.id).description == "geändert"
    service.delete(fetched)
    assert Observation.objects.count() == 0
