"""The pupils' workbench: join with a class code, choose rooms and a period, chart, compare,
statistics, scatter with correlation, CSV/XLSX download of exactly the selection, tasks.

Pupils are kept in the session (``access.PUPIL_SESSION_KEY``), not as platform accounts.
Teachers are platform users with the teacher role and a link to their school.
"""

import csv
import io
from datetime import timedelta

import numpy as np
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from smartcity.core import ratelimit
from smartcity.schools import access, calendar, services, statistics
from smartcity.schools.forms import (
    AnswerForm,
    ClassForm,
    JoinForm,
    NewPasswordForm,
    PupilLoginForm,
    SelectionForm,
    TaskForm,
)
from smartcity.schools.models import UNITS, Answer, Pupil, Quantity, SchoolClass, Task

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAIR_TABLE_ROWS = 300
# Class codes and pupils' passwords are short, so failed attempts are capped: unknown class
# codes per network address (generous: a whole class shares one school address) and wrong
# passwords per pupil name in a class.
FAILED_LIMITS = {"code": 30, "login": 10}
FAILED_WINDOW = 15 * 60


def _failures_key(kind: str, subject: str) -> str:
    return f"schools:failures:{kind}:{subject}"


def _locked_out(kind: str, subject: str) -> bool:
    return cache.get(_failures_key(kind, subject), 0) >= FAILED_LIMITS[kind]


def _count_failure(kind: str, subject: str) -> None:
    ratelimit.increment(_failures_key(kind, subject), FAILED_WINDOW)


def _pupil_subject(form) -> str:
    code = form.data.get(form.add_prefix("code"), "").strip().upper()
    nickname = form.data.get(form.add_prefix("nickname"), "").strip().lower()
    return f"{code}/{nickname}"


def _lockout_message() -> str:
    return _(
        "Zu viele Fehlversuche. Bitte warte eine Viertelstunde und versuch es dann noch einmal."
    )


def _workspace(request, city_obj):
    """(school, pupil, teacher schools) of the visitor; school None when they have none."""
    pupil = access.current_pupil(request)
    if pupil is not None and pupil.school_class.school.city_id == city_obj.pk:
        return pupil.school_class.school, pupil, []
    schools = list(access.teacher_schools(request.user, city_obj).order_by("name"))
    if not schools:
        return None, None, []
    chosen = request.GET.get("schule")
    school = next((item for item in schools if item.slug == chosen), schools[0])
    return school, None, schools


def _selection(form) -> dict:
    """Series, statistics and scatter pairs of a valid selection."""
    data = form.cleaned_data
    rooms = list(data["rooms"])
    start, _ignored = statistics.day_bounds(data["start"])
    _ignored, end = statistics.day_bounds(data["end"])
    seconds = data["resolution"]
    quantities = [data["quantity"]] + ([data["second"]] if data.get("second") else [])
    streams = {
        quantity: statistics.streams_of(rooms, quantity) for quantity in dict.fromkeys(quantities)
    }
    ids = [stream for mapping in streams.values() for stream in mapping.values()]
    buckets = statistics.bucketed(ids, start, end, seconds)
    series = {}
    for quantity, mapping in streams.items():
        series[quantity] = {room.pk: buckets.get(mapping.get(room.pk), []) for room in rooms}
    main = series[data["quantity"]]
    stats = []
    for room in rooms:
        row = statistics.describe([value for _moment, value in main[room.pk]], data["limit"])
        row["room"] = room
        stats.append(row)
    scatter = None
    if data.get("second") and data["second"] != data["quantity"]:
        pairs_by_room = {}
        for room in rooms:
            other = dict(series[data["second"]][room.pk])
            pairs_by_room[room.pk] = [
                (moment, value, other[moment]) for moment, value in main[room.pk] if moment in other
            ]
        all_pairs = [(x, y) for rows in pairs_by_room.values() for _moment, x, y in rows]
        scatter = {
            "r": statistics.correlation(all_pairs),
            "per_room": [
                {
                    "room": room,
                    "r": statistics.correlation([(x, y) for _m, x, y in pairs_by_room[room.pk]]),
                    "count": len(pairs_by_room[room.pk]),
                }
                for room in rooms
            ],
            "pairs": pairs_by_room,
            "count": len(all_pairs),
        }
    return {
        "rooms": rooms,
        "series": series,
        "stats": stats,
        "scatter": scatter,
        "quantities": quantities,
        "days": day_comparison(rooms, main, data),
    }


