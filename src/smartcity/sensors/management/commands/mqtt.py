"""``smartcity mqtt``: the SensorThings MQTT bridge (create by publish, $select announcements)."""

import logging
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from smartcity.core.mqtt import BrokerNotConfigured, client_from_url
from smartcity.sensors.sta.mqtt import BridgeBatcher, create_topic, on_bridge_message, prefix

log = logging.getLogger(__name__)
VERSIONS = ("v1.1", "v1.0")


def start_bridge(client_id: str = "smartcity-sta-bridge", url: str | None = None):
    """A connected bridge client with its network loop running in a background thread.

    The session is persistent (clean_session off, fixed client id): QoS 1 publishes that arrive
    while the bridge is down are delivered when it comes back. Creates are collected for a few
    milliseconds and stored together (``BridgeBatcher``); each is acknowledged (manual ack)
    only after that commit, so an acknowledged Observation is stored.
    """
    client = client_from_url(url, client_id=client_id, clean_session=False)
    client.manual_ack_set(True)  # PUBACK only after the commit (BridgeBatcher)
    batcher = BridgeBatcher(lambda message: client.ack(message.mid, message.qos))
    client.batcher = batcher  # for tests and curious operators
    ready = threading.Event()

    def on_connect(client, userdata, flags, reason_code, properties):
        client.subscribe([(f"{prefix()}{version}/#", 1) for version in VERSIONS])

    def on_subscribe(client, userdata, mid, reason_codes, properties):
        ready.set()

    def on_message(client, userdata, message):
        topic = create_topic(message.topic, message.payload)
        if topic is not None:  # stored in a group, acknowledged after its commit
            batcher.put(topic, message.payload, message)
            return
        close_old_connections()
        try:
            on_bridge_message(message.topic, message.payload)
        except Exception:  # one bad message must not stop the bridge
            log.exception("MQTT message on %s failed", message.topic)
        client.ack(message.mid, message.qos)

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    client.reconnect()
    client.loop_start()
    if not ready.wait(10):
        client.loop_stop()
        raise OSError("the broker did not confirm the bridge's subscriptions")
    return client


class Command(BaseCommand):
    help = "Runs the SensorThings MQTT bridge against SMARTCITY_MQTT_URL."

    def add_arguments(self, parser):
        parser.add_argument("--client-id", default="smartcity-sta-bridge")

    def handle(self, *args, **options):
        try:
            client = start_bridge(options["client_id"])
        except BrokerNotConfigured as error:
            raise CommandError(f"{error}: the MQTT bridge needs a broker") from error
        except OSError as error:
            raise CommandError(f"MQTT broker unreachable: {error}") from error
        self.stdout.write("SensorThings MQTT bridge running (Ctrl+C stops it)")
        self.stdout.flush()  # supervisors (and the benchmark) wait for this line
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            client.loop_stop()
            client.disconnect()
            from smartcity.sensors.metrics import mqtt_counts

            mqtt_counts.flush()
