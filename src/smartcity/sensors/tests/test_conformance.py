"""What the service root claims is backed by code and by tests."""

import importlib

from smartcity.sensors.sta import conformance


def test_every_declared_class_has_its_implementation_and_test_module():
    for item in conformance.CLASSES:
        importlib.import_module(item.implemented_in)
        modules = (item.tested_in,) if isinstance(item.tested_in, str) else item.tested_in
        for module in modules:
            tests = importlib.import_module(module)
            assert any(name.startswith("test_") for name in dir(tests)), item.uri


def test_mqtt_classes_are_claimed_only_with_a_broker():
    with_broker = set(conformance.uris(mqtt_configured=True))
    without = set(conformance.uris(mqtt_configured=False))
    mqtt_classes = {item.uri for item in conformance.CLASSES if item.needs_mqtt}
    assert without == with_broker - mqtt_classes
    assert not (without & mqtt_classes)


def test_root_claims_exactly_the_declared_classes(client, settings):
    settings.SMARTCITY_MQTT_URL = None
    body = client.get("/sta/v1.1").json()
    assert body["serverSettings"]["conformance"] == conformance.uris(mqtt_configured=False)
    assert len(body["serverSettings"]["conformance"]) == len(
        set(body["serverSettings"]["conformance"])
    )


def test_mqtt_classes_name_the_broker_endpoints_without_credentials(client, settings):
    settings.SMARTCITY_MQTT_URL = "mqtt://bridge:secret@broker.internal:1884"
    body = client.get("/sta/v1.1").json()["serverSettings"]
    mqtt_classes = [item.uri for item in conformance.CLASSES if item.needs_mqtt]
    assert set(mqtt_classes) <= set(body["conformance"])
    for uri in mqtt_classes:
        assert body[uri] == {"endpoints": ["mqtt://broker.internal:1884"]}
    settings.SENSORS_MQTT_ENDPOINTS = ["mqtts://mqtt.example.org:8883"]
    body = client.get("/sta/v1.1").json()["serverSettings"]
    assert body[mqtt_classes[0]] == {"endpoints": ["mqtts://mqtt.example.org:8883"]}
    settings.SMARTCITY_MQTT_URL = None
    body = client.get("/sta/v1.1").json()["serverSettings"]
    assert set(body) == {"conformance"}


def test_claimed_extension_uris_are_the_registered_ones(client, settings):
    """The URIs clients look for: FROST's JSON batch class, the INSIDE CSV class."""
    settings.SMARTCITY_MQTT_URL = None
    claimed = client.get("/sta/v1.1").json()["serverSettings"]["conformance"]
    assert "https://fraunhoferiosb.github.io/FROST-Server/extensions/JsonBatchRequest.html" in (
        claimed
    )
    assert (
        "https://github.com/INSIDE-information-systems/SensorThingsAPI/blob/master/"
        "CSV-ResultFormat/CSV-ResultFormat.md" in claimed
    )
    assert not any("CSV-ResultFormat.html" in uri for uri in claimed)
