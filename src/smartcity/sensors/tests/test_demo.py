"""The demo loader: idempotent, and the demo works without a broker (and says so)."""

from smartcity.sensors import demo
from smartcity.sensors.models import Datastream, Observation, Thing


def test_demo_is_idempotent_and_mentions_missing_broker(db, settings, capsys):
    settings.SMARTCITY_MQTT_URL = None
    demo.load()
    first = (Thing.objects.count(), Datastream.objects.count(), Observation.objects.count())
    demo.load()
    assert (Thing.objects.count(), Datastream.objects.count(), Observation.objects.count()) == first
    assert first == (2, 2, 2 * 144)
    assert "kein MQTT-Broker" in capsys.readouterr().out


def test_demo_data_is_served(db, client):
    demo.load()
    body = client.get("/sta/v1.1/Things", {"$expand": "Datastreams/Observations($top=1)"}).json()
    assert len(body["value"]) == 2
    assert body["value"][0]["Datastreams"][0]["Observations"][0]["result"] is not None
