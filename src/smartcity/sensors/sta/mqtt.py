"""SensorThings over MQTT (OGC 18-088 §14): create by publishing, notifications by topic.

Create: a JSON Observation published to ``v1.1/Observations``,
``v1.1/Datastreams(id)/Observations``, ``v1.1/MultiDatastreams(id)/Observations`` or
``v1.1/FeaturesOfInterest(id)/Observations`` is stored through the same code as an HTTP POST.
The bridge (``smartcity mqtt``) handles these with QoS 1 and a persistent session. It collects
the creates that arrive within a few milliseconds (``BridgeBatcher``) and stores them together
(``store_creates``: one ``services.streams.store_for_datastreams`` transaction; a group
the grouped store refuses is stored one by one, so a bad message is refused alone). Each
message is acknowledged (paho ``manual_ack``) only after that commit, so an acknowledged
observation is stored even if the bridge is killed right after.

Notifications: after each commit the writing process (web or bridge) publishes the entity to
its collection topic(s) (creates), its entity topic (creates and updates) and the property
topics of changed properties (``v1.1/Things(1)/properties`` → ``{"properties": …}``).

Topics a client can subscribe to (OGC 18-088 §14.2): an entity set (``v1.1/Things``,
``v1.1/Things(1)/Datastreams`` — creates), an entity (``v1.1/Things(1)`` — creates and
updates), a property (``v1.1/Things(1)/name`` — updates of it) and an entity set or entity with
``$select`` (``v1.1/Datastreams(1)/Observations?$select=result,phenomenonTime``,
``v1.1/Things(1)?$select=name``) — only the selected properties. ``$select`` is the only query
option the standard allows in a topic; any other (``$filter``, ``$expand`` …), ``$select`` on a
property topic or an unknown property is refused (``parse_subscription``).

``$select`` topics: Mosquitto does not tell other clients who subscribed to what, so a
``$select`` topic becomes known to the platform either through the broker's auth plugin (its
ACL check for the subscription, ``mqtt_auth.acl_allowed``, which also refuses invalid ones, so
the subscriber gets a failure in its SUBACK) or by the client publishing an empty message to it
once (the bridge records it). Valid ones are stored (``SelectTopic``) and every process then
also publishes the selected properties there.
"""

import functools
import logging
import queue
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

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


TOPIC = re.compile(r"^(?P<version>v1\.[01])/(?P<path>[^?#+]+?)(?:\?(?P<query>.*))?$")
SEGMENT = re.compile(r"^(?P<name>[A-Za-z]+)(?:\((?P<id>\d+)\))?$")
SELECT_TOPIC_MAX = 500  # SelectTopic.topic


@dataclass(frozen=True)
class Subscription:
    topic: str  # the topic without its query: where the notification is published
    kind: str  # "collection" | "entity" | "property"
    entity: object  # the EntityType of what is published
    select: tuple[str, ...] | None = None


def parse_subscription(topic: str) -> Subscription:
    """What a subscription topic (without the site prefix) asks for; StaError if it is not a
    topic this server notifies on or its query is not allowed (OGC 18-088 §14.2)."""
    from smartcity.sensors.sta.entities import BY_SET
    from smartcity.sensors.sta.serialize import check_select

    usage = (
        "topics are v1.1/<EntitySet>, v1.1/<EntitySet>(id), v1.1/<EntitySet>(id)/<Collection> "
        "or v1.1/<EntitySet>(id)/<property>, optionally with ?$select=… (not on a property)"
    )
    match = TOPIC.match(topic)
    if match is None:
        raise bad_request(f"MQTT topic {topic!r} is not a SensorThings topic; {usage}", "topic")
    if match["version"] not in VERSIONS:
        raise bad_request(
            f"MQTT topic {topic!r}: notifications are published on {', '.join(VERSIONS)} "
            "topics only",
            "topic",
        )
    plain = topic.split("?", 1)[0]
    segments = [SEGMENT.match(segment) for segment in match["path"].split("/")]
    if None in segments or len(segments) > 2 or (len(segments) == 2 and not segments[0]["id"]):
        raise bad_request(f"MQTT topic {topic!r}: {usage}", "topic")
    entity = BY_SET.get(segments[0]["name"])
    if entity is None:
        raise bad_request(f"MQTT topic {topic!r}: no entity set {segments[0]['name']}", "topic")
    kind = "entity" if segments[0]["id"] else "collection"
    if len(segments) == 2:
        name, key = segments[1]["name"], segments[1]["id"]
        rel = entity.rel_map.get(name)
        if key is None and rel is not None and rel.many:
            entity, kind = BY_SET[rel.target], "collection"
        elif key is None and name in entity.prop_map:
            kind = "property"
        else:
            raise bad_request(
                f"MQTT topic {topic!r}: {entity.name} has no collection or property {name!r}; "
                f"{usage}",
                "topic",
            )
    if match["query"] is None:
        return Subscription(plain, kind, entity)
    pairs = parse_qsl(match["query"], keep_blank_values=True)
    others = sorted({key for key, _value in pairs if key != "$select"})
    if others or not pairs:
        raise bad_request(
            f"MQTT topic {topic!r}: {', '.join(others) or 'an empty query'} is not allowed on "
            "MQTT topics; only $select is (OGC 18-088 §14.2)",
            "topic",
        )
    if len(pairs) > 1:
        raise bad_request(f"MQTT topic {topic!r}: $select is given twice", "$select")
    if kind == "property":
        raise bad_request(
            f"MQTT topic {topic!r}: $select applies to entity and entity-set topics, not to a "
            "property topic",
            "$select",
        )
    names = tuple(name.strip() for name in pairs[0][1].split(","))
    if not all(names):
        raise bad_request(f"MQTT topic {topic!r}: $select lists no property", "$select")
    check_select(entity, names)
    return Subscription(plain, kind, entity, names)


