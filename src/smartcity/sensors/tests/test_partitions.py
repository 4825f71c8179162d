"""PostgreSQL: Observations live in monthly partitions; SQLite keeps one plain table."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from smartcity.sensors import partitions, services
from smartcity.sensors.models import Datastream, Observation
from smartcity.sensors.services import NewObservation

WHERE_IS = "SELECT tableoid::regclass::text FROM sensors_observation WHERE id = %s"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitioning is PostgreSQL-only"
)


def test_month_arithmetic():
    assert partitions.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert partitions.partition_name(date(2026, 3, 1)) == "sensors_observation_202603"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="checks the SQLite fallback")
def test_ensure_partitions_does_nothing_on_sqlite(db):
    assert partitions.ensure_partitions() == []


@postgres_only
def test_observations_land_in_monthly_partitions(network):
    with connection.cursor() as cursor:
        assert partitions.is_partitioned(cursor)
    stream = Datastream.objects.get(pk=network["datastream"]["@iot.id"])
    old = datetime(1999, 7, 3, tzinfo=UTC)
    stored = services.store_observations(stream, [NewObservation(old, 1.5)])[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM sensors_observation WHERE id = %s", [stored.pk]
        )
        assert cursor.fetchone()[0] == "sensors_observation_default"
        assert partitions.create_month(cursor, date(1999, 7, 1))
        cursor.execute(
            "SELECT tableoid::regclass::text FROM sensors_observation WHERE id = %s", [stored.pk]
        )
        assert cursor.fetchone()[0] == "sensors_observation_199907"
    now = datetime.now(UTC)
    recent = services.store_observations(stream, [NewObservation(now, 2.5)])[0]
    with connection.cursor() as cursor:
        cursor.execute(WHERE_IS, [recent.pk])
        assert cursor.fetchone()[0] == f"sensors_observation_{now.year:04d}{now.month:02d}"
    assert Observation.objects.get(pk=stored.pk).result == 1.5
    assert partitions.ensure_partitions(months_ahead=1) == []  # created by the migration
