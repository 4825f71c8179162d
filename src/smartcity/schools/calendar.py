"""School days and lessons: the timetable minus weekends, public holidays and school holidays.

Public holidays come from the maintained ``holidays`` package (North Rhine-Westphalia); school
holidays are data (``SchoolHoliday``, importable with ``smartcity schoolholidays``).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

from smartcity.schools.models import Occupancy, Period, SchoolHoliday

LOCAL = ZoneInfo("Europe/Berlin")
STATE = "NW"

# NRW school holidays 2026/27 (first and last day) as set by the Ministerium für Schule und
# Bildung NRW (Ordnung der Ferien, RdErl. v. 19.05.2022, bass.schul-welt.de/191.htm).
# Checked on 2026-11-25 against two secondary listings, which agree with every date here:
# aktuellekw.de/schulferien/2026/nordrhein-westfalen (2026) and a Bochum club calendar
# (tcrwstiepel.de, 12/2026-2027); the ministry's table itself was not readable in the copy
# available. The demo loads them, other years are imported as data.
NRW_HOLIDAYS_2026_27 = [
    ("Sommerferien", date(2026, 7, 20), date(2026, 9, 1)),
    ("Herbstferien", date(2026, 10, 17), date(2026, 10, 31)),
    ("Weihnachtsferien", date(2026, 12, 23), date(2027, 1, 6)),
    ("Osterferien", date(2027, 3, 22), date(2027, 4, 3)),
    ("Pfingstferien", date(2027, 5, 18), date(2027, 5, 18)),
    ("Sommerferien", date(2027, 7, 19), date(2027, 8, 31)),
]


def import_holidays(rows, state: str = STATE) -> int:
    """Add or update school holidays from (name, first day, last day); returns how many."""
    count = 0
    for name, start, end in rows:
        if end < start:
            raise ValueError(f"{name}: last day {end} is before first day {start}")
        SchoolHoliday.objects.update_or_create(
            state=state, start=start, defaults={"name": name, "end": end}
        )
        count += 1
    return count


@dataclass(frozen=True)
class Lesson:
    day: date
    period: int
    start: datetime  # aware, UTC
    end: datetime


def school_days(start: date, end: date, state: str = STATE) -> list[date]:
    """Weekdays in [start, end] that are neither public holidays nor school holidays."""
    years = range(start.year, end.year + 1)
    public = holiday_calendars.Germany(subdiv=state, years=years)
    ranges = list(
        SchoolHoliday.objects.filter(state=state, start__lte=end, end__gte=start).values_list(
            "start", "end"
        )
    )
    days = []
    day = start
    while day <= end:
        if (
            day.weekday() < 5
            and day not in public
            and not any(low <= day <= high for low, high in ranges)
        ):
            days.append(day)
        day += timedelta(days=1)
    return days


def _utc(day: date, moment) -> datetime:
    return datetime.combine(day, moment, tzinfo=LOCAL).astimezone(ZoneInfo("UTC"))


def lessons(school, start: date, end: date) -> list[Lesson]:
    """Every period of the school's timetable on every school day in [start, end]."""
    periods = list(Period.objects.filter(school=school).order_by("number"))
    return [
        Lesson(day, period.number, _utc(day, period.start), _utc(day, period.end))
        for day in school_days(start, end)
        for period in periods
    ]


def occupancy_of(rooms) -> dict:
    """{(room_id, weekday, period number): pupils} for the given rooms."""
    rows = Occupancy.objects.filter(room__in=rooms).values_list(
        "room_id", "weekday", "period__number", "pupils"
    )
    return {(room, weekday, number): pupils for room, weekday, number, pupils in rows}
