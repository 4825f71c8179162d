"""SensorThings over MQTT (OGC 18-088 §14): create by publishing, notifications by topic.

Create: a JSON Observation published to ``v1.1/Observations``,
``v1.1/Datastreams(id)/Observations``, ``v1.1/MultiDatastreams(id)/Observations`` or
``v1.1/FeaturesOfInterest(id)/Observations`` is stored through the same code as an HTTP POST.
The bridge (``smartcity mqtt``) handles these with QoS 1 and a persistent session; paho sends
the PUBACK only after the handler returned, i.e. after the database commit, so an acknowledged
observation is stored even if the bridge is killed right after.

Notifications: after each commit the writing process (web or bridge) publishes the entity to
its collection topic(s) (creates), its entity topic (creates and updates) and the property
topics of changed properties (``v1.1/Things(1)/properties`` → ``{"properties": …}``).

``$select`` topics (``v1.1/Datastreams(1)/Observations?$select=result``): Mosquitto does not
tell other clients who subscribed to what, so such a topic is announced once by publishing an
empty message to it; the bridge records it (``SelectTopic``) and every process then also
publishes the selected properties there.
"""

import logging
import re
import threading
import time

import orjson
from django.conf import settings
from django.db import transaction

from smartcity.sensors.metrics import mqtt_counts
from smartcity.sensors.sta.entities import BY_MODEL
from smartcity.sensors.sta.errors import StaError, bad_request
from smartcity.sensors.sta.query import Options

log = logging.getLogger(__name__)
# Notifications go out on v1.1 topics (creates are accepted on v1.0 and v1.1).
VERSIONS = ("v1.1",)


def prefix() -> str:
    """Optional topic prefix (``SENSORS_MQTT_TOPIC_PREFIX``) to share a broker between sites."""
    return getattr(settings, "SENSORS_MQTT_TOPIC_PREFIX", "")


CREATE_TOPIC = re.compile(
    r"^(?P<version>v1\.[01])/(?:(?P<parent>Datastreams|MultiDatastreams|FeaturesOfInterest)"
    r"\((?P<id>\d+)\)/)?Observations$"
)


def base_url() -> str:
    return getattr(settings, "SENSORS_PUBLIC_URL", "http://localhost:8000").rstrip("/") + "/sta"


def context(version: str):
    from smartcity.sensors.sta.resources import Visibility
    from smartcity.sensors.sta.serialize import Context

    return Context(base=f"{base_url()}/{version}", version=version, visibility=Visibility(True))


def handle_create(topic: str, payload: bytes):
    """Store the Observation published on ``topic``; returns it. Raises StaError if bad."""
    from smartcity.sensors.sta.payload import load_json
    from smartcity.sensors.sta.writes import _post

    match = CREATE_TOPIC.match(topic)
    if match is None:
        raise bad_request(f"MQTT create is not possible on topic {topic!r}", "topic")
    path = "Observations"
    if match["parent"]:
        path = f"{match['parent']}({match['id']})/Observations"
    with transaction.atomic():
        status, body, _headers = _post(path, load_json(payload), context(match["version"]))
    return body


# --- notifications ------------------------------------------------------------------------


def _stream_topics(set_name, body, instance, version):
    topics = [f"{version}/{set_name}", f"{version}/{set_name}({instance.pk})"]
    if set_name == "Observations":
        if instance.datastream_id:
            topics.append(f"{version}/Datastreams({instance.datastream_id})/Observations")
        if instance.multi_datastream_id:
            topics.append(
                f"{version}/MultiDatastreams({instance.multi_datastream_id})/Observations"
            )
        topics.append(
            f"{version}/FeaturesOfInterest({instance.feature_of_interest_id})/Observations"
        )
    elif set_name == "Datastreams":
        topics.append(f"{version}/Things({instance.thing_id})/Datastreams")
    return topics


def messages_for(event: str, instances, fields, select_topics=()):
    """(topic, payload) pairs to publish for created or updated entities."""
    from smartcity.sensors.sta.serialize import entity_json

    messages = []
    for version in VERSIONS:
        ctx = context(version)
        for instance in instances:
            entity = BY_MODEL.get(type(instance))
            if entity is None:
                continue
            body = entity_json(entity, instance, Options(), ctx)
            if event == "create":
                topics = _stream_topics(entity.set_name, body, instance, version)
            else:
                topics = [f"{version}/{entity.set_name}({instance.pk})"]
                topics += [
                    f"{version}/{entity.set_name}({instance.pk})/{name}"
                    for name in sorted(fields or ())
                    if name in body
                ]
            for topic in topics:
                prop = topic.rsplit("/", 1)[-1]
                payload = {prop: body[prop]} if prop in entity.prop_map else body
                messages.append((topic, orjson.dumps(payload)))
                for selected in select_topics:
                    plain, _, query = selected.partition("?")
                    if plain == topic and "$select=" in query:
                        names = query.split("$select=", 1)[1].split("&")[0].split(",")
                        partial = {key: body[key] for key in names if key in body}
                        if "id" in names:
                            partial["@iot.id"] = instance.pk
                        messages.append((selected, orjson.dumps(partial)))
    return messages


class Notifier:
    """Publishes notifications after commit over one lazily connected client per process."""

    def __init__(self):
        self._client = None
        self._lock = threading.Lock()
        self._select_cache = (0.0, [])

    def client(self):
        from smartcity.core.mqtt import client_from_url

        with self._lock:
            if self._client is None:
                self._client = client_from_url(client_id="")
                self._client.loop_start()
            return self._client

    def select_topics(self):
        from smartcity.sensors.models import SelectTopic

        loaded_at, topics = self._select_cache
        if time.monotonic() - loaded_at > 30:
            topics = list(SelectTopic.objects.values_list("topic", flat=True))
            self._select_cache = (time.monotonic(), topics)
        return topics

    @property
    def active(self) -> bool:
        return bool(getattr(settings, "SMARTCITY_MQTT_URL", None))

    def __call__(self, event, instances, fields):
        if not self.active:
            return
        try:
            client = self.client()
            selects = self.select_topics()
            messages = messages_for(event, instances, fields, selects)
            for topic, payload in messages:
                client.publish(prefix() + topic, payload, qos=0)
            mqtt_counts.add("published", len(messages))
        except OSError:  # a broker outage must not fail the write that already committed
            log.warning("MQTT notification failed", exc_info=True)

    def forget_selects(self):
        self._select_cache = (0.0, [])


notifier = Notifier()


def on_bridge_message(topic: str, payload: bytes):
    """The bridge's handler for everything under v1.x/#: creates and $select announcements."""
    from smartcity.sensors.models import SelectTopic

    if not topic.startswith(prefix()):
        return None
    topic = topic[len(prefix()) :]
    if "?" in topic:
        if not payload and "$select=" in topic:
            SelectTopic.objects.get_or_create(topic=topic[:500])
            notifier.forget_selects()
        return None
    if not payload or CREATE_TOPIC.match(topic) is None or b'"@iot.selfLink"' in payload:
        return None  # notifications (ours or another process's) are not creates
    mqtt_counts.add("received")
    try:
        return handle_create(topic, payload)
    except StaError as error:
        mqtt_counts.add("rejected")
        log.warning("MQTT create on %s rejected: %s", topic, error.message)
        return error.body()
