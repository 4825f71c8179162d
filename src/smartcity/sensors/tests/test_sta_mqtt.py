"""MQTT: create by publishing, notifications on entity/collection/property/$select topics.

Runs against the real broker when SMARTCITY_TEST_MQTT_URL is set (fails if it is unreachable).
"""

import os
import queue
import time
import uuid

import orjson
import pytest
from django.db import connection

from smartcity.core import mqtt
from smartcity.sensors.models import Observation, SelectTopic
from smartcity.sensors.sta import conformance
from smartcity.sensors.sta.errors import StaError
from smartcity.sensors.sta.mqtt import CREATE_TOPIC, messages_for, parse_subscription

requires_mqtt = pytest.mark.skipif(
    not os.environ.get("SMARTCITY_TEST_MQTT_URL"), reason="SMARTCITY_TEST_MQTT_URL not set"
)


def test_create_topics_are_recognised():
    assert CREATE_TOPIC.match("v1.1/Datastreams(12)/Observations")["id"] == "12"
    assert CREATE_TOPIC.match("v1.0/Observations")
    assert CREATE_TOPIC.match("v1.1/FeaturesOfInterest(3)/Observations")["parent"]
    assert CREATE_TOPIC.match("v1.1/Things(1)") is None


def test_notification_topics_for_created_observation(network):
    observation = Observation.objects.order_by("pk").first()
    topics = [topic for topic, _ in messages_for("create", [observation], None)]
    ds = observation.datastream_id
    assert "v1.1/Observations" in topics
    assert f"v1.1/Datastreams({ds})/Observations" in topics
    assert f"v1.1/Observations({observation.pk})" in topics
    selected = messages_for(
        "create", [observation], None, [f"v1.1/Datastreams({ds})/Observations?$select=result"]
    )
    assert (
        f"v1.1/Datastreams({ds})/Observations?$select=result",
        orjson.dumps({"result": 12.5}),
    ) in selected


def test_subscription_topics_allow_select_on_entities_and_sets_only():
    entity = parse_subscription("v1.1/Things(1)?$select=name,id")
    assert (entity.topic, entity.kind, entity.select) == (
        "v1.1/Things(1)",
        "entity",
        ("name", "id"),
    )
    collection = parse_subscription(
        "v1.1/Datastreams(3)/Observations?$select=result,phenomenonTime"
    )
    assert collection.kind == "collection" and collection.entity.name == "Observation"
    assert collection.topic == "v1.1/Datastreams(3)/Observations"
    assert parse_subscription("v1.1/Things?%24select=name").select == ("name",)
    assert parse_subscription("v1.1/Things(1)/properties").kind == "property"
    assert parse_subscription("v1.1/Observations").select is None
    refused = {
        "v1.1/Things(1)?$filter=name eq 'x'": "$filter is not allowed",
        "v1.1/Things?$select=name&$expand=Datastreams": "$expand is not allowed",
        "v1.1/Things?$top=1": "$top is not allowed",
        "v1.1/Things(1)/name?$select=name": "not to a property topic",
        "v1.1/Things(1)?$select=nope": "no property 'nope'",
        "v1.1/Things(1)?$select=": "lists no property",
        "v1.1/Things(1)?": "an empty query",
        "v1.1/Things(1)?$select=name&$select=description": "twice",
        "v1.1/Gadgets(1)?$select=name": "no entity set Gadgets",
        "v1.1/Things(1)/Gadgets?$select=name": "no collection or property 'Gadgets'",
        "v1.1/Things/Datastreams?$select=name": "topics are",
        "v1.1/Things(1)/Datastreams(2)?$select=name": "no collection or property",
        "v1.1/+/Observations?$select=result": "not a SensorThings topic",
        "v2.0/Things?$select=name": "not a SensorThings topic",
        "v1.0/Things?$select=name": "published on v1.1 topics only",
    }
    for topic, words in refused.items():
        with pytest.raises(StaError) as caught:
            parse_subscription(topic)
        assert words in caught.value.message, (topic, caught.value.message)
        assert caught.value.status == 400


