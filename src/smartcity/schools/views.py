"""School pages: list, public school page (daily summaries), live dashboard, wall display,
room history."""

from datetime import date, timedelta

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from smartcity.schools import access, guidance, services, statistics, ventilation
from smartcity.schools.models import UNITS, Quantity, Room, School

PUBLIC_DAYS = 14
LIVE_QUANTITIES = ["co2", "temperature", "humidity", "pm25", "noise"]
REFRESH_SECONDS = 30


def _forbidden(request, school):
    return render(request, "schools/members_only.html", {"school": school}, status=403)


def _today() -> date:
    return timezone.localdate()


def school_list(request, city):
    city_obj = access.get_city(city)
    schools = School.objects.filter(city=city_obj, is_public=True).order_by("name")
    return render(
        request,
        "schools/list.html",
        {
            "city": city_obj,
            "current_city": city_obj,
            "schools": schools,
            "teaching": access.teacher_schools(request.user, city_obj),
            "guidance": guidance.guidance_items(),
        },
    )


def school_page(request, city, school):
    """Public: rooms and daily summaries over lessons only, no live values, no people."""
    school_obj = access.get_school(city, school)
    member = access.can_view_school(request, school_obj)
    if not school_obj.is_public and not member:
        return _forbidden(request, school_obj)
    rooms = list(Room.objects.filter(building__school=school_obj).order_by("name"))
    end = _today()
    summaries = statistics.daily_summaries(rooms, end - timedelta(days=PUBLIC_DAYS), end)
    names = {room.pk: room.name for room in rooms}
    for row in summaries:
        row["room"] = names[row["room_id"]]
        row["light_label"] = guidance.LIGHT_LABELS.get(row["light"], "")
    summaries.sort(key=lambda row: (row["day"], row["room"]), reverse=True)
    return render(
        request,
        "schools/school.html",
        {
            "city": school_obj.city,
            "current_city": school_obj.city,
            "school": school_obj,
            "rooms": rooms,
            "summaries": summaries,
            "days": PUBLIC_DAYS,
            "member": member,
            "is_teacher": access.teacher_at(request.user, school_obj) is not None,
            "guidance": guidance.guidance_items(),
        },
    )


def live_payload(school: School) -> dict:
    rooms = services.school_rooms(school)
    states = services.room_states(rooms, statistics.latest_values(rooms))
    labels = {str(key): str(value) for key, value in guidance.LIGHT_LABELS.items()}
    return {
        "school": school.name,
        "generated": timezone.now().isoformat(),
        "refresh_seconds": REFRESH_SECONDS,
        "rooms": [
            {
                "slug": state.room.slug,
                "name": state.room.name,
                "updated": state.updated.isoformat() if state.updated else None,
                "values": {
                    key: None
                    if state.values[key] is None
                    else round(state.values[key], 0 if key == "co2" else 1)
                    for key in LIVE_QUANTITIES
                },
                "lights": {key: state.lights[key] for key in LIVE_QUANTITIES},
                "light_labels": {key: labels.get(state.lights[key], "") for key in LIVE_QUANTITIES},
                "reminder": services.reminder_text(state.lights["co2"]),
            }
            for state in states
        ],
    }


def _live_context(school: School, json_url: str) -> dict:
    payload = live_payload(school)
    cards = [
        {
            "slug": room["slug"],
            "name": room["name"],
            "reminder": room["reminder"],
            "cells": [
                {
                    "key": key,
                    "label": Quantity(key).label,
                    "unit": UNITS[key],
                    "value": room["values"][key],
                    "light": room["lights"][key],
                    "light_label": room["light_labels"][key],
                }
                for key in LIVE_QUANTITIES
            ],
        }
        for room in payload["rooms"]
    ]
    return {
        "cards": cards,
        "city": school.city,
        "current_city": school.city,
        "school": school,
        "payload": payload,
        "json_url": json_url,
        "quantities": [(key, Quantity(key).label, UNITS[key]) for key in LIVE_QUANTITIES],
        "guidance": guidance.guidance_items(),
    }


@never_cache
def dashboard(request, city, school):
    school_obj = access.get_school(city, school)
    if not access.can_view_school(request, school_obj):
        return _forbidden(request, school_obj)
    json_url = reverse("schools:live_json", kwargs={"city": city, "school": school})
    context = _live_context(school_obj, json_url)
    teacher = access.teacher_at(request.user, school_obj)
    if teacher is not None or request.user.is_superuser:
        context["wall_url"] = reverse(
            "schools:wall", kwargs={"city": city, "school": school, "key": school_obj.display_key}
        )
    return render(request, "schools/dashboard.html", context)


