"""When an office is open: opening hours, closures, NRW public holidays, slot start times."""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

import holidays
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.appointments.models import Office, Service, Slot


@lru_cache(maxsize=16)
def _nrw_holidays(year: int) -> holidays.HolidayBase:
    # German names ("Neujahr", "Karfreitag", ...) for the messages shown to people.
    return holidays.country_holidays("DE", subdiv="NW", years=year, language="de")


def holiday_name(day: dt.date) -> str | None:
    return _nrw_holidays(day.year).get(day)


def closed_reason(office: Office, day: dt.date) -> str | None:
    """Why ``office`` is closed on ``day``, or ``None`` when it is open."""
    name = holiday_name(day)
    if name:
        return _("Feiertag: %(name)s") % {"name": name}
    # Iterating .all() lets callers prefetch the closures of many offices at once.
    closure = next((c for c in office.closures.all() if c.first_day <= day <= c.last_day), None)
    if closure:
        return closure.reason or _("Die Dienststelle ist an diesem Tag geschlossen.")
    if not any(hours.weekday == day.weekday() for hours in office.opening_hours.all()):
        return _("Die Dienststelle hat an diesem Wochentag keine Sprechzeiten.")
    return None


def slots_needed(office: Office, service: Service) -> int:
    return max(1, math.ceil(service.duration_minutes / office.slot_minutes))


def spanned_starts(office: Office, service: Service, start: dt.datetime) -> list[dt.datetime]:
    """The start times of every slot an appointment beginning at ``start`` occupies."""
    step = dt.timedelta(minutes=office.slot_minutes)
    return [start + step * index for index in range(slots_needed(office, service))]


def appointment_end(office: Office, service: Service, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(minutes=office.slot_minutes * slots_needed(office, service))


def candidate_starts(office: Office, service: Service, day: dt.date) -> list[dt.datetime]:
    """Every aligned start on ``day`` whose whole appointment fits into the opening hours."""
    if closed_reason(office, day):
        return []
    zone = timezone.get_current_timezone()
    step = dt.timedelta(minutes=office.slot_minutes)
    length = step * slots_needed(office, service)
    starts = []
    for hours in office.opening_hours.all():
        if hours.weekday != day.weekday():
            continue
        start = dt.datetime.combine(day, hours.opens, tzinfo=zone)
        closes = dt.datetime.combine(day, hours.closes, tzinfo=zone)
        while start + length <= closes:
            starts.append(start)
            start += step
    return sorted(set(starts))


def bookable_days(office: Office, today: dt.date) -> list[dt.date]:
    return [today + dt.timedelta(days=offset) for offset in range(office.booking_days + 1)]


def free_counts(office: Office, first: dt.datetime, last: dt.datetime, now=None) -> dict:
    """Free counters per slot start between ``first`` and ``last`` (slots without a row: all)."""
    now = now or timezone.now()
    active = Q(uses__booking__isnull=False) | Q(uses__hold__expires_at__gt=now)
    # No ordering (the rows go into a dict): compiling the model's default ordering cost more
    # than the query.
    rows = (
        Slot.objects.filter(office=office, start__gte=first, start__lte=last)
        .order_by()
        .annotate(used=Count("uses", filter=active))
    )
    return {row.start: 0 if row.blocked else max(0, row.capacity - row.used) for row in rows}


def available_starts(
    office: Office, service: Service, day: dt.date, now=None
) -> list[tuple[dt.datetime, int]]:
    """``(start, free counters)`` for every start on ``day`` that can still be booked."""
    return available_starts_by_day(office, service, [day], now)[day]


def available_starts_by_day(
    office: Office, service: Service, days, now=None
) -> dict[dt.date, list[tuple[dt.datetime, int]]]:
    """``available_starts`` for several days at once, with one query for the slot rows of
    all of them (a week of slots answered with one query per office, not one per day)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last_day = today + dt.timedelta(days=office.booking_days)
    starts_by_day = {}
    for day in days:
        starts = []
        if today <= day <= last_day:
            starts = [start for start in candidate_starts(office, service, day) if start > now]
        starts_by_day[day] = starts
    spans = {
        start: spanned_starts(office, service, start)
        for starts in starts_by_day.values()
        for start in starts
    }
    counts = {}
    if spans:
        counts = free_counts(office, min(spans), max(span[-1] for span in spans.values()), now)
    result = {}
    for day, starts in starts_by_day.items():
        result[day] = []
        for start in starts:
            free = min(counts.get(part, office.counters_at(part)) for part in spans[start])
            if free > 0:
                result[day].append((start, free))
    return result