def test_select_payloads_on_entity_and_collection_topics(network):
    from smartcity.sensors.models import Datastream, Thing

    thing = Thing.objects.get(pk=network["thing"]["@iot.id"])
    selects = [
        f"v1.1/Things({thing.pk})?$select=name",
        f"v1.1/Things({thing.pk})?$select=id,Datastreams",
        "v1.1/Things?$select=name",  # a collection topic: creates only
        f"v1.1/Things({thing.pk})?$filter=name eq 'x'",  # never valid: never served
    ]
    messages = messages_for("update", [thing], {"name"}, selects)
    by_topic = {topic: orjson.loads(payload) for topic, payload in messages}
    assert by_topic[selects[0]] == {"name": "Brücke Nord"}
    assert by_topic[selects[1]] == {
        "@iot.id": thing.pk,
        "Datastreams@iot.navigationLink": f"http://localhost:8000/sta/v1.1/Things({thing.pk})"
        "/Datastreams",
    }
    assert selects[2] not in by_topic and selects[3] not in by_topic
    assert by_topic[f"v1.1/Things({thing.pk})/name"] == {"name": "Brücke Nord"}
    created = dict(messages_for("create", [thing], None, selects))
    assert orjson.loads(created[selects[2]]) == {"name": "Brücke Nord"}
    # A Datastream appears in the collections of its Thing, Sensor and ObservedProperty.
    stream = Datastream.objects.get(pk=network["datastream"]["@iot.id"])
    topics = {topic for topic, _ in messages_for("create", [stream], None)}
    assert {
        "v1.1/Datastreams",
        f"v1.1/Datastreams({stream.pk})",
        f"v1.1/Things({stream.thing_id})/Datastreams",
        f"v1.1/Sensors({stream.sensor_id})/Datastreams",
        f"v1.1/ObservedProperties({stream.observed_property_id})/Datastreams",
    } <= topics
    # Many-to-many links: a Location is in its Things' Locations, a HistoricalLocation in
    # its Thing's and its Locations' HistoricalLocations.
    from smartcity.sensors.models import HistoricalLocation, Location

    location = Location.objects.get(things=thing)
    topics = {topic for topic, _ in messages_for("create", [location], None)}
    assert f"v1.1/Things({thing.pk})/Locations" in topics
    history = HistoricalLocation.objects.filter(thing=thing).first()
    topics = {topic for topic, _ in messages_for("create", [history], None)}
    assert {
        f"v1.1/Things({thing.pk})/HistoricalLocations",
        f"v1.1/Locations({location.pk})/HistoricalLocations",
    } <= topics
    thing_topics = {topic for topic, _ in messages_for("create", [thing], None)}
    assert f"v1.1/Locations({location.pk})/Things" in thing_topics


def test_property_topic_carries_only_the_property(network):
    from smartcity.sensors.models import Thing

    thing = Thing.objects.get(pk=network["thing"]["@iot.id"])
    messages = dict(messages_for("update", [thing], {"properties"}))
    assert orjson.loads(messages[f"v1.1/Things({thing.pk})/properties"]) == {
        "properties": {"district": "Innenstadt", "floors": 3}
    }
    assert orjson.loads(messages[f"v1.1/Things({thing.pk})"])["name"] == "Brücke Nord"


