"""Fixtures for the SensorThings tests: a writer token and a small sensor network."""

import json

import pytest
from django.test import Client

from smartcity.accounts.models import User
from smartcity.core.tokens import create_token

BASE = "/sta/v1.1"


class StaClient:
    """A Django test client speaking JSON to /sta/v1.1 with or without a write token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def url(self, path):
        return path if path.startswith("/") else f"{BASE}/{path}"

    def get(self, path, **params):
        return self.client.get(self.url(path), params, **self.headers)

    def send(self, method, path, body=None, content_type="application/json"):
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        call = getattr(self.client, method.lower())
        return call(self.url(path), data=data, content_type=content_type, **self.headers)

    def post(self, path, body):
        return self.send("POST", path, body)


@pytest.fixture
def writer_secret(db):
    user = User.objects.create_user(username="sensor-bridge", password="x" * 12)
    return create_token(user, ["sta:write"], name="bridge")[1]


@pytest.fixture
def sta(writer_secret):
    return StaClient(writer_secret)


@pytest.fixture
def anonymous(db):
    return StaClient()


def thing_body(name="Brücke Nord", lon=7.46, lat=51.51):
    return {
        "name": name,
        "description": "Messstelle",
        "properties": {"district": "Innenstadt", "floors": 3},
        "Locations": [
            {
                "name": f"{name} Ort",
                "description": "Standort",
                "encodingType": "application/geo+json",
                "location": {"type": "Point", "coordinates": [lon, lat]},
            }
        ],
        "Datastreams": [
            {
                "name": f"{name} Temperatur",
                "description": "Lufttemperatur",
                "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
                "OM_Measurement",
                "unitOfMeasurement": {"name": "Grad Celsius", "symbol": "°C", "definition": "x"},
                "Sensor": {
                    "name": "DHT22",
                    "description": "Sensor",
                    "encodingType": "application/pdf",
                    "metadata": "https://example.org/dht22.pdf",
                },
                "ObservedProperty": {
                    "name": "Temperatur",
                    "definition": "http://dbpedia.org/page/Temperature",
                    "description": "Lufttemperatur",
                },
            }
        ],
    }


@pytest.fixture
def network(sta):
    """Two Things with a Datastream each; the first has five Observations."""
    first = sta.post("Things", thing_body()).json()
    second = sta.post("Things", thing_body("Schule Süd", 7.51, 51.43)).json()
    datastream = sta.get(f"Things({first['@iot.id']})/Datastreams").json()["value"][0]
    for hour, value in enumerate([12.5, 14, 15.5, 13, 9]):
        response = sta.post(
            f"Datastreams({datastream['@iot.id']})/Observations",
            {"phenomenonTime": f"2026-03-01T{10 + hour:02d}:00:00Z", "result": value},
        )
        assert response.status_code == 201, response.content
    return {"thing": first, "other": second, "datastream": datastream}