MAX_COMPARED_DAYS = 62


def day_comparison(rooms, series, data) -> list[dict]:
    """Per day of the selection and room: mean and share above the limit (numpy slices of the
    already aggregated series, one slice per day, no loop over readings)."""
    days = (data["end"] - data["start"]).days + 1
    if days < 2 or days > MAX_COMPARED_DAYS:
        return []
    arrays = {}
    for room in rooms:
        points = series[room.pk]
        times = np.array([moment.timestamp() for moment, _value in points], dtype=float)
        values = np.array([np.nan if v is None else v for _m, v in points], dtype=float)
        arrays[room.pk] = (times, values)
    rows = []
    for offset in range(days):
        day = data["start"] + timedelta(days=offset)
        low, high = (moment.timestamp() for moment in statistics.day_bounds(day))
        cells = []
        for room in rooms:
            times, values = arrays[room.pk]
            part = values[np.searchsorted(times, low) : np.searchsorted(times, high)]
            part = part[~np.isnan(part)]
            cells.append(
                {
                    "room": room,
                    "mean": float(part.mean()) if part.size else None,
                    "share_above": float((part > data["limit"]).mean()) if part.size else None,
                }
            )
        rows.append({"day": day, "cells": cells})
    return rows


def _chart_data(result, data) -> dict:
    quantity = data["quantity"]
    start, _ignored = statistics.day_bounds(data["start"])
    _ignored, end = statistics.day_bounds(data["end"])
    chart = {
        "start": int(start.timestamp() * 1000),
        "end": int(end.timestamp() * 1000),
        "unit": UNITS[quantity],
        "label": str(Quantity(quantity).label),
        "limit": data["limit"],
        "limit_label": _("Grenzwert"),
        "lines": [
            {
                "label": room.name,
                "points": [
                    [int(moment.timestamp() * 1000), None if value is None else round(value, 2)]
                    for moment, value in result["series"][quantity][room.pk]
                ],
            }
            for room in result["rooms"]
        ],
    }
    if result["scatter"]:
        second = data["second"]
        chart["scatter"] = {
            "x_label": f"{Quantity(quantity).label} ({UNITS[quantity]})",
            "y_label": f"{Quantity(second).label} ({UNITS[second]})",
            "sets": [
                {
                    "label": room.name,
                    "points": [
                        [round(x, 2), round(y, 2)]
                        for _m, x, y in result["scatter"]["pairs"][room.pk]
                        if x is not None and y is not None
                    ],
                }
                for room in result["rooms"]
            ],
        }
    return chart


def _landing(request, city_obj):
    return render(
        request,
        "schools/workbench_start.html",
        {
            "city": city_obj,
            "join_form": JoinForm(prefix="beitritt"),
            "login_form": PupilLoginForm(prefix="login"),
        },
    )


@never_cache
def home(request, city):
    city_obj = access.get_city(city)
    school, pupil, teacher_schools = _workspace(request, city_obj)
    if school is None:
        return _landing(request, city_obj)
    form = SelectionForm(request.GET or None, school=school)
    result = chart = None
    if form.is_bound and form.is_valid():
        result = _selection(form)
        chart = _chart_data(result, form.cleaned_data)
    tasks = []
    if pupil is not None:
        answered = set(Answer.objects.filter(pupil=pupil).values_list("task_id", flat=True))
        tasks = [
            {"task": task, "answered": task.pk in answered}
            for task in pupil.school_class.tasks.all()
        ]
    query = request.GET.urlencode()
    return render(
        request,
        "schools/workbench.html",
        {
            "city": city_obj,
            "school": school,
            "pupil": pupil,
            "teacher_schools": teacher_schools,
            "form": form,
            "result": result,
            "chart": chart,
            "tasks": tasks,
            "query": query,
            "pair_rows": PAIR_TABLE_ROWS,
        },
    )


