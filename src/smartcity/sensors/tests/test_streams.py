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
