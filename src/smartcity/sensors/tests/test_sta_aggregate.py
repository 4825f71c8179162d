"""Beyond the standard: $aggregate, the latest-observation shortcut, $count estimates."""

from datetime import UTC, datetime, timedelta

import pytest

from smartcity.sensors import services
from smartcity.sensors.models import Datastream
from smartcity.sensors.services import NewObservation
from smartcity.sensors.sta import counting


@pytest.fixture
def minutes(network):
    """Three hours of one-minute data on the network's Datastream (value = minute of day)."""
    stream = Datastream.objects.get(pk=network["datastream"]["@iot.id"])
    start = datetime(2026, 5, 1, tzinfo=UTC)
    services.store_observations(
        stream,
        [
            NewObservation(phenomenon_time_start=start + timedelta(minutes=i), result=float(i))
            for i in range(180)
        ],
    )
    return stream


def test_aggregate_per_hour_in_the_database(anonymous, minutes):
    response = anonymous.get(
        f"Datastreams({minutes.pk})/Observations/$aggregate",
        interval="PT1H",
        stats="mean,min,max,count,sum",
        **{"from": "2026-05-01T00:00:00Z", "to": "2026-05-01T03:00:00Z"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["Datastream@iot.navigationLink"].endswith(f"Datastreams({minutes.pk})")
    assert body["unitOfMeasurement"]["symbol"] == "°C"
    assert body["value"][0] == {
        "phenomenonTime": "2026-05-01T00:00:00Z/2026-05-01T01:00:00Z",
        "mean": 29.5,
        "min": 0.0,
        "max": 59.0,
        "count": 60,
        "sum": 1770.0,
    }
    assert [row["max"] for row in body["value"]] == [59.0, 119.0, 179.0]


@pytest.mark.parametrize(
    ("interval", "start"),
    [
        (timedelta(hours=1), datetime(2026, 5, 1, tzinfo=UTC)),  # roll-up rows as they are
        (timedelta(hours=2), None),  # roll-ups grouped
        (timedelta(minutes=25), datetime(2026, 5, 1, 0, 10, tzinfo=UTC)),  # the Observations
    ],
)
def test_aggregate_json_is_one_query_and_matches_the_rows(minutes, interval, start):
    import orjson
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartcity.sensors.times import format_instant

    stats = ["mean", "min", "max", "sum", "count"]
    with CaptureQueriesContext(connection) as queries:
        text = services.aggregate_json(minutes, interval, stats, start)
    assert len(queries.captured_queries) == 1
    expected = [
        {
            "phenomenonTime": f"{format_instant(row['start'])}/{format_instant(row['end'])}",
            **{name: row[name] for name in stats},
        }
        for row in services.aggregate(minutes, interval, stats, start)
    ]
    assert len(expected) > 1
    assert orjson.loads(text) == [
        {
            key: pytest.approx(value) if isinstance(value, float) else value
            for key, value in row.items()
        }
        for row in expected
    ]
    assert (
        services.aggregate_json(minutes, interval, stats, datetime(2030, 1, 1, tzinfo=UTC)) == "[]"
    )


def test_aggregate_bucket_alignment_and_range(anonymous, minutes):
    body = anonymous.get(
        f"Datastreams({minutes.pk})/Observations/$aggregate",
        interval="PT90M",
        stats="count",
        **{"from": "2026-05-01T00:30:00Z"},
    ).json()
    assert [row["count"] for row in body["value"]] == [60, 90]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "interval"),
        ({"interval": "P1M"}, "interval"),
        ({"interval": "PT1H", "stats": "median"}, "stats"),
        ({"interval": "PT1H", "from": "morgen"}, "from"),
        (
            {"interval": "PT1S", "from": "2000-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
            "interval",
        ),
    ],
)
def test_aggregate_rejects_bad_parameters(anonymous, minutes, params, field):
    response = anonymous.get(f"Datastreams({minutes.pk})/Observations/$aggregate", **params)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_latest_observation_of_every_datastream_of_a_thing(anonymous, network, minutes):
    thing = network["thing"]["@iot.id"]
    body = anonymous.get(f"Things({thing})/Datastreams/$latest").json()
    latest = body["value"][0]["Observations"]
    assert len(latest) == 1 and latest[0]["result"] == 179
    expanded = anonymous.get(
        f"Things({thing})/Datastreams",
        **{"$expand": "Observations($top=1;$orderby=phenomenonTime desc)"},
    ).json()
    assert expanded["value"][0]["Observations"] == latest


