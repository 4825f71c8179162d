"""The simulator sends through the SensorThings API (HTTP CreateObservations, MQTT)."""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from smartcity.accounts.models import User
from smartcity.bridges.models import Bridge
from smartcity.bridges.simulator import fleet, physics, sinks
from smartcity.bridges.tests.conftest import DAY, START, channel
from smartcity.core.tokens import create_token
from smartcity.sensors.models import Observation


def test_http_sink_uses_create_observations(bridge):
    user = User.objects.create_user(username="simulator", password="x" * 12)
    secret = create_token(user, ["sta:write"], name="sim")[1]
    sink = sinks.HttpSink("http://testserver", secret, client=Client())
    spec = physics.BridgeSpec(seed=5)
    sent = fleet.generate(bridge, spec, START, START + DAY / 4, sink, dynamic_every=3 * 3600)
    assert sent == sink.sent > 0
    crack = channel(bridge, "R1").datastream
    assert Observation.objects.filter(datastream=crack).count() == 12
    window = Observation.objects.filter(datastream=channel(bridge, "A1").datastream).first()
    assert len(window.result_json) == 6000
    assert window.parameters == {"samplingRate": 100.0}


def test_http_sink_without_token_fails(bridge):
    sink = sinks.HttpSink("http://testserver", "sc_wrong", client=Client())
    with pytest.raises(RuntimeError, match="401"):
        sink.send(channel(bridge, "R1").datastream_id, [(START, 0.3, None)])


def test_simulate_command_creates_bridges_with_scenarios(cities):
    out = StringIO()
    call_command(
        "simulate",
        "bridges",
        "--bridges",
        "2",
        "--via",
        "direct",
        "--history-days",
        "0.1",
        "--duration",
        "0",
        stdout=out,
    )
    assert Bridge.objects.count() == 2
    assert "healthy" in out.getvalue() and "crack" in out.getvalue()
    assert Observation.objects.count() > 20


def test_anomalies_are_scripted():
    spec = fleet.spec_for(Bridge(pk=1), "stiffness", anomaly_start=START)
    before, after = physics.frequencies(spec, START - 1), physics.frequencies(spec, START + 1)
    assert after[0] / before[0] == pytest.approx(0.95, abs=0.002)


@pytest.mark.skipif(
    not os.environ.get("SMARTCITY_TEST_MQTT_URL"), reason="needs SMARTCITY_TEST_MQTT_URL"
)
def test_mqtt_sink_publishes(bridge):
    sink = sinks.MqttSink(os.environ["SMARTCITY_TEST_MQTT_URL"])
    try:
        sink.send(channel(bridge, "R1").datastream_id, [(START, 0.3, None)])
    finally:
        sink.close()
    assert sink.sent == 1