def join(request, city):
    city_obj = access.get_city(city)
    form = JoinForm(request.POST or None, prefix="beitritt")
    address = ratelimit.client_address(request) or ""
    if request.method == "POST" and _locked_out("code", address):
        form.is_valid()
        form.add_error("code", _lockout_message())
    elif request.method == "POST" and form.is_valid():
        try:
            pupil = services.join_class(**form.cleaned_data)
        except services.JoinError as error:
            if error.unknown_code:
                _count_failure("code", address)
            form.add_error(error.field, error.message)
        else:
            access.log_in_pupil(request, pupil)
            messages.success(
                request,
                _("Willkommen in der Klasse %(name)s! Du kannst jetzt loslegen.")
                % {"name": pupil.school_class.name},
            )
            return redirect("schools:workbench", city=city_obj.slug)
    return render(
        request,
        "schools/workbench_start.html",
        {"city": city_obj, "join_form": form, "login_form": PupilLoginForm(prefix="login")},
        status=400 if form.is_bound else 200,
    )


def login(request, city):
    city_obj = access.get_city(city)
    form = PupilLoginForm(request.POST or None, prefix="login")
    subject = _pupil_subject(form)
    if request.method == "POST" and _locked_out("login", subject):
        form.is_valid()
        form.add_error("password", _lockout_message())
    elif request.method == "POST" and form.is_valid():
        pupil = services.authenticate_pupil(**form.cleaned_data)
        if pupil is None:
            _count_failure("login", subject)
            form.add_error(
                "password",
                _("Klassencode, Spitzname oder Passwort stimmen nicht. Versuch es noch einmal."),
            )
        elif pupil.must_change_password:
            # Logged in with the teacher's one-time password: first a password of their own.
            request.session.cycle_key()
            request.session.pop(access.PUPIL_SESSION_KEY, None)
            request.session[access.PUPIL_PENDING_KEY] = pupil.pk
            return redirect("schools:pupil_password", city=city_obj.slug)
        else:
            access.log_in_pupil(request, pupil)
            return redirect("schools:workbench", city=city_obj.slug)
    return render(
        request,
        "schools/workbench_start.html",
        {"city": city_obj, "join_form": JoinForm(prefix="beitritt"), "login_form": form},
        status=400 if form.is_bound else 200,
    )