@never_cache
def live_json(request, city, school):
    school_obj = access.get_school(city, school)
    if not access.can_view_school(request, school_obj):
        return JsonResponse({"error": _("Nur für Mitglieder der Schule.")}, status=403)
    return JsonResponse(live_payload(school_obj))


@never_cache
def wall_display(request, city, school, key):
    school_obj = access.get_school(city, school)
    access.check_display_key(school_obj, key)
    json_url = reverse("schools:wall_json", kwargs={"city": city, "school": school, "key": key})
    context = _live_context(school_obj, json_url)
    context["room_slug"] = request.GET.get("raum", "")
    context["interval"] = _interval(request.GET.get("takt"))
    return render(request, "schools/wall.html", context)


@never_cache
def wall_json(request, city, school, key):
    school_obj = access.get_school(city, school)
    access.check_display_key(school_obj, key)
    return JsonResponse(live_payload(school_obj))


def _interval(text) -> int:
    """Refresh interval in seconds (``?takt=``), between 2 and 300; default 30."""
    try:
        return min(max(int(text), 2), 300)
    except (TypeError, ValueError):
        return REFRESH_SECONDS


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def room_history(request, city, school, room):
    school_obj = access.get_school(city, school)
    if not access.can_view_school(request, school_obj):
        return _forbidden(request, school_obj)
    room_obj = get_object_or_404(Room, building__school=school_obj, slug=room)
    errors = []
    day = _parse_day(request.GET.get("tag"))
    if request.GET.get("tag") and day is None:
        errors.append(_("Tag: bitte ein Datum wie 2026-11-23 angeben."))
    day = day or _today()
    week = request.GET.get("ansicht") == "woche"
    first = day - timedelta(days=day.weekday()) if week else day
    last = first + timedelta(days=6) if week else day
    start, _end = statistics.day_bounds(first)
    _start, end = statistics.day_bounds(last)
    lessons = statistics.lesson_statistics([room_obj], first, last)
    for row in lessons:
        row["light_label"] = guidance.LIGHT_LABELS.get(row["light"], "")
    occupied = [(row["start"].timestamp(), row["end"].timestamp()) for row in lessons]
    streams = statistics.streams_of([room_obj], "co2")
    events = []
    if room_obj.pk in streams:
        times, values = statistics.series(streams[room_obj.pk], start, end)
        events = ventilation.detect(times, values, occupied)
    bucket = 600 if week else 60
    sensor_streams = {
        sensor.quantity: sensor.datastream_id
        for sensor in room_obj.sensors.filter(quantity__in=["co2", "temperature", "humidity"])
    }
    buckets = statistics.bucketed(list(sensor_streams.values()), start, end, bucket)
    chart = {
        "series": {
            quantity: [
                [int(moment.timestamp() * 1000), None if value is None else round(value, 1)]
                for moment, value in buckets.get(stream, [])
            ]
            for quantity, stream in sensor_streams.items()
        },
        "lessons": [
            [int(row["start"].timestamp() * 1000), int(row["end"].timestamp() * 1000)]
            for row in lessons
        ],
        "labels": {
            "co2": _("CO₂ (ppm)"),
            "temperature": _("Temperatur (°C)"),
            "humidity": _("Luftfeuchte (%)"),
            "lesson": _("Unterricht"),
        },
        "limits": [guidance.CO2_GOOD, guidance.CO2_BAD],
        "start": int(start.timestamp() * 1000),
        "end": int(end.timestamp() * 1000),
    }
    # The table: 10-minute means for a day, hourly means for a week.
    table_streams = [sensor_streams[key] for key in ("co2", "temperature") if key in sensor_streams]
    table_buckets = statistics.bucketed(table_streams, start, end, 3600 if week else 600)
    temperature = dict(table_buckets.get(sensor_streams.get("temperature"), []))
    table = []
    for moment, value in table_buckets.get(sensor_streams.get("co2"), []):
        table.append(
            {
                "time": moment,
                "co2": value,
                "temperature": temperature.get(moment),
                "light": guidance.LIGHT_LABELS.get(guidance.co2_light(value), ""),
            }
        )
    return render(
        request,
        "schools/room.html",
        {
            "city": school_obj.city,
            "current_city": school_obj.city,
            "school": school_obj,
            "room": room_obj,
            "day": day,
            "week": week,
            "first": first,
            "last": last,
            "previous": first - timedelta(days=7 if week else 1),
            "next": first + timedelta(days=7 if week else 1),
            "lessons": lessons,
            "events": events,
            "chart": chart,
            "table": table,
            "errors": errors,
            "title_range": date_format(first, "l, j. F Y")
            if not week
            else f"{date_format(first, 'j. F')} – {date_format(last, 'j. F Y')}",
            "guidance": guidance.guidance_items()[:1],
        },
    )
