"""The grouped ingest path (sta/ingest.py) in front of Django, driven as the ASGI server does."""

import asyncio
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartcity.core.tests.asgi import call, http_scope
from smartcity.sensors.models import Datastream, HourlyAggregate, Observation
from smartcity.sensors.services import NewObservation
from smartcity.sensors.sta import ingest
from smartcity.sensors.tests.conftest import thing_body

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _end_other_sessions():
    """The ASGI handler's worker threads keep their pooled PostgreSQL connections; end them,
    or the test database cannot be dropped at the end of the run."""
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close_pool()  # a fresh pool for the next test, without the ended sessions


def application():
    from smartcity.asgi import application

    return application


async def post(path, body, secret, extra_headers=()):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), *extra_headers]
    if secret:
        headers.append((b"authorization", f"Bearer {secret}".encode()))
    status, answer_headers, content = await call(
        application(), http_scope(path, "POST", headers=headers), raw, timeout=30
    )
    return status, answer_headers, json.loads(content) if content else None


def run(*calls):
    async def together():
        return await asyncio.gather(*calls)

    return asyncio.run(together())


@pytest.fixture
def streams(sta):
    ids = []
    for number in range(3):
        thing = sta.post("Things", thing_body(f"Station {number}", 7.4 + number / 100)).json()
        ids.append(sta.get(f"Things({thing['@iot.id']})/Datastreams").json()["value"][0])
    return [stream["@iot.id"] for stream in ids]


def test_concurrent_posts_are_stored_by_the_fast_path(streams, writer_secret, sta):
    before = ingest.batcher.requests
    calls = [
        post(
            f"/sta/v1.1/Datastreams({streams[number % 3]})/Observations",
            {"phenomenonTime": f"2026-05-01T{number:02d}:30:00Z", "result": number + 0.5},
            writer_secret,
        )
        for number in range(12)
    ]
    calls.append(
        post(
            "/sta/v1.1/Observations",
            {
                "phenomenonTime": "2026-05-02T00:00:00Z",
                "result": "dry",
                "Datastream": {"@iot.id": streams[0]},
            },
            writer_secret,
        )
    )
    answers = run(*calls)
    assert [status for status, _headers, _body in answers] == [201] * 13
    # All answered by the grouped path, before Django's request cycle.
    assert ingest.batcher.requests - before == 13
    locations = {headers["location"] for _status, headers, _body in answers}
    assert len(locations) == 13
    status, headers, body = answers[-1]
    assert headers["location"] == body["@iot.selfLink"]
    assert body["result"] == "dry"
    # The same representation the normal path serves.
    assert sta.get(body["@iot.selfLink"].split("/sta/v1.1/")[1]).json() == body
    assert Observation.objects.count() == 13
    first = Datastream.objects.get(pk=streams[0])
    assert first.phenomenon_time_start.isoformat() == "2026-05-01T00:30:00+00:00"
    assert first.phenomenon_time_end.isoformat() == "2026-05-02T00:00:00+00:00"
    assert first.observed_area["type"] == "Point"
    hours = HourlyAggregate.objects.filter(datastream_id=streams[1])
    assert sum(hour.count for hour in hours) == 4
    assert sorted(hour.total for hour in hours) == [1.5, 4.5, 7.5, 10.5]


def _jobs(streams, secret, count, offset=None):
    """``count`` jobs over the three streams, at minutes ``offset`` × 100 + n."""
    return [
        ingest.Job(
            "v1.1",
            "http://testserver/sta/v1.1",
            secret,
            streams[number % 3],
            NewObservation(
                phenomenon_time_start=_time(count if offset is None else offset, number),
                result=number,
            ),
            None,
        )
        for number in range(count)
    ]


def test_a_group_costs_the_same_queries_for_one_or_many_streams(streams, writer_secret):
    def jobs(count):
        return _jobs(streams, writer_secret, count)

    ingest.process(jobs(3))  # features and observed areas of all three streams exist now
    with CaptureQueriesContext(connection) as one:
        answers = ingest.process(jobs(1))
    with CaptureQueriesContext(connection) as thirty:
        many = ingest.process(jobs(30))
    assert answers[0][0] == 201
    assert [answer[0] for answer in many] == [201] * 30
    assert len(thirty.captured_queries) <= len(one.captured_queries)
    assert Observation.objects.count() == 34


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the pipelined transaction is PostgreSQL's"
)
def test_an_error_only_the_pipeline_sync_reports_stores_nothing(
    streams, writer_secret, monkeypatch
):
    """The INSERT goes out with the pipeline's sync, after the Python side is done: an error
    there is still raised (as Django's exception class), rolls the whole group back, and the
    connection serves the next group."""
    from django.db import DataError

    from smartcity.sensors.services import bulk

    def jobs(count, offset):
        return _jobs(streams, writer_secret, count, offset)

    ingest.process(jobs(3, 0))
    before = Observation.objects.count()
    ranges = list(Datastream.objects.order_by("pk").values_list("phenomenon_time_end", flat=True))
    real = bulk._insert_sql
    assert real(True).endswith(" SELECT 1")

    def failing(with_ids):
        # Fails only when the statement runs (a division by zero per new row).
        statement = real(with_ids).removesuffix(" SELECT 1")
        return statement + " SELECT 1 FROM new_rows WHERE result_number / 0 = 1"  # noqa: S608

    monkeypatch.setattr(bulk, "_insert_sql", failing)
    with pytest.raises(DataError):
        ingest.process(jobs(4, 1))
    assert Observation.objects.count() == before
    assert HourlyAggregate.objects.filter(hour__gte=_time(0, 60)).count() == 0  # 01:00 on
    assert ranges == list(
        Datastream.objects.order_by("pk").values_list("phenomenon_time_end", flat=True)
    )
    monkeypatch.setattr(bulk, "_insert_sql", real)
    assert [answer[0] for answer in ingest.process(jobs(4, 2))] == [201] * 4
    assert Observation.objects.count() == before + 4