@never_cache
def pupil_password(request, city):
    """After a login with a one-time password: the pupil chooses a password of their own."""
    city_obj = access.get_city(city)
    pupil = access.pending_pupil(request)
    if pupil is None or pupil.school_class.school.city_id != city_obj.pk:
        return redirect("schools:pupil_login", city=city_obj.slug)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_pupil_password(pupil, form.cleaned_data["password"])
        access.log_in_pupil(request, pupil)
        messages.success(request, _("Dein neues Passwort ist gespeichert."))
        return redirect("schools:workbench", city=city_obj.slug)
    return render(
        request,
        "schools/pupil_password.html",
        {"city": city_obj, "pupil": pupil, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
def logout(request, city):
    for key in (access.PUPIL_SESSION_KEY, access.PUPIL_AUTH_KEY, access.PUPIL_PENDING_KEY):
        request.session.pop(key, None)
    return redirect("schools:workbench", city=city)


@never_cache
def export(request, city, fmt):
    city_obj = access.get_city(city)
    school, _pupil, _schools = _workspace(request, city_obj)
    if school is None:
        return redirect("schools:workbench", city=city)
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(_("Format: nur csv oder xlsx."), status=404)
    form = SelectionForm(request.GET, school=school)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    result = _selection(form)
    header, rows = export_rows(result, form.cleaned_data)
    name = f"werkbank-{form.cleaned_data['start']:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_xlsx(header, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def export_rows(result, data):
    """Header and rows: room, time (local), the chosen quantity (and the second one)."""
    quantities = result["quantities"]
    header = [_("Raum"), _("Zeit")] + [
        f"{Quantity(quantity).label} ({UNITS[quantity]})" for quantity in dict.fromkeys(quantities)
    ]
    rows = []
    for room in result["rooms"]:
        others = [dict(result["series"][q][room.pk]) for q in list(dict.fromkeys(quantities))[1:]]
        for moment, value in result["series"][quantities[0]][room.pk]:
            local = moment.astimezone(calendar.LOCAL).replace(tzinfo=None)
            rows.append(
                [room.name, local.isoformat(sep=" "), _round(value)]
                + [_round(other.get(moment)) for other in others]
            )
    return header, rows


def _round(value):
    return None if value is None else round(value, 3)


def _xlsx(header, rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(pgettext("selected data", "Auswahl"))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@never_cache
def teacher(request, city):
    city_obj = access.get_city(city)
    schools = list(access.teacher_schools(request.user, city_obj).order_by("name"))
    if not schools:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        return render(request, "schools/teacher_none.html", {"city": city_obj}, status=403)
    chosen = request.GET.get("schule") or request.POST.get("schule")
    school = next((item for item in schools if item.slug == chosen), schools[0])
    classes = SchoolClass.objects.filter(school=school).order_by("name")
    class_form = ClassForm(prefix="klasse")
    task_form = TaskForm(prefix="aufgabe", classes=classes)
    new_password = None  # shown once, right after a reset; never stored in clear
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "class":
            class_form = ClassForm(request.POST, prefix="klasse")
            if class_form.is_valid():
                school_class = class_form.save(commit=False)
                school_class.school = school
                school_class.teacher = access.teacher_at(request.user, school)
                school_class.save()
                messages.success(
                    request,
                    _("Klasse %(name)s angelegt. Klassencode: %(code)s")
                    % {"name": school_class.name, "code": school_class.code},
                )
                return redirect(f"{request.path}?schule={school.slug}")
        elif action == "task":
            task_form = TaskForm(request.POST, prefix="aufgabe", classes=classes)
            if task_form.is_valid():
                task_form.save()
                messages.success(request, _("Aufgabe gestellt."))
                return redirect(f"{request.path}?schule={school.slug}")
        elif action == "reset_password":
            pupil = get_object_or_404(
                Pupil.objects.select_related("school_class"),
                pk=request.POST.get("pupil"),
                school_class__in=classes,
            )
            own = access.teacher_at(request.user, school)
            # Only the class's own teacher: colleagues at the school do not reset passwords.
            if own is None or pupil.school_class.teacher_id != own.pk:
                raise PermissionDenied
            new_password = {"pupil": pupil, "password": services.reset_pupil_password(pupil)}
            cache.delete(
                _failures_key("login", f"{pupil.school_class.code}/{pupil.nickname.lower()}")
            )
        elif action in ("close", "open", "delete"):
            school_class = get_object_or_404(classes, pk=request.POST.get("klasse"))
            with transaction.atomic():
                if action == "delete":
                    school_class.delete()
                    messages.success(request, _("Klasse gelöscht, mit allen Spitznamen."))
                else:
                    school_class.is_open = action == "open"
                    school_class.save(update_fields=["is_open"])
            return redirect(f"{request.path}?schule={school.slug}")
    own_teacher = access.teacher_at(request.user, school)
    tasks = (
        Task.objects.filter(school_class__in=classes)
        .select_related("school_class")
        .prefetch_related("answers__pupil")
    )
    return render(
        request,
        "schools/teacher.html",
        {
            "city": city_obj,
            "school": school,
            "schools": schools,
            "classes": classes.prefetch_related("pupils"),
            "class_form": class_form,
            "task_form": task_form,
            "tasks": tasks,
            "own_class_ids": {
                item.pk for item in classes if own_teacher and item.teacher_id == own_teacher.pk
            },
            "new_password": new_password,
        },
        status=400 if (class_form.errors or task_form.errors) else 200,
    )


def task(request, city, task):
    city_obj = access.get_city(city)
    pupil = access.current_pupil(request)
    if pupil is None:
        return redirect("schools:pupil_login", city=city_obj.slug)
    task_obj = get_object_or_404(Task, pk=task, school_class=pupil.school_class)
    answer = Answer.objects.filter(task=task_obj, pupil=pupil).first()
    form = AnswerForm(request.POST or None, initial={"text": answer.text if answer else ""})
    if request.method == "POST" and form.is_valid():
        Answer.objects.update_or_create(
            task=task_obj, pupil=pupil, defaults={"text": form.cleaned_data["text"]}
        )
        messages.success(request, _("Deine Antwort ist gespeichert."))
        return redirect("schools:workbench", city=city_obj.slug)
    return render(
        request,
        "schools/task.html",
        {"city": city_obj, "task": task_obj, "form": form, "pupil": pupil},
    )
