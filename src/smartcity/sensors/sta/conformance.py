"""The conformance classes this server implements; the service root lists exactly these.

Each declaration names the module that implements it and the test module that checks it, so
a claim without code and test is easy to spot (``test_conformance.py`` checks that both exist).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

STA = "http://www.opengis.net/spec/iot_sensing/1.1/req/"


@dataclass(frozen=True)
class ConformanceClass:
    uri: str
    implemented_in: str  # dotted module path
    tested_in: str | tuple[str, ...]  # dotted test module path(s)
    needs_mqtt: bool = False


TESTS = "smartcity.sensors.tests."
CLASSES = (
    ConformanceClass(STA + "datamodel", "smartcity.sensors.models", TESTS + "test_sta_read"),
    ConformanceClass(
        STA + "resource-path/resource-path-to-entities",
        "smartcity.sensors.sta.resources",
        TESTS + "test_sta_read",
    ),
    ConformanceClass(
        STA + "request-data", "smartcity.sensors.sta.filter", TESTS + "test_sta_filter"
    ),
    ConformanceClass(
        STA + "create-update-delete", "smartcity.sensors.sta.writes", TESTS + "test_sta_write"
    ),
    ConformanceClass(  # JSON (batch.py) and multipart (multipart.py) formats
        STA + "batch-request/batch-request",
        "smartcity.sensors.sta.multipart",
        (TESTS + "test_sta_batch_multipart", TESTS + "test_sta_extensions"),
    ),
    ConformanceClass(
        STA + "multi-datastream", "smartcity.sensors.models", TESTS + "test_sta_extensions"
    ),
    ConformanceClass(
        STA + "data-array/data-array",
        "smartcity.sensors.sta.formats",
        TESTS + "test_sta_extensions",
    ),
    ConformanceClass(
        "https://fraunhoferiosb.github.io/FROST-Server/extensions/GeoJSON-ResultFormat.html",
        "smartcity.sensors.sta.formats",
        TESTS + "test_sta_extensions",
    ),
    ConformanceClass(  # the URI FROST's CSV extension registers (its docs, "Conformance Class")
        "https://github.com/INSIDE-information-systems/SensorThingsAPI/blob/master/"
        "CSV-ResultFormat/CSV-ResultFormat.md",
        "smartcity.sensors.sta.formats",
        (TESTS + "test_sta_csv", TESTS + "test_sta_extensions"),
    ),
    ConformanceClass(  # the JSON $batch (OData 4.01 JSON batch format)
        "https://fraunhoferiosb.github.io/FROST-Server/extensions/JsonBatchRequest.html",
        "smartcity.sensors.sta.batch",
        TESTS + "test_sta_extensions",
    ),
    ConformanceClass(
        STA + "create-observations-via-mqtt/observations-creation",
        "smartcity.sensors.sta.mqtt",
        TESTS + "test_sta_mqtt",
        needs_mqtt=True,
    ),
    ConformanceClass(
        STA + "receive-updates-via-mqtt/receive-updates",
        "smartcity.sensors.sta.mqtt",
        TESTS + "test_sta_mqtt",
        needs_mqtt=True,
    ),
)


def active(mqtt_configured: bool | None = None) -> list[ConformanceClass]:
    if mqtt_configured is None:
        mqtt_configured = bool(getattr(settings, "SMARTCITY_MQTT_URL", None))
    return [item for item in CLASSES if mqtt_configured or not item.needs_mqtt]


def uris(mqtt_configured: bool | None = None) -> list[str]:
    return [item.uri for item in active(mqtt_configured)]


def mqtt_endpoints() -> list[str]:
    """Where clients reach the broker: ``SENSORS_MQTT_ENDPOINTS`` (public URLs, e.g.
    ``["mqtts://mqtt.example.org:8883", "wss://mqtt.example.org/mqtt"]``), by default
    ``SMARTCITY_MQTT_URL`` without its credentials."""
    configured = getattr(settings, "SENSORS_MQTT_ENDPOINTS", None)
    if configured is not None:
        return list(configured)
    url = getattr(settings, "SMARTCITY_MQTT_URL", None)
    if not url:
        return []
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return [urlunsplit((parts.scheme, netloc, parts.path, "", ""))]


def server_settings(mqtt_configured: bool | None = None) -> dict:
    """``serverSettings`` of the service root (OGC 18-088 §8.2.1): the conformance list and,
    for each MQTT class claimed, an object with the broker's ``endpoints``."""
    classes = active(mqtt_configured)
    body = {"conformance": [item.uri for item in classes]}
    for item in classes:
        if item.needs_mqtt:
            body[item.uri] = {"endpoints": mqtt_endpoints()}
    return body