@functools.lru_cache(maxsize=4096)
def _select_subscription(topic: str) -> Subscription | None:
    try:
        subscription = parse_subscription(topic)
    except StaError:
        return None
    return subscription if subscription.select else None


def register_select(topic: str) -> bool:
    """Record a ``$select`` topic (without the site prefix) so notifications go there too;
    False (and nothing recorded) when the topic is not a valid one."""
    from smartcity.sensors.models import SelectTopic

    try:
        subscription = parse_subscription(topic)
    except StaError as error:
        log.warning("MQTT subscription refused: %s", error.message)
        return False
    if subscription.select is None:
        return True  # a plain topic: nothing to record
    if len(topic) > SELECT_TOPIC_MAX:
        log.warning("MQTT $select topic longer than %s characters refused", SELECT_TOPIC_MAX)
        return False
    _record, created = SelectTopic.objects.get_or_create(topic=topic)
    if created:
        notifier.forget_selects()
    return True


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


def _collection_topics(entity, instance, version):
    """The entity-set topics a created entity appears in: its own set and, for each link, the
    linked entity's collection of it (``v1.1/Datastreams(1)/Observations``; for many-to-many
    links such as a Thing's Locations one query for the linked ids)."""
    from smartcity.sensors.sta.entities import BY_SET

    topics = [f"{version}/{entity.set_name}"]
    for rel in entity.rels:
        if version == "v1.0" and "MultiDatastream" in rel.name:
            continue
        if rel.many:
            target = BY_SET.get(rel.target)
            back = next((b for b in target.rels if b.lookup == rel.reverse), None)
            if back is not None and back.many:  # many-to-many: Things(1)/Locations …
                for key in getattr(instance, rel.lookup).values_list("pk", flat=True):
                    topics.append(f"{version}/{target.set_name}({key})/{back.name}")
            continue
        key = getattr(instance, f"{rel.lookup}_id", None)
        target = BY_SET.get(rel.target)
        if key is None or target is None:
            continue
        for back in target.rels:
            if back.many and back.lookup == rel.reverse:
                topics.append(f"{version}/{target.set_name}({key})/{back.name}")
    return topics


def _selects(select_topics) -> dict[str, list[tuple[str, Subscription]]]:
    by_topic = {}
    for raw in select_topics:
        subscription = _select_subscription(raw)
        if subscription is not None:
            by_topic.setdefault(subscription.topic, []).append((raw, subscription))
    return by_topic


def messages_for(event: str, instances, fields, select_topics=()):
    """(topic, payload) pairs to publish for created or updated entities."""
    from smartcity.sensors.sta.serialize import entity_json

    messages = []
    selects = _selects(select_topics)
    for version in VERSIONS:
        ctx = context(version)
        for instance in instances:
            entity = BY_MODEL.get(type(instance))
            if entity is None:
                continue
            body = entity_json(entity, instance, Options(), ctx)
            entity_topic = f"{version}/{entity.set_name}({instance.pk})"
            if event == "create":
                topics = [*_collection_topics(entity, instance, version), entity_topic]
            else:
                topics = [entity_topic]
                topics += [
                    f"{entity_topic}/{name}" for name in sorted(fields or ()) if name in body
                ]
            for topic in topics:
                prop = topic.rsplit("/", 1)[-1]
                payload = {prop: body[prop]} if prop in entity.prop_map else body
                messages.append((topic, orjson.dumps(payload)))
                for raw, subscription in selects.get(topic, ()):
                    if subscription.entity is entity:
                        options = Options(select=list(subscription.select))
                        partial = entity_json(entity, instance, options, ctx)
                        messages.append((raw, orjson.dumps(partial)))
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


def create_topic(topic: str, payload: bytes) -> str | None:
    """The topic without the site prefix when the message is a create, else None."""
    if not topic.startswith(prefix()):
        return None
    topic = topic[len(prefix()) :]
    if not payload or CREATE_TOPIC.match(topic) is None or b'"@iot.selfLink"' in payload:
        return None  # notifications (ours or another process's) are not creates
    return topic


