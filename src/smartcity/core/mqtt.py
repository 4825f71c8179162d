"""Connect to the platform's MQTT broker (``SMARTCITY_MQTT_URL``) with paho-mqtt."""

from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.conf import settings


class BrokerNotConfigured(RuntimeError):
    pass


def client_from_url(
    url: str | None = None, client_id: str = "", timeout: float = 10, clean_session: bool = True
) -> mqtt.Client:
    """A connected client for ``mqtt://user:password@host:port`` (``mqtts://`` for TLS).

    ``clean_session=False`` (with a fixed ``client_id``) keeps the broker-side session, so QoS 1
    messages sent while the client was away are delivered when it reconnects.
    Raises ``BrokerNotConfigured`` without a URL and ``OSError`` when the broker is unreachable.
    """
    url = url or settings.SMARTCITY_MQTT_URL
    if not url:
        raise BrokerNotConfigured("SMARTCITY_MQTT_URL is not set")
    parts = urlsplit(url)
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean_session
    )
    if parts.username:
        client.username_pw_set(unquote(parts.username), unquote(parts.password or ""))
    if parts.scheme == "mqtts":
        client.tls_set()
    default_port = 8883 if parts.scheme == "mqtts" else 1883
    client.connect(parts.hostname, parts.port or default_port, keepalive=int(max(timeout, 10)))
    return client
