"""The departments' queue and the page where staff work on one report."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcity.accounts.roles import Role
from smartcity.defects import services
from smartcity.defects.forms import MAX_BOXES, BlackOutForm, QueueFilterForm, StatusForm
from smartcity.defects.models import OPEN_STATUSES, Department, Photo, Report
from smartcity.defects.views.common import base_url, get_city, map_config, map_csp


def _staff_city(request, city, permission="defects.handle_reports"):
    city_obj = get_city(city)
    if not request.user.has_perm(permission, city_obj):
        raise PermissionDenied
    return city_obj


def _staff(city):
    return (
        get_user_model()
        .objects.filter(memberships__city=city, memberships__role=Role.DEPARTMENT)
        .distinct()
        .order_by("username")
    )


@login_required
@map_csp()
def queue(request, city):
    city_obj = _staff_city(request, city)
    departments = Department.objects.filter(city=city_obj)
    categories = services.active_categories(city_obj)
    wanted = request.GET
    if not wanted:  # first visit: the staff member's own department, if they have one here
        own = departments.filter(staff=request.user).order_by("name").first()
        wanted = {"department": own.pk} if own else None
    form = QueueFilterForm(wanted or None, departments=departments, categories=categories)
    reports = Report.objects.public().filter(city=city_obj).select_related("assignee")
    if form.is_valid():
        data = form.cleaned_data
        if data["department"]:
            reports = reports.filter(department=data["department"])
        if data["category"]:
            reports = reports.filter(category__code=data["category"])
        if data["mine"]:
            reports = reports.filter(assignee=request.user)
        status = data["status"]
        if status == "":
            reports = reports.filter(status__in=OPEN_STATUSES)
        elif status != "all":
            reports = reports.filter(status=status)
    else:
        reports = reports.filter(status__in=OPEN_STATUSES)
    page = Paginator(reports.order_by("created_at", "id"), 50).get_page(request.GET.get("page"))
    markers = [
        {
            "lat": report.latitude,
            "lon": report.longitude,
            "title": f"#{report.pk} {report.category.name}",
            "url": report.get_absolute_url() + "bearbeiten/",
        }
        for report in page
    ]
    return render(
        request,
        "defects/queue.html",
        {
            "city": city_obj,
            "form": form,
            "page": page,
            "map_config": map_config(city_obj, markers=markers),
        },
    )


@login_required
def work(request, city, pk):
    city_obj = _staff_city(request, city)
    report = get_object_or_404(Report.objects.public(), city=city_obj, pk=pk)
    initial = {
        "status": report.status,
        "assignee": report.assignee_id,
        "expected_at": timezone.localtime(report.expected_at).date()
        if report.expected_at
        else None,
        "duplicate_of": report.duplicate_of_id,
        "department": report.department_id,
    }
    form = StatusForm(request.POST or None, initial=initial, staff=_staff(city_obj), city=city_obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expected = data["expected_at"]
        try:
            services.change_status(
                report,
                request.user,
                status=data["status"],
                public_note=data["public_note"],
                internal_note=data["internal_note"],
                expected_at=timezone.make_aware(datetime.combine(expected, time(12)))
                if expected
                else None,
                assignee=data["assignee"],
                duplicate_of=data["duplicate_of"],
                department=data["department"],
                base_url=base_url(request),
            )
        except services.ReportInvalid as invalid:
            for field, texts in invalid.errors.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, _("Die Meldung wurde aktualisiert."))
            return redirect("defects:work", city=city_obj.slug, pk=report.pk)
    return render(
        request,
        "defects/work.html",
        {
            "city": city_obj,
            "report": report,
            "form": form,
            "events": report.events.select_related("actor"),
            "photos": report.photos.all(),
            "can_review": request.user.has_perm("defects.review_photos", city_obj),
            "black_out_form": BlackOutForm(auto_id="blackout-%s"),
            "black_out_max": MAX_BOXES,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def review_photo(request, city, pk, photo):
    city_obj = _staff_city(request, city, "defects.review_photos")
    photo_obj = get_object_or_404(Photo, pk=photo, report__pk=pk, report__city=city_obj)
    action = request.POST.get("action")
    boxes = None
    if action == "black_out":
        form = BlackOutForm(request.POST, auto_id="blackout-%s")
        if not form.is_valid():
            errors = [str(text) for texts in form.errors.values() for text in texts]
            messages.error(request, _("Schwärzen nicht möglich: %s") % " ".join(errors))
            return redirect("defects:work", city=city_obj.slug, pk=pk)
        boxes = form.boxes
    services.review_photo(
        photo_obj, request.user, approve=action in ("approve", "black_out"), boxes=boxes
    )
    messages.success(request, _("Das Foto wurde geprüft."))
    return redirect("defects:work", city=city_obj.slug, pk=pk)