def on_bridge_message(topic: str, payload: bytes):
    """The bridge's handler for everything under v1.x/#: creates and $select announcements."""
    if not topic.startswith(prefix()):
        return None
    if "?" in topic:
        if not payload:  # a client announces a $select topic it subscribed to
            register_select(topic[len(prefix()) :])
        return None
    topic = create_topic(topic, payload)
    if topic is None:
        return None
    mqtt_counts.add("received")
    return _create_one(topic, payload)


def _create_one(topic: str, payload: bytes):
    """One create in its own transaction; the error body when it is refused."""
    try:
        return handle_create(topic, payload)
    except StaError as error:
        mqtt_counts.add("rejected")
        log.warning("MQTT create on %s rejected: %s", topic, error.message)
        return error.body()


# --- grouped creates (the bridge) -----------------------------------------------------------


def _grouped_item(topic: str, payload: bytes):
    """(Datastream id, NewObservation) for a plain Observation the grouped store can take;
    None when only the one-by-one path (``handle_create``) can store or refuse it."""
    from smartcity.sensors.sta.ingest import plain_observation

    match = CREATE_TOPIC.match(topic)
    if match is None or match["parent"] == "MultiDatastreams":
        return None
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    stream_id = int(match["id"]) if match["parent"] == "Datastreams" else None
    feature_id = int(match["id"]) if match["parent"] == "FeaturesOfInterest" else None
    return plain_observation(data, stream_id, feature_id)


def store_creates(messages) -> None:
    """Store a group of create messages ((topic without prefix, payload) pairs).

    Plain Observations of existing Datastreams are stored together
    (``services.streams.store_for_datastreams``: one transaction, one INSERT); everything
    else, and the whole group when the grouped store refuses it (a bad FeatureOfInterest link,
    a duplicate …), is stored one by one through ``handle_create``, so a bad message is
    refused alone with the error it gets today. Returns only after everything it stored is
    committed.
    """
    from smartcity.sensors.errors import SensorError
    from smartcity.sensors.services.streams import store_for_datastreams

    mqtt_counts.add("received", len(messages))
    parsed = [_grouped_item(topic, payload) for topic, payload in messages]
    wanted = {entry[0] for entry in parsed if entry is not None}
    alone = [index for index, entry in enumerate(parsed) if entry is None]

    def group(streams):
        groups = {}
        for index, entry in enumerate(parsed):
            stream = streams.get(entry[0]) if entry is not None else None
            if stream is None:
                if entry is not None:
                    alone.append(index)  # a missing Datastream: refused as today
                continue
            groups.setdefault(stream.pk, (stream, []))[1].append(entry[1])
        return list(groups.values())

    if wanted:
        try:
            store_for_datastreams(wanted, len(messages), group)
        except Exception as error:
            if not isinstance(error, SensorError):
                log.warning("grouped MQTT create failed; one by one", exc_info=True)
            # Nothing was stored: each alone, so the bad one is refused and the others stored.
            alone = list(range(len(messages)))
    for index in sorted(alone):
        topic, payload = messages[index]
        try:
            _create_one(topic, payload)
        except Exception:  # one bad message must not stop the others (as the bridge did)
            log.exception("MQTT message on %s failed", topic)


class BridgeBatcher:
    """Collects create messages for up to ``window`` seconds (or ``size`` messages), stores
    them with ``store_creates`` and only then acknowledges each (``ack(message)``: the PUBACK
    of a QoS 1 message goes out after the commit)."""

    def __init__(self, ack, window: float = 0.005, size: int = 200):
        self.ack, self.window, self.size = ack, window, size
        self.queue = queue.SimpleQueue()
        self.batches = self.messages = 0
        self._thread = threading.Thread(target=self._run, name="sta-mqtt-ingest", daemon=True)
        self._thread.start()

    def put(self, topic: str, payload: bytes, message) -> None:
        self.queue.put((topic, payload, message))

    def _run(self):
        from django.db import close_old_connections, connection

        while True:
            entries = [self.queue.get()]
            deadline = time.monotonic() + self.window
            while len(entries) < self.size:
                remaining = deadline - time.monotonic()
                try:
                    if remaining > 0:
                        entries.append(self.queue.get(timeout=remaining))
                    else:
                        entries.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            close_old_connections()
            try:
                store_creates([(topic, payload) for topic, payload, _message in entries])
            except Exception:  # e.g. the database is down: logged, as the bridge always did
                log.exception("MQTT group of %s creates failed", len(entries))
            self.batches += 1
            self.messages += len(entries)
            for _topic, _payload, message in entries:
                try:
                    self.ack(message)
                except Exception:  # noqa: BLE001 - a lost connection: the broker redelivers
                    log.warning("MQTT acknowledgement failed", exc_info=True)
            if self.queue.empty():
                connection.close()