def test_count_is_exact_below_the_limit_and_estimated_above(settings, anonymous, minutes):
    exact = anonymous.get("Observations", **{"$count": "true", "$top": "1"}).json()
    assert exact["@iot.count"] == 185 and "@iot.countEstimated" not in exact
    settings.SENSORS_COUNT_MODE = "estimate"
    estimated = counting.count(minutes.observations.all())
    if counting.planner_estimate(minutes.observations.all()) is None:  # SQLite: always exact
        assert estimated == {"@iot.count": 185}
    else:
        assert estimated["@iot.countEstimated"] is True and estimated["@iot.count"] > 0


def test_hourly_rollups_follow_edits_and_deletes(sta, minutes):
    from smartcity.sensors.models import HourlyAggregate, Observation
    from smartcity.sensors.services import aggregate, rollups

    first_hour = Observation.objects.filter(
        datastream=minutes,
        phenomenon_time_start__gte=datetime(2026, 5, 1, tzinfo=UTC),
        phenomenon_time_start__lt=datetime(2026, 5, 1, 1, tzinfo=UTC),
    ).order_by("phenomenon_time_start")
    to_delete, to_edit = first_hour[0], first_hour[1]
    assert sta.send("DELETE", f"Observations({to_delete.pk})").status_code == 200
    response = sta.send("PATCH", f"Observations({to_edit.pk})", {"result": 1000})
    assert response.status_code == 200
    moved = first_hour.last()
    response = sta.send(
        "PATCH", f"Observations({moved.pk})", {"phenomenonTime": "2026-05-01T05:00:00Z"}
    )
    assert response.status_code == 200, response.content
    hour = datetime(2026, 5, 1, tzinfo=UTC)
    rows = aggregate(minutes, timedelta(hours=1), ["count", "max", "sum"], hour, None)
    # minute 0 deleted, minute 1 → 1000, minute 59 moved to 05:00
    assert rows[0]["count"] == 58 and rows[0]["max"] == 1000.0
    assert rows[0]["sum"] == sum(range(2, 59)) + 1000
    assert rows[-1]["start"] == datetime(2026, 5, 1, 5, tzinfo=UTC) and rows[-1]["count"] == 1
    before = list(HourlyAggregate.objects.filter(datastream=minutes).values().order_by("hour"))
    rollups.rebuild(minutes.pk)
    after = list(HourlyAggregate.objects.filter(datastream=minutes).values().order_by("hour"))
    strip = [{k: v for k, v in row.items() if k != "id"} for row in before]
    assert strip == [{k: v for k, v in row.items() if k != "id"} for row in after]


def _direct(stream, seconds, stats, start, end):
    """The buckets computed in Python from the stored Observations (the reference)."""
    from smartcity.sensors.models import Observation
    from smartcity.sensors.times import format_instant

    buckets = {}
    for moment, number in Observation.objects.filter(datastream=stream).values_list(
        "phenomenon_time_start", "result_number"
    ):
        if (start and moment < start) or (end and moment >= end):
            continue
        key = int(moment.timestamp()) // seconds * seconds
        buckets.setdefault(key, []).append(number)
    answer = []
    for key in sorted(buckets):
        values = buckets[key]
        numbers = [value for value in values if value is not None]
        begin = datetime.fromtimestamp(key, tz=UTC)
        finish = begin + timedelta(seconds=seconds)
        row = {"phenomenonTime": f"{format_instant(begin)}/{format_instant(finish)}"}
        for name in stats:
            row[name] = {
                "mean": pytest.approx(sum(numbers) / len(numbers)) if numbers else None,
                "min": min(numbers, default=None),
                "max": max(numbers, default=None),
                "sum": pytest.approx(sum(numbers)) if numbers else None,
                "count": len(values),
            }[name]
        answer.append(row)
    return answer


