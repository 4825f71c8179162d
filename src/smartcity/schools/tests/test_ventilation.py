"""Ventilation events and air change rates recovered from simulated data (within 10 %)."""

from datetime import UTC, datetime

import numpy as np

from smartcity.schools import calendar, services, simulator, statistics, ventilation
from smartcity.schools.tests.factories import co2_stream, room_of

DAY_START = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday, 06:00 local


def test_air_change_rate_of_an_exact_decay():
    minutes = np.arange(8)
    values = 420 + 1500 * np.exp(-6.0 * minutes / 60)
    assert abs(ventilation.air_change_rate(values) - 6.0) < 1e-6
    # With pupils still breathing out the decay goes to a higher level: same rate.
    assert abs(ventilation.air_change_rate(900 + 1000 * np.exp(-9.0 * minutes / 60)) - 9.0) < 1e-6
    assert ventilation.air_change_rate([1000, 1001, 1002]) is None


def _lessons(room):
    day = DAY_START.date()
    return [
        (lesson.start.timestamp(), lesson.end.timestamp())
        for lesson in calendar.lessons(room.building.school, day, day)
        if calendar.occupancy_of([room]).get((room.pk, day.weekday(), lesson.period))
    ]


def _true_rate(airing):
    return airing.rate + simulator.CLOSED_RATE


def _matches(events, airings):
    pairs = []
    for airing in airings:
        found = [
            event for event in events if abs((event["start"] - airing.start).total_seconds()) <= 60
        ]
        pairs.append((airing, found[0] if found else None))
    return pairs


def test_events_and_rates_recovered_from_simulated_room(school):
    room = room_of(school, "101")
    services.set_occupancy(room, {(0, period): 28 for period in range(1, 7)})
    lessons = _lessons(room)
    found = 0
    for seed in range(5):
        run = simulator.simulate_room(room, DAY_START, 12 * 60, seed=seed, diligent=True)
        assert len(run.airings) >= 10
        events = ventilation.detect(run.times, run.values["co2"], lessons)
        pairs = _matches(events, run.airings)
        # Every airing is found, with its air change rate within 10 %.
        assert all(event is not None for _airing, event in pairs)
        for airing, event in pairs:
            true = _true_rate(airing)
            assert abs(event["air_change_rate"] - true) <= 0.1 * true, (airing, event)
        # No event without an airing.
        assert len(events) == len(pairs)
        found += len(events)
    assert found >= 50


def test_events_from_stored_readings(school):
    room = room_of(school, "101")
    services.set_occupancy(room, {(0, period): 26 for period in range(1, 5)})
    run = simulator.simulate_room(room, DAY_START, 8 * 60, seed=5, diligent=True)
    simulator.store(room, run)
    end = DAY_START.replace(hour=13)
    times, values = statistics.series(co2_stream(room).pk, DAY_START, end)
    assert len(times) == 8 * 60
    events = ventilation.detect(times, values, _lessons(room))
    pairs = _matches(events, run.airings)
    assert len(events) == len(pairs) >= 4
    for airing, event in pairs:
        true = _true_rate(airing)
        assert abs(event["air_change_rate"] - true) <= 0.1 * true, (airing, event)
