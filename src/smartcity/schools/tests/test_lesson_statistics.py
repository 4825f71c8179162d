"""Per-lesson statistics against a hand-computed example; school days and holidays."""

from datetime import UTC, date, datetime, timedelta

from smartcity.schools import calendar, services, statistics
from smartcity.schools.tests.factories import co2_stream, room_of
from smartcity.sensors.services import NewObservation, store_observations

MONDAY = date(2026, 11, 23)
# 1st period 08:00–08:45 local = 07:00–07:45 UTC (winter time).
LESSON_START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def _store(room, values, start=LESSON_START):
    stream = co2_stream(room)
    store_observations(
        stream,
        [
            NewObservation(phenomenon_time_start=start + timedelta(minutes=k), result=value)
            for k, value in enumerate(values)
        ],
    )


def test_lesson_statistics_match_a_hand_computed_lesson(school):
    room = room_of(school, "101")
    other = room_of(school, "102")
    services.set_occupancy(room, {(0, 1): 27})
    # 10×800, 10×1000, 10×1500, 10×2000, 5×2400 ppm, one reading a minute for 45 minutes:
    # mean 65000/45 = 1444.4, max 2400, 35 minutes from 1000 ppm, 5 minutes above 2000 ppm.
    lesson = [800] * 10 + [1000] * 10 + [1500] * 10 + [2000] * 10 + [2400] * 5
    _store(room, lesson)
    # Outside the lesson: the minute before and the first minute of the break.
    _store(room, [5000], LESSON_START - timedelta(minutes=1))
    _store(room, [5000], LESSON_START + timedelta(minutes=45))
    # The other room has readings but no class in that period.
    _store(other, [3000] * 45)

    rows = statistics.lesson_statistics([room, other], MONDAY, MONDAY)

    assert len(rows) == 1
    row = rows[0]
    assert row["room_id"] == room.pk and row["period"] == 1 and row["pupils"] == 27
    assert row["readings"] == 45
    assert abs(row["mean"] - 65000 / 45) < 1e-6
    assert row["max"] == 2400
    assert row["minutes_from_1000"] == 35
    assert row["minutes_above_2000"] == 5
    assert row["light"] == "yellow"

    everything = statistics.lesson_statistics([room, other], MONDAY, MONDAY, occupied_only=False)
    assert {(r["room_id"], r["period"]) for r in everything} == {(room.pk, 1), (other.pk, 1)}


def test_lessons_leave_out_weekends_public_and_school_holidays(school):
    calendar.import_holidays(calendar.NRW_HOLIDAYS_2026_27)
    days = calendar.school_days(date(2026, 10, 12), date(2026, 11, 3))
    assert date(2026, 10, 16) in days  # Friday before the autumn holidays
    assert date(2026, 10, 19) not in days  # autumn holidays
    assert date(2026, 11, 2) in days
    assert date(2026, 10, 24) not in days  # Saturday
    # Corpus Christi is a public holiday in NRW (from the holidays package).
    corpus_christi = calendar.school_days(date(2027, 5, 26), date(2027, 5, 28))
    assert corpus_christi == [date(2027, 5, 26), date(2027, 5, 28)]
    lessons = calendar.lessons(school, MONDAY, MONDAY)
    assert len(lessons) == 8
    assert lessons[0].start == LESSON_START
    # Summer time: 08:00 local is 06:00 UTC.
    summer = calendar.lessons(school, date(2027, 6, 7), date(2027, 6, 7))
    assert summer[0].start == datetime(2027, 6, 7, 6, 0, tzinfo=UTC)


def test_import_refuses_end_before_start(db):
    import pytest

    with pytest.raises(ValueError, match="before"):
        calendar.import_holidays([("Kaputt", date(2027, 1, 10), date(2027, 1, 1))])


def test_daily_summary_and_latest_values(school):
    room = room_of(school, "101")
    services.set_occupancy(room, {(0, 1): 25, (0, 2): 25})
    _store(room, [900] * 45)
    _store(room, [1100] * 45, LESSON_START + timedelta(minutes=50))
    summaries = statistics.daily_summaries([room], MONDAY, MONDAY)
    assert len(summaries) == 1
    assert summaries[0]["lessons"] == 2
    assert summaries[0]["mean"] == 1000
    assert summaries[0]["share_from_1000"] == 0.5
    latest = statistics.latest_values([room])
    value, moment = latest[room.pk]["co2"]
    assert value == 1100 and moment == LESSON_START + timedelta(minutes=94)
    assert latest[room.pk].get("temperature") == (None, None)