@pytest.fixture
def days(network):
    """Three days of 10-minute data (a string result in the middle), stored in two batches."""
    stream = Datastream.objects.get(pk=network["datastream"]["@iot.id"])
    start = datetime(2026, 6, 1, tzinfo=UTC)
    items = [
        NewObservation(
            phenomenon_time_start=start + timedelta(minutes=10 * i),
            result="aus" if i == 200 else float((i * 7) % 31) - 5.5,
        )
        for i in range(3 * 144)
    ]
    services.store_observations(stream, items[:250])
    services.store_observations(stream, items[250:])
    return stream


SPANS = [
    (None, None),
    (datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 4, tzinfo=UTC)),
    (datetime(2026, 6, 1, 5, tzinfo=UTC), datetime(2026, 6, 3, 17, tzinfo=UTC)),  # edge days
    (datetime(2026, 6, 2, 3, tzinfo=UTC), datetime(2026, 6, 2, 9, tzinfo=UTC)),  # inside a day
    (datetime(2026, 6, 1, 23, tzinfo=UTC), None),
    (None, datetime(2026, 6, 2, 1, tzinfo=UTC)),
]


def _check_against_direct(stream):
    import orjson

    from smartcity.sensors.services.aggregates import DEFAULT_STATS, _json_query

    for start, end in SPANS:
        hourly = services.aggregate_json(stream, timedelta(hours=1), DEFAULT_STATS, start, end)
        assert orjson.loads(hourly) == _direct(stream, 3600, DEFAULT_STATS, start, end)
        # The day rows' text is byte for byte what the hourly roll-ups give.
        assert hourly == _json_query(stream, 3600, DEFAULT_STATS, start, end)
    for start, end in SPANS[:2]:
        stats = ["mean", "min", "max", "sum", "count"]
        daily = services.aggregate_json(stream, timedelta(days=1), stats, start, end)
        assert orjson.loads(daily) == _direct(stream, 86400, stats, start, end)


def test_whole_days_come_from_the_day_rows(days):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartcity.sensors.models import DailyAggregate
    from smartcity.sensors.services.aggregates import DEFAULT_STATS

    assert DailyAggregate.objects.filter(datastream=days).count() == 4  # + the network's day
    _check_against_direct(days)
    with CaptureQueriesContext(connection) as queries:
        services.aggregate_json(days, timedelta(hours=1), DEFAULT_STATS)
    assert len(queries.captured_queries) == 1
    assert "sensors_dailyaggregate" in queries.captured_queries[0]["sql"]


def test_day_rows_follow_late_data_edits_and_deletes(sta, days):
    from smartcity.sensors.models import DailyAggregate, Observation

    # Late data for a day already summed, through the service and over HTTP.
    services.store_observations(
        days, [NewObservation(datetime(2026, 6, 1, 12, 5, tzinfo=UTC), 1000.0)]
    )
    response = sta.post(
        f"Datastreams({days.pk})/Observations",
        {"phenomenonTime": "2026-06-02T00:00:01Z", "result": -300},
    )
    assert response.status_code == 201, response.content
    _check_against_direct(days)
    first = Observation.objects.filter(datastream=days).order_by("phenomenon_time_start")
    assert sta.send("DELETE", f"Observations({first[0].pk})").status_code == 200
    edited = first[10]
    assert sta.send("PATCH", f"Observations({edited.pk})", {"result": 77.25}).status_code == 200
    moved = first[20]
    response = sta.send(
        "PATCH", f"Observations({moved.pk})", {"phenomenonTime": "2026-06-05T10:00:00Z"}
    )
    assert response.status_code == 200, response.content
    _check_against_direct(days)
    assert DailyAggregate.objects.filter(datastream=days).count() == 5
    # A day whose Observations are all deleted loses its row.
    for pk in Observation.objects.filter(
        datastream=days, phenomenon_time_start__gte=datetime(2026, 6, 5, tzinfo=UTC)
    ).values_list("pk", flat=True):
        assert sta.send("DELETE", f"Observations({pk})").status_code == 200
    assert DailyAggregate.objects.filter(datastream=days).count() == 4
    _check_against_direct(days)
