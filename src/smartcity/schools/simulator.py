"""Simulated classroom climate: ``smartcity simulate schools [--schools N] [--days D]``.

Per room and minute: pupils from the timetable; CO₂ rising with them and decaying
exponentially towards outdoor air (plus what the pupils still breathe out) while the windows are
open; temperature with weather, heating, pupils and airing; humidity from moisture given off by
the pupils; particulate matter from outdoor air and pupils moving; noise in lessons and breaks.
The readings go in through the sensor hub's services (``store_observations``), like any
sensor's. The true airing windows and air change rates are returned for the tests.
"""

import math
import time as clock
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np

from smartcity.schools import calendar
from smartcity.schools.models import Quantity, Room

OUTDOOR_CO2 = 420.0  # ppm
CO2_PER_PUPIL = 0.018  # m³ CO₂ per hour (12- to 16-year-olds, sitting)
CLOSED_RATE = 0.5  # air changes per hour, windows closed (gaps, doors)
MOISTURE_PER_PUPIL = 50.0  # g water per hour
SORPTION_RATE = 1.5  # 1/h: walls and furniture buffer humidity


@dataclass
class Airing:
    start: datetime
    minutes: int
    rate: float  # air changes per hour while open


@dataclass
class RoomRun:
    times: np.ndarray  # epoch seconds
    values: dict  # quantity -> np.ndarray
    airings: list = field(default_factory=list)


def _saturation(celsius):
    """Water content of saturated air in g/kg (Magnus formula, 1013 hPa)."""
    pressure = 6.112 * np.exp(17.62 * celsius / (243.12 + celsius))
    return 622.0 * pressure / (1013.25 - pressure)