def _time(count, number):
    from datetime import UTC, datetime, timedelta

    return datetime(2026, 6, 1, tzinfo=UTC) + timedelta(minutes=count * 100 + number)


def test_everything_else_is_answered_by_the_normal_path(streams, writer_secret):
    path = f"/sta/v1.1/Datastreams({streams[0]})/Observations"
    Datastream.objects.filter(pk=streams[0]).update(reject_duplicates=True)
    good = {"phenomenonTime": "2026-05-01T10:00:00Z", "result": 1}
    # One after the other: the test database (SQLite in memory) takes one writer at a time.
    unauthorised = run(post(path, good, None))[0]
    wrong_token = run(post(path, good, "sc_not-a-token"))[0]
    broken = run(post(path, b'{"result": ', writer_secret))[0]
    unknown = run(post(path, {"result": 1, "colour": "red"}, writer_secret))[0]
    missing = run(post("/sta/v1.1/Datastreams(999999)/Observations", good, writer_secret))[0]
    first = run(post(path, good, writer_secret))[0]
    assert unauthorised[0] == wrong_token[0] == 401
    assert broken[0] == 400 and "not valid JSON" in broken[2]["message"]
    assert unknown[0] == 400 and unknown[2]["field"] == "colour"
    assert missing[0] == 404 and "Datastream(999999)" in missing[2]["message"]
    assert first[0] == 201
    status, _headers, body = run(post(path, good, writer_secret))[0]
    assert status == 409 and body["existingId"] == first[2]["@iot.id"]
    # A nested new FeatureOfInterest is a deep insert: the normal path creates both.
    nested = dict(
        good,
        phenomenonTime="2026-05-01T11:00:00Z",
        FeatureOfInterest={
            "name": "Pegel",
            "description": "Messpunkt",
            "encodingType": "application/geo+json",
            "feature": {"type": "Point", "coordinates": [7.5, 51.5]},
        },
    )
    status, headers, body = run(post(path, nested, writer_secret))[0]
    assert status == 201 and "x-frame-options" in headers
    assert Observation.objects.count() == 2


SECURITY = (
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
)


def test_fast_answers_carry_the_security_headers_of_django_answers(streams, writer_secret):
    path = f"/sta/v1.1/Datastreams({streams[0]})/Observations"
    before = ingest.batcher.requests
    fast = run(
        post(
            path,
            {"phenomenonTime": "2026-05-01T10:00:00Z", "result": 1},
            writer_secret,
            [(b"x-request-id", b"sensor-42.a")],
        )
    )[0]
    assert fast[0] == 201 and ingest.batcher.requests == before + 1  # the fast path answered
    # A property the fast path leaves to Django: the normal path answers.
    normal = run(
        post(
            path,
            {"phenomenonTime": "2026-05-01T11:00:00Z", "result": 2, "colour": "red"},
            writer_secret,
        )
    )[0]
    assert normal[0] == 400 and ingest.batcher.requests == before + 1
    for name in SECURITY:
        assert fast[1].get(name), name
        assert fast[1][name] == normal[1].get(name), name
    assert fast[1]["x-request-id"] == "sensor-42.a"
    assert len(normal[1]["x-request-id"]) == 32
    unsafe = run(
        post(
            path,
            {"phenomenonTime": "2026-05-01T12:00:00Z", "result": 3},
            writer_secret,
            [(b"x-request-id", b"<script>")],
        )
    )[0]
    assert unsafe[0] == 201 and unsafe[1]["x-request-id"] != "<script>"


def test_a_group_waits_for_requests_that_keep_arriving_but_not_forever(settings):
    """Requests arriving with gaps under SENSORS_INGEST_GATHER_GAP join the group; a longer
    pause, or SENSORS_INGEST_GATHER_MAX, ends it (generous times: the machine may be busy)."""
    import threading
    import time

    settings.SENSORS_INGEST_GATHER_GAP = 0.3
    settings.SENSORS_INGEST_GATHER_MAX = 5.0
    batcher = ingest.Batcher()

    def feed(pauses):
        for number, pause in enumerate(pauses):
            time.sleep(pause)
            batcher.queue.put(number)

    feeder = threading.Thread(target=feed, args=([0, 0.02, 0.02, 1.2],))
    feeder.start()
    first, second = batcher._collect(), batcher._collect()
    feeder.join()
    assert (first, second) == ([0, 1, 2], [3])

    settings.SENSORS_INGEST_GATHER_MAX = 0.4
    feeder = threading.Thread(target=feed, args=([0] + [0.05] * 39,))
    feeder.start()
    capped = batcher._collect()
    feeder.join()
    assert 2 <= len(capped) < 40
