"""Public pages: report form, confirmation, list, report page, statistics."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from smartcity.defects import limits, services, statistics
from smartcity.defects.forms import ReportForm
from smartcity.defects.models import CLOSED_STATUSES, OPEN_STATUSES, Event, Photo, Report, Status
from smartcity.defects.views.common import base_url, get_city, map_config, map_csp

PUBLIC_EVENTS = [Event.Kind.CREATED, Event.Kind.STATUS, Event.Kind.NOTE, Event.Kind.MERGED]
PAGE_SIZE = 25


def _reviewed_photos():
    return Prefetch(
        "photos", queryset=Photo.objects.filter(review=Photo.Review.APPROVED), to_attr="reviewed"
    )


@map_csp()
def report_list(request, city):
    city_obj = get_city(city)
    reports = Report.objects.public().filter(city=city_obj).exclude(status=Status.REJECTED)
    state = request.GET.get("status", "open")
    if state == "open":
        reports = reports.filter(status__in=OPEN_STATUSES)
    elif state == "closed":
        reports = reports.filter(status__in=CLOSED_STATUSES)
    category = request.GET.get("category")
    if category:
        reports = reports.filter(category__code=category)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    markers = [
        {
            "lat": report.latitude,
            "lon": report.longitude,
            "title": f"#{report.pk} {report.category.name} – {report.get_status_display()}",
            "url": report.get_absolute_url(),
        }
        for report in page
    ]
    return render(
        request,
        "defects/list.html",
        {
            "city": city_obj,
            "page": page,
            "state": state,
            "category": category,
            "categories": services.active_categories(city_obj),
            "map_config": map_config(city_obj, markers=markers),
        },
    )


@map_csp()
def report_new(request, city):
    city_obj = get_city(city)
    categories = list(services.active_categories(city_obj))
    form = ReportForm(request.POST or None, request.FILES or None, categories=categories)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            limits.hit("web_address", limits.client_address(request))
        except limits.Limited as limited:
            retry_after = limited.retry_after
            form.add_error(None, rate_limit_message(retry_after))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.create_report(
                city_obj,
                category=data["category"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                description=data["description"],
                email=data["email"],
                address=data["address"],
                photos=data["photos"],
                attributes=form.attributes_for(data["category"]),
                user=request.user,
                source=Report.Source.WEB,
                base_url=base_url(request),
            )
        except services.ReportInvalid as invalid:
            form.add_service_errors(invalid.errors, data["category"])
        else:
            return redirect("defects:thanks", city=city_obj.slug, token=report.token)
    response = render(
        request,
        "defects/form.html",
        {
            "city": city_obj,
            "form": form,
            "map_config": map_config(
                city_obj,
                pick=True,
                duplicates_url=reverse("api-v1:defects_duplicates", kwargs={"city": city_obj.slug}),
                addresses_url=reverse("api-v1:defects_addresses", kwargs={"city": city_obj.slug}),
            ),
        },
        status=429 if retry_after else 400 if form.errors else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def rate_limit_message(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return ngettext(
        "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Meldungen. Bitte senden Sie "
        "Ihre Meldung in %(minutes)d Minute noch einmal.",
        "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Meldungen. Bitte senden Sie "
        "Ihre Meldung in %(minutes)d Minuten noch einmal.",
        minutes,
    ) % {"minutes": minutes}


def support_limit_message(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return ngettext(
        "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Unterstützungen. Bitte versuchen "
        "Sie es in %(minutes)d Minute noch einmal.",
        "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Unterstützungen. Bitte versuchen "
        "Sie es in %(minutes)d Minuten noch einmal.",
        minutes,
    ) % {"minutes": minutes}


def report_thanks(request, city, token):
    city_obj = get_city(city)
    report = get_object_or_404(Report, city=city_obj, token=token)
    return render(request, "defects/thanks.html", {"city": city_obj, "report": report})


def report_detail(request, city, pk):
    return _detail(request, get_city(city), pk)


def _detail(request, city_obj, pk, status=200):
    report = get_object_or_404(
        Report.objects.public().prefetch_related(_reviewed_photos()), city=city_obj, pk=pk
    )
    events = report.events.filter(kind__in=PUBLIC_EVENTS)
    return render(
        request,
        "defects/detail.html",
        {
            "city": city_obj,
            "report": report,
            "events": events,
            "can_handle": request.user.has_perm("defects.handle_reports", city_obj),
        },
        status=status,
    )


@require_POST
def report_support(request, city, pk):
    city_obj = get_city(city)
    report = get_object_or_404(Report, city=city_obj, pk=pk)
    address = limits.client_address(request)
    try:
        limits.hit("support_address", address)
    except limits.Limited as limited:
        messages.error(request, support_limit_message(limited.retry_after))
        response = _detail(request, city_obj, pk, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    if not request.session.session_key:
        request.session.save()
    try:
        created = services.support_report(
            report, user=request.user, session_key=request.session.session_key, address=address
        )
    except services.ReportInvalid as invalid:
        messages.error(request, " ".join(sum(invalid.errors.values(), [])))
    else:
        if created:
            messages.success(request, _("Danke! Sie unterstützen diese Meldung."))
        else:
            messages.info(request, _("Sie unterstützen diese Meldung bereits."))
    return redirect(report)


def report_statistics(request, city):
    city_obj = get_city(city)
    return render(
        request,
        "defects/statistics.html",
        {
            "city": city_obj,
            "counts": statistics.counts(city_obj),
            "levels": statistics.service_levels(city_obj),
        },
    )
