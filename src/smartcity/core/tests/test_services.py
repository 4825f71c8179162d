"""The external services, tested for real when their test URLs are set (CI sets them)."""

import os
import threading
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache

from smartcity.core import mqtt

requires_mqtt = pytest.mark.skipif(
    not os.environ.get("SMARTCITY_TEST_MQTT_URL"), reason="SMARTCITY_TEST_MQTT_URL not set"
)
requires_redis = pytest.mark.skipif(
    not os.environ.get("SMARTCITY_TEST_REDIS_URL"), reason="SMARTCITY_TEST_REDIS_URL not set"
)


@requires_mqtt
def test_mqtt_round_trip_through_the_configured_broker():
    topic = f"smartcity/test/{uuid.uuid4().hex}"
    received = threading.Event()
    payloads = []

    subscriber = mqtt.client_from_url(client_id=f"sub-{uuid.uuid4().hex[:8]}")
    subscribed = threading.Event()
    subscriber.on_subscribe = lambda *args: subscribed.set()

    def on_message(client, userdata, message):
        payloads.append(message.payload)
        received.set()

    subscriber.on_message = on_message
    subscriber.loop_start()
    try:
        subscriber.subscribe(topic, qos=1)
        assert subscribed.wait(10), "the broker did not confirm the subscription"
        publisher = mqtt.client_from_url(client_id=f"pub-{uuid.uuid4().hex[:8]}")
        publisher.loop_start()
        publisher.publish(topic, b'{"result": 21.5}', qos=1).wait_for_publish(10)
        publisher.loop_stop()
        publisher.disconnect()
        assert received.wait(10), "no message came back from the broker"
    finally:
        subscriber.loop_stop()
        subscriber.disconnect()
    assert payloads == [b'{"result": 21.5}']


def test_mqtt_without_url_says_so(settings):
    settings.SMARTCITY_MQTT_URL = None
    with pytest.raises(mqtt.BrokerNotConfigured):
        mqtt.client_from_url()


def test_unreachable_broker_raises():
    with pytest.raises(OSError):
        mqtt.client_from_url("mqtt://127.0.0.1:9", timeout=2)


@requires_redis
def test_cache_uses_the_configured_redis():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key = f"test-{uuid.uuid4().hex}"
    cache.set(key, {"value": 42}, timeout=30)
    assert cache.get(key) == {"value": 42}
    import redis

    raw = redis.Redis.from_url(os.environ["SMARTCITY_TEST_REDIS_URL"])
    assert any(key in name.decode() for name in raw.keys(f"*{key}*"))
    cache.delete(key)