def pupils_by_minute(room: Room, start: datetime, minutes: int) -> np.ndarray:
    """Pupils in the room for each minute from ``start`` (UTC), from the timetable."""
    pupils = np.zeros(minutes)
    end = start + timedelta(minutes=minutes)
    first = start.astimezone(calendar.LOCAL).date()
    last = end.astimezone(calendar.LOCAL).date()
    occupancy = calendar.occupancy_of([room])
    for lesson in calendar.lessons(room.building.school, first, last):
        count = occupancy.get((room.pk, lesson.day.weekday(), lesson.period), 0)
        if not count:
            continue
        low = int((lesson.start - start).total_seconds() // 60)
        high = int((lesson.end - start).total_seconds() // 60)
        pupils[max(low, 0) : max(min(high, minutes), 0)] = count
    return pupils


def airing_plan(pupils: np.ndarray, start: datetime, diligent: bool, rng) -> list[Airing]:
    """When windows open: every 20 minutes in lessons (diligent rooms) and in the breaks."""
    plan = []
    occupied = pupils > 0
    # Lesson starts and ends (changes of occupancy).
    change = np.flatnonzero(np.diff(occupied.astype(np.int8)))
    ends = [index + 1 for index in change if occupied[index]]
    starts = [index + 1 for index in change if not occupied[index]]
    if occupied[0]:
        starts.insert(0, 0)
    for begin in starts:
        finish = next((end for end in ends if end > begin), len(pupils))
        # Diligent rooms air every 20 minutes; the others now and then, once in a lesson.
        for offset in range(20, finish - begin - 9, 20):
            if diligent or (offset == 20 and rng.random() < 0.3):
                plan.append((begin + offset, int(rng.integers(3, 6)), rng.uniform(5, 12)))
        if finish < len(pupils) and (diligent or rng.random() < 0.5):
            plan.append((finish, 5, rng.uniform(6, 14)))
    return [Airing(start + timedelta(minutes=int(m)), n, float(rate)) for m, n, rate in plan]


def simulate_room(
    room: Room, start: datetime, minutes: int, seed: int = 0, diligent: bool | None = None
) -> RoomRun:
    rng = np.random.default_rng(seed)
    if diligent is None:
        diligent = bool(rng.random() < 0.5)
    pupils = pupils_by_minute(room, start, minutes)
    plan = airing_plan(pupils, start, diligent, rng)
    open_rate = np.zeros(minutes)
    for airing in plan:
        low = int((airing.start - start).total_seconds() // 60)
        open_rate[low : low + airing.minutes] = airing.rate
    step = 1 / 60  # hours
    times = np.array([start.timestamp() + 60 * k for k in range(minutes)])
    local_hours = np.array(
        [
            (datetime.fromtimestamp(moment, tz=UTC).astimezone(calendar.LOCAL).hour)
            + datetime.fromtimestamp(moment, tz=UTC).minute / 60
            for moment in times
        ]
    )
    weekday = np.array(
        [
            datetime.fromtimestamp(moment, tz=UTC).astimezone(calendar.LOCAL).weekday() < 5
            for moment in times
        ]
    )
    day_offset = rng.normal(0, 2)
    outdoor = 7 + day_offset + 4 * np.sin(2 * math.pi * (local_hours - 9) / 24)
    heating = np.where(weekday & (local_hours >= 6) & (local_hours < 16), 21.5, 17.0)
    co2 = np.empty(minutes)
    temperature = np.empty(minutes)
    moisture = np.empty(minutes)
    c, t, x = OUTDOOR_CO2 + 150, 19.0, 6.5
    volume = room.volume
    air_mass = 1.2 * volume
    for k in range(minutes):
        co2[k], temperature[k], moisture[k] = c, t, x
        rate = CLOSED_RATE + open_rate[k]
        n = pupils[k] + (1 if pupils[k] else 0)  # and the teacher
        steady = OUTDOOR_CO2 + n * CO2_PER_PUPIL * 1e6 / volume / rate
        c = steady + (c - steady) * math.exp(-rate * step)
        heat = 1.2 * (heating[k] - t) + 0.025 * n - open_rate[k] * 0.35 * (t - outdoor[k])
        t = t + heat * step
        wet_rate = rate + SORPTION_RATE
        wet_steady = (
            4.5 + n * MOISTURE_PER_PUPIL / air_mass / wet_rate + 3.5 * SORPTION_RATE / wet_rate
        )
        x = wet_steady + (x - wet_steady) * math.exp(-wet_rate * step)
    humidity = np.clip(100 * moisture / _saturation(temperature), 5, 100)
    outdoor_pm = np.clip(
        9 + 3 * np.sin(2 * math.pi * local_hours / 24) + rng.normal(0, 1, minutes), 2, None
    )
    pm25 = 0.6 * outdoor_pm + 0.12 * pupils + rng.normal(0, 0.8, minutes)
    pm10 = 0.8 * outdoor_pm * 1.6 + 0.9 * pupils + rng.normal(0, 2, minutes)
    noise = np.where(pupils > 0, 57 + rng.normal(0, 4, minutes), 33 + rng.normal(0, 1.5, minutes))
    breaks = (pupils == 0) & weekday & (local_hours >= 7.8) & (local_hours < 15.5)
    noise = np.where(breaks, 45 + rng.normal(0, 3, minutes), noise)
    values = {
        Quantity.CO2.value: np.round(co2 + rng.normal(0, 3, minutes)),
        Quantity.TEMPERATURE.value: np.round(temperature + rng.normal(0, 0.05, minutes), 1),
        Quantity.HUMIDITY.value: np.round(humidity, 1),
        Quantity.PM25.value: np.round(np.clip(pm25, 0.5, None), 1),
        Quantity.PM10.value: np.round(np.clip(pm10, 1, None), 1),
        Quantity.NOISE.value: np.round(noise, 1),
    }
    return RoomRun(times=times, values=values, airings=plan)


def store(room: Room, run: RoomRun, last: int | None = None) -> int:
    """Write a simulated run (or its ``last`` minutes) through the sensor hub's services;
    returns the number of readings."""
    from smartcity.sensors import services

    stored = 0
    keep = slice(-last, None) if last else slice(None)
    moments = [datetime.fromtimestamp(moment, tz=UTC) for moment in run.times[keep]]
    for sensor in room.sensors.select_related("datastream__thing"):
        data = run.values.get(sensor.quantity)
        if data is None:
            continue
        data = data[keep]
        items = [
            services.NewObservation(phenomenon_time_start=moment, result=float(value))
            for moment, value in zip(moments, data, strict=True)
        ]
        services.store_observations(sensor.datastream, items)
        stored += len(items)
    return stored


def simulate_school(school, start: datetime, minutes: int, seed: int = 0, last=None) -> int:
    stored = 0
    rooms = Room.objects.filter(building__school=school).select_related("building__school")
    for index, room in enumerate(rooms.order_by("pk")):
        run = simulate_room(room, start, minutes, seed=seed * 1000 + index)
        stored += store(room, run, last)
    return stored


def add_arguments(parser) -> None:
    parser.add_argument("--schools", type=int, default=2, help="so viele Schulen (Demo-Schulen)")
    parser.add_argument("--days", type=int, default=1, help="Tage bis jetzt nachrechnen")
    parser.add_argument("--city", default="dortmund", help="Stadt (Kurzname) neuer Schulen")
    parser.add_argument(
        "--follow", action="store_true", help="danach jede Minute weiter messen, bis Strg+C"
    )


def run(options: dict, stdout) -> None:
    from smartcity.core.models import City
    from smartcity.schools import demo

    city = City.objects.get(slug=options.get("city") or "dortmund")
    schools = demo.ensure_schools(city, options.get("schools") or 2)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(days=options.get("days") or 1)
    for number, school in enumerate(schools):
        stored = simulate_school(school, start, int((now - start).total_seconds() // 60), number)
        stdout.write(f"{school.name}: {stored} Messwerte\n")
    while options.get("follow"):
        clock.sleep(60)
        moment = datetime.now(UTC).replace(second=0, microsecond=0)
        # Six hours again (the room's state settles), of which only the newest minute is kept.
        for number, school in enumerate(schools):
            simulate_school(school, moment - timedelta(hours=6), 361, number, last=1)
        stdout.write(f"{moment:%H:%M} UTC\n")


def today() -> date:
    return datetime.now(calendar.LOCAL).date()
