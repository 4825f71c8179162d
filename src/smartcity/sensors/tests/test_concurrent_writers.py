"""PostgreSQL: concurrent writers to the same Datastreams wait for each other, never deadlock.

Each write updates the streams' ranges, hourly roll-ups and day rows in an order the planner
picks; two gateways sending for the same streams in opposite orders deadlocked under load
(seen in the load test) until the stream rows are locked first, in id order.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from smartcity.sensors import services
from smartcity.sensors.models import (
    Datastream,
    FeatureOfInterest,
    Observation,
    ObservedProperty,
    Sensor,
    Thing,
)
from smartcity.sensors.services import NewObservation

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock order matters on PostgreSQL only"
)
ROUNDS = 25


def _gateway(order, offset, feature_id, errors, locked_read):
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    try:
        for number in range(ROUNDS):
            when = start + timedelta(seconds=number * 2 + offset)
            groups = []
            for stream in order:
                item = NewObservation(when, 500.0 + number)
                item.feature_of_interest_id = feature_id  # explicit: no Location needed
                groups.append((stream, [item]))
            if locked_read:
                # The grouped paths: streams read under their locks, in one pipelined
                # transaction (services.streams); the groups in the gateway's order.
                services.store_for_datastreams(
                    [stream.pk for stream in order],
                    len(groups),
                    lambda streams, groups=groups: [
                        (streams[stream.pk], items) for stream, items in groups
                    ],
                )
            else:
                services.store_groups(groups)
    except Exception as error:  # noqa: BLE001 - the test reports whatever went wrong
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locked_read", [False, True], ids=["store_groups", "locked_read"])
def test_writers_in_opposite_order_do_not_deadlock(locked_read):
    thing = Thing.objects.create(name="Schule", description="d")
    sensor = Sensor.objects.create(name="s", description="d", encoding_type="text/plain")
    observed = ObservedProperty.objects.create(name="CO2", definition="d")
    streams = [
        Datastream.objects.create(
            name=f"Raum {number}",
            description="d",
            observation_type="OM_Measurement",
            unit_of_measurement={"symbol": "ppm"},
            thing=thing,
            sensor=sensor,
            observed_property=observed,
        )
        for number in range(60)
    ]
    feature = FeatureOfInterest.objects.create(
        name="f", description="d", feature={"type": "Point", "coordinates": [7.46, 51.51]}
    )
    errors = []
    threads = [
        threading.Thread(target=_gateway, args=(order, offset, feature.pk, errors, locked_read))
        for order, offset in ((streams, 0), (list(reversed(streams)), 1))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert Observation.objects.count() == 2 * ROUNDS * len(streams)
