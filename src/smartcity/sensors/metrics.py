"""The sensor hub's figures on /metrics: observations ingested, MQTT messages in and out.

The highest observation id stands for the total ingested: exact enough for rates, and read
from the primary key's index instead of counting a table of hundreds of millions of rows.
"""

import logging
import threading
import time
from collections import Counter as Tally

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Max
from prometheus_client import Counter

from smartcity.core.metrics import AppMetric, app_metrics
from smartcity.sensors.models import MqttCounter, Observation

log = logging.getLogger(__name__)

# Requests answered by the grouped ingest path (sta/ingest.py), which bypasses the request
# metrics middleware; per process (multiprocess mode adds them up).
FAST_INGEST = Counter(
    "smartcity_sta_fast_ingest_total",
    "Single-Observation POSTs stored by the grouped ingest path",
)


def observations_ingested():
    highest = Observation.objects.aggregate(highest=Max("id"))["highest"] or 0
    return [((), highest)]


class MessageCounts:
    """MQTT messages counted in memory and added to ``MqttCounter`` rows at most every few
    seconds per process (the bridge and each web process publish), so /metrics — read by
    another process — sees the sum without a database write per message."""

    FLUSH_SECONDS = 5.0

    def __init__(self):
        self._pending = Tally()
        self._lock = threading.Lock()
        self._flushed_at = time.monotonic()

    def add(self, name: str, count: int = 1) -> None:
        with self._lock:
            self._pending[name] += count
            due = time.monotonic() - self._flushed_at >= self.FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, Tally()
            self._flushed_at = time.monotonic()
        try:
            for name, count in pending.items():
                if not MqttCounter.objects.filter(name=name).update(value=F("value") + count):
                    try:
                        with transaction.atomic():
                            MqttCounter.objects.create(name=name, value=count)
                    except IntegrityError:  # another process made the row meanwhile
                        MqttCounter.objects.filter(name=name).update(value=F("value") + count)
        except DatabaseError:  # counting must never fail the message it counts
            log.warning("MQTT message counts could not be stored", exc_info=True)


mqtt_counts = MessageCounts()


def mqtt_messages():
    return [((row.name,), row.value) for row in MqttCounter.objects.order_by("name")]


def register() -> None:
    app_metrics.register(
        "smartcity_observations_ingested",
        AppMetric(
            "smartcity_observations_ingested",
            "Observations stored since the start (highest observation id)",
            [],
            observations_ingested,
            kind="counter",
        ),
    )
    app_metrics.register(
        "smartcity_mqtt_messages",
        AppMetric(
            "smartcity_mqtt_messages",
            "SensorThings MQTT messages: received creates, rejected ones, published notifications",
            ["kind"],
            mqtt_messages,
            kind="counter",
        ),
    )