class Subscriber:
    def __init__(self, topics):
        self.messages = queue.Queue()
        self.client = mqtt.client_from_url(client_id=f"test-sub-{uuid.uuid4().hex[:8]}")
        subscribed = queue.Queue()
        self.client.on_subscribe = lambda *args: subscribed.put(True)
        self.client.on_message = lambda c, u, m: self.messages.put((m.topic, m.payload))
        self.client.loop_start()
        self.client.subscribe([(topic, 1) for topic in topics])
        subscribed.get(timeout=10)

    def wait_for(self, topic, accept=lambda body: True, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got_topic, payload = self.messages.get(timeout=0.2)
            except queue.Empty:
                continue
            if got_topic != topic:
                continue
            try:
                body = orjson.loads(payload)
            except orjson.JSONDecodeError:
                continue  # e.g. the malformed publish of the test itself
            if accept(body):
                return body
        raise AssertionError(f"no message on {topic}")

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


@requires_mqtt
@pytest.mark.django_db(transaction=True)
def test_publish_creates_observation_and_subscribers_are_notified(settings, sta, network):
    from smartcity.sensors.management.commands.mqtt import start_bridge

    prefix = f"test-{uuid.uuid4().hex[:8]}/"
    settings.SENSORS_MQTT_TOPIC_PREFIX = prefix
    settings.SMARTCITY_MQTT_URL = os.environ["SMARTCITY_TEST_MQTT_URL"]
    assert set(conformance.uris()) >= {
        conformance.STA + "create-observations-via-mqtt/observations-creation",
        conformance.STA + "receive-updates-via-mqtt/receive-updates",
    }
    ds = network["datastream"]["@iot.id"]
    thing = network["thing"]["@iot.id"]
    from smartcity.sensors.metrics import mqtt_counts, mqtt_messages

    mqtt_counts.flush()
    before = {labels[0]: value for labels, value in mqtt_messages()}
    bridge = start_bridge(client_id=f"test-bridge-{uuid.uuid4().hex[:8]}")
    collection = f"{prefix}v1.1/Datastreams({ds})/Observations"
    selected = f"{collection}?$select=result"
    properties = f"{prefix}v1.1/Things({thing})/properties"
    subscriber = Subscriber([collection, selected, properties])
    try:
        announcer = mqtt.client_from_url(client_id=f"test-pub-{uuid.uuid4().hex[:8]}")
        announcer.loop_start()
        announcer.publish(selected, b"", qos=1).wait_for_publish(10)
        deadline = time.monotonic() + 10
        while not SelectTopic.objects.filter(topic=selected[len(prefix) :]).exists():
            assert time.monotonic() < deadline, "the $select topic was not registered"
            time.sleep(0.1)
        body = {"phenomenonTime": "2026-04-01T00:00:00Z", "result": 42}
        announcer.publish(collection, orjson.dumps(body), qos=1).wait_for_publish(10)

        # The subscriber also sees the create itself; the notification has an @iot.id.
        def is_notification(body):
            return "@iot.id" in body

        notified = subscriber.wait_for(collection, is_notification)
        assert notified["result"] == 42 and notified["@iot.id"]
        assert Observation.objects.filter(pk=notified["@iot.id"], result_number=42).exists()
        assert subscriber.wait_for(selected) == {"result": 42}
        sta.send("PATCH", f"Things({thing})", {"properties": {"district": "Hörde"}})
        assert subscriber.wait_for(properties) == {"properties": {"district": "Hörde"}}
        # A bad publish is rejected without stopping the bridge.
        announcer.publish(collection, b"[not json", qos=1).wait_for_publish(10)
        announcer.publish(collection, orjson.dumps({"result": 43}), qos=1).wait_for_publish(10)
        assert subscriber.wait_for(collection, is_notification)["result"] == 43
        announcer.loop_stop()
        announcer.disconnect()
        # In and out on /metrics: three creates received (42, the bad one, 43), one rejected,
        # and the notifications published for them and for the PATCH.
        from smartcity.sensors.metrics import mqtt_counts, mqtt_messages

        mqtt_counts.flush()
        counts = {labels[0]: value for labels, value in mqtt_messages()}
        assert counts["received"] - before.get("received", 0) == 3
        assert counts["rejected"] - before.get("rejected", 0) == 1
        assert counts["published"] - before.get("published", 0) >= 8
    finally:
        subscriber.close()
        bridge.loop_stop()
        bridge.disconnect()


@requires_mqtt
@pytest.mark.django_db(transaction=True)
def test_select_subscriptions_on_entity_and_collection_topics(settings, sta, network):
    """Against the real broker: a subscriber of an entity topic and of a collection topic with
    $select receives only the selected properties; an invalid query is never served."""
    from smartcity.sensors.management.commands.mqtt import start_bridge

    prefix = f"test-{uuid.uuid4().hex[:8]}/"
    settings.SENSORS_MQTT_TOPIC_PREFIX = prefix
    settings.SMARTCITY_MQTT_URL = os.environ["SMARTCITY_TEST_MQTT_URL"]
    ds = network["datastream"]["@iot.id"]
    thing = network["thing"]["@iot.id"]
    entity = f"{prefix}v1.1/Things({thing})?$select=name"
    collection = f"{prefix}v1.1/Datastreams({ds})/Observations?$select=result,phenomenonTime"
    invalid = f"{prefix}v1.1/Things({thing})?$expand=Datastreams"
    bridge = start_bridge(client_id=f"test-bridge-{uuid.uuid4().hex[:8]}")
    subscriber = Subscriber([entity, collection, invalid])
    announcer = mqtt.client_from_url(client_id=f"test-pub-{uuid.uuid4().hex[:8]}")
    announcer.loop_start()
    try:
        for topic in (invalid, entity, collection):  # in order: the invalid one is done first
            announcer.publish(topic, b"", qos=1).wait_for_publish(10)
        deadline = time.monotonic() + 10
        while SelectTopic.objects.filter(topic__startswith="v1.1/").count() < 2:
            assert time.monotonic() < deadline, "the $select topics were not registered"
            time.sleep(0.1)
        assert not SelectTopic.objects.filter(topic=invalid[len(prefix) :]).exists()
        sta.send("PATCH", f"Things({thing})", {"name": "Brücke Nord-Ost"})
        assert subscriber.wait_for(entity) == {"name": "Brücke Nord-Ost"}
        response = sta.post(
            f"Datastreams({ds})/Observations",
            {"phenomenonTime": "2026-05-01T00:00:00Z", "result": 7},
        )
        assert response.status_code == 201
        assert subscriber.wait_for(collection) == {
            "phenomenonTime": "2026-05-01T00:00:00Z",
            "result": 7,
        }
        with pytest.raises(AssertionError):
            subscriber.wait_for(invalid, timeout=1)
    finally:
        announcer.loop_stop()
        announcer.disconnect()
        subscriber.close()
        bridge.loop_stop()
        bridge.disconnect()


@requires_mqtt
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database (shared cache) refuses reads from the test "
    "thread while the bridge's writer thread writes ('database table is locked'); the "
    "platform's SQLite file in WAL mode does not. Runs on PostgreSQL (CI does both).",
)
def test_bridge_stores_quick_publishes_in_groups_and_acks_after_commit(settings, network):
    """Against the real broker: many QoS 1 publishes in quick succession are all stored, in
    fewer groups than messages; bad messages among them are refused alone (one that only the
    grouped store refuses, one of a missing Datastream, one not JSON); every message is
    acknowledged only once its Observation is committed."""
    from smartcity.sensors.management.commands.mqtt import start_bridge
    from smartcity.sensors.metrics import mqtt_counts, mqtt_messages

    prefix = f"test-{uuid.uuid4().hex[:8]}/"
    settings.SENSORS_MQTT_TOPIC_PREFIX = prefix
    settings.SMARTCITY_MQTT_URL = os.environ["SMARTCITY_TEST_MQTT_URL"]
    ds = network["datastream"]["@iot.id"]
    collection = f"{prefix}v1.1/Datastreams({ds})/Observations"
    mqtt_counts.flush()
    before_counts = {labels[0]: value for labels, value in mqtt_messages()}
    before = Observation.objects.filter(datastream_id=ds).count()
    bridge = start_bridge(client_id=f"test-bridge-{uuid.uuid4().hex[:8]}")
    acked = []  # (result, whether it was committed when its PUBACK went out) per good one
    original_ack = bridge.batcher.ack

    def ack(message):
        try:
            result = orjson.loads(message.payload)["result"]
        except (orjson.JSONDecodeError, KeyError):
            result = None
        if message.topic == collection and isinstance(result, int) and result >= 1000:
            committed = Observation.objects.filter(datastream_id=ds, result_number=result)
            acked.append((result, committed.exists()))
        original_ack(message)

    bridge.batcher.ack = ack
    subscriber = Subscriber([collection])
    publisher = mqtt.client_from_url(client_id=f"test-pub-{uuid.uuid4().hex[:8]}")
    publisher.loop_start()
    try:
        good = 60
        infos = []
        for i in range(good):
            body = {
                "phenomenonTime": f"2026-06-01T00:{i // 60:02d}:{i % 60:02d}Z",
                "result": 1000 + i,
            }
            infos.append(publisher.publish(collection, orjson.dumps(body), qos=1))
            if i == 20:  # refused by the grouped store (no such feature): stored one by one
                bad = {"result": -1, "FeatureOfInterest": {"@iot.id": 999999}}
                infos.append(publisher.publish(collection, orjson.dumps(bad), qos=1))
            if i == 30:
                infos.append(publisher.publish(collection, b"[not json", qos=1))
            if i == 40:
                infos.append(
                    publisher.publish(
                        f"{prefix}v1.1/Datastreams(999999)/Observations",
                        orjson.dumps({"result": -2}),
                        qos=1,
                    )
                )
        for info in infos:
            info.wait_for_publish(10)  # the broker has them (its PUBACK, not the bridge's)
        stored = Observation.objects.filter(datastream_id=ds)
        deadline = time.monotonic() + 20
        while stored.count() - before < good or len(acked) < good:
            assert time.monotonic() < deadline, "not all publishes were stored"
            time.sleep(0.1)
        time.sleep(0.3)  # nothing more arrives
        assert stored.count() - before == good
        assert sorted(
            stored.filter(result_number__gte=1000).values_list("result_number", flat=True)
        ) == list(range(1000, 1000 + good))
        assert not Observation.objects.filter(result_number__lt=0).exists()
        # Notifications for the grouped creates still go out.
        assert subscriber.wait_for(collection, lambda body: body.get("result") == 999 + good)
        # Grouped: fewer store rounds than messages; acknowledged only after the commit.
        assert bridge.batcher.messages == good + 3
        assert bridge.batcher.batches < good
        assert sorted(result for result, _committed in acked) == list(range(1000, 1000 + good))
        assert all(committed for _result, committed in acked)
        mqtt_counts.flush()
        counts = {labels[0]: value for labels, value in mqtt_messages()}
        assert counts["received"] - before_counts.get("received", 0) == good + 3
        assert counts["rejected"] - before_counts.get("rejected", 0) == 3
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        subscriber.close()
        bridge.loop_stop()
        bridge.disconnect()
