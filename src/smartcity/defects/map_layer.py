"""The public map layer of defect reports (no personal data, only reviewed photos)."""

import dataclasses

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartcity.core import registries
from smartcity.defects.models import CLOSED_STATUSES, OPEN_STATUSES, Report, Status

LAYER_NAME = "defects"
MAX_FEATURES = 5000


def public_reports(city, filters=None):
    reports = Report.objects.public().exclude(status=Status.REJECTED)
    if city is not None:
        reports = reports.filter(city=city)
    if filters is None:
        return reports.filter(status__in=OPEN_STATUSES)
    status = getattr(filters, "status", None)
    if status == "open" or not status:
        reports = reports.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        reports = reports.filter(status__in=CLOSED_STATUSES)
    elif status in Status.values:
        reports = reports.filter(status=status)
    else:
        reports = reports.none()
    if getattr(filters, "district", None):
        reports = reports.filter(district__slug=filters.district)
    if getattr(filters, "q", None):
        reports = reports.filter(
            Q(description__icontains=filters.q) | Q(category__name__icontains=filters.q)
        )
    if getattr(filters, "bbox", None):
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        reports = reports.filter(
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )
    return reports


def feature(report: Report) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [report.longitude, report.latitude]},
        "properties": {
            "id": f"defect-{report.pk}",
            "layer": LAYER_NAME,
            "title": f"{report.category.name} (#{report.pk})",
            "url": report.get_absolute_url(),
            "status": report.status,
            "status_label": str(report.get_status_display()),
            "category": report.category.code,
            "group": report.category.group,
            "created_at": report.created_at.isoformat(),
        },
    }


def features(city, filters=None) -> list[dict]:
    reports = public_reports(city, filters).order_by("-created_at")[:MAX_FEATURES]
    return [feature(report) for report in reports]


def _layer():
    wanted = {
        "name": LAYER_NAME,
        "label": _("Mängelmeldungen"),
        "features": features,
        "filters": frozenset({"status", "district", "q", "bbox"}),
        "order": 60,
        "visible_by_default": False,
        "colour": "#a35200",
        "statuses": frozenset({"open", "closed", *Status.values}),
    }
    # Pass only what this version of MapLayer knows (its definition is being extended).
    known = {field.name for field in dataclasses.fields(registries.MapLayer)}
    return registries.MapLayer(**{key: value for key, value in wanted.items() if key in known})


registries.map_layers.register(LAYER_NAME, _layer())
