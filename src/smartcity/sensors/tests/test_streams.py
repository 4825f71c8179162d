"""services.streams: the Datastreams of a group read by plain SQL, as Django would read them."""

import json
from datetime import UTC, datetime

import pytest

from smartcity.sensors.models import Datastream, FeatureOfInterest
from smartcity.sensors.services import streams
from smartcity.sensors.tests.conftest import thing_body

pytestmark = pytest.mark.django_db


def test_read_streams_gives_the_orm_instances_with_their_default_features(sta):
    for number in range(3):
        sta.post("Things", thing_body(f"Station {number}", 7.4 + number / 100))
    Datastream.objects.filter(pk=Datastream.objects.order_by("pk").first().pk).update(
        properties={"Kanal": "A"}, reject_duplicates=True
    )
    ids = list(Datastream.objects.values_list("pk", flat=True))
    for stream in Datastream.objects.all():  # the default features exist once used
        sta.post(f"Datastreams({stream.pk})/Observations", {"result": 1})

    read = streams.read_streams(set(ids))
    assert [stream.pk for stream in read] == sorted(ids)  # id order: the lock order
    # Only what a write needs is read; the rest is deferred (and loads when used, below).
    assert {"properties", "unit_of_measurement", "name"} <= read[0].get_deferred_fields()
    assert "observed_area" not in read[0].get_deferred_fields()
    fields = [field.attname for field in Datastream._meta.concrete_fields]
    for stream in read:
        expected = Datastream.objects.get(pk=stream.pk)
        assert {name: getattr(stream, name) for name in fields} == {
            name: getattr(expected, name) for name in fields
        }
        feature = FeatureOfInterest.objects.get(pk=stream.default_feature)
        assert feature.generated_from_id == expected.thing.locations.order_by("pk").first().pk
        geometry = stream.default_geometry  # as the database returns it (text on PostgreSQL)
        assert (geometry if isinstance(geometry, dict) else json.loads(geometry)) == feature.feature
    assert streams.read_streams(set()) == []


def test_store_for_datastreams_stores_nothing_when_the_grouping_refuses(sta):
    from smartcity.sensors.errors import SensorError
    from smartcity.sensors.models import Observation
    from smartcity.sensors.services import NewObservation

    sta.post("Things", thing_body("Station", 7.4))
    stream = Datastream.objects.get()
    before = Observation.objects.count()

    def refuse(found):
        assert list(found) == [stream.pk]
        raise SensorError(404, "no", "Datastream")

    with pytest.raises(SensorError):
        streams.store_for_datastreams([stream.pk], 1, refuse)
    assert streams.store_for_datastreams([stream.pk], 1, lambda found: []) == ([], [])
    assert Observation.objects.count() == before

    item = NewObservation(phenomenon_time_start=datetime(2026, 7, 1, tzinfo=UTC), result=2.5)
    groups, stored = streams.store_for_datastreams(
        [stream.pk], 1, lambda found: [(found[stream.pk], [item])]
    )
    assert len(groups) == 1 and len(stored[0].ids) == 1
    assert Observation.objects.get(pk=stored[0].ids[0]).result_number == 2.5


@pytest.mark.django_db(transaction=True)
def test_the_outermost_store_commits_with_the_insert_and_runs_hooks_after_it(sta):
    """Outside any atomic block the COMMIT goes out in the pipeline with the INSERT (on
    PostgreSQL); the rows are then committed (another connection sees them), Django's
    connection is back in autocommit, and on-commit hooks ran only after the COMMIT."""
    from django.db import connection, transaction

    from smartcity.sensors.models import Observation
    from smartcity.sensors.services import NewObservation

    sta.post("Things", thing_body("Station", 7.4))
    stream = Datastream.objects.get()
    seen_by_hook = []

    def group(found):
        # Registered inside the transaction: must run after the COMMIT, and see the row.
        transaction.on_commit(lambda: seen_by_hook.append(_count_elsewhere()))
        item = NewObservation(phenomenon_time_start=datetime(2026, 7, 1, tzinfo=UTC), result=4)
        return [(found[stream.pk], [item])]

    assert not connection.in_atomic_block
    _groups, stored = streams.store_for_datastreams([stream.pk], 1, group)
    assert seen_by_hook == [1]
    assert _count_elsewhere() == 1
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert Observation.objects.get().pk == stored[0].ids[0]  # the connection works on


@pytest.mark.django_db(transaction=True)
def test_an_error_after_the_insert_stores_nothing_and_leaves_the_connection_usable(
    sta, monkeypatch
):
    from django.db import DatabaseError, connection

    from smartcity.sensors.models import Observation
    from smartcity.sensors.services import NewObservation, rollups

    sta.post("Things", thing_body("Station", 7.4))
    stream = Datastream.objects.get()
    hooks = []

    def failing_days(cursor, *args, **kwargs):
        cursor.execute("SELECT 1 / 0")  # fails in the database, after the INSERT was sent

    if connection.vendor == "postgresql":
        monkeypatch.setattr(rollups, "touch_days_postgresql", failing_days)
    else:
        monkeypatch.setattr(rollups, "upsert_days_sql", lambda _touched: "SELECT 1 / 0 + x")

    def group(found):
        from django.db import transaction

        transaction.on_commit(lambda: hooks.append(True))
        item = NewObservation(phenomenon_time_start=datetime(2026, 7, 1, tzinfo=UTC), result=4)
        return [(found[stream.pk], [item])]

    with pytest.raises(DatabaseError):
        streams.store_for_datastreams([stream.pk], 1, group)
    assert hooks == []
    assert _count_elsewhere() == 0
    assert connection.get_autocommit() and not connection.in_atomic_block
    monkeypatch.undo()
    streams.store_for_datastreams([stream.pk], 1, group)
    assert Observation.objects.count() == 1 and _count_elsewhere() == 1 and hooks == [True]


def _count_elsewhere() -> int:
    """Observations as a second connection sees them (committed rows only)."""
    from django.db import connections

    from smartcity.sensors.models import Observation

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {Observation._meta.db_table}")  # noqa: S608
            return cursor.fetchone()[0]
    finally:
        other.close()
