"""Reports near a point: the duplicate hint ("Ist es eine dieser Meldungen?")."""

import math
from datetime import timedelta

from django.utils import timezone

from smartcity.defects.models import OPEN_STATUSES, Category, Report

DUPLICATE_RADIUS_M = 50
DUPLICATE_DAYS = 30
METRES_PER_DEGREE = 111_320
# What the duplicate hint shows of a candidate (the form asks on every tap: read little).
CANDIDATE_FIELDS = (
    "id",
    "city_id",
    "category_id",
    "status",
    "description",
    "latitude",
    "longitude",
    "supporter_count",
    "created_at",
)


def _bounding_box(latitude: float, longitude: float, radius_m: float):
    dlat = radius_m / METRES_PER_DEGREE
    dlon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def within_radius(queryset, latitude: float, longitude: float, radius_m: float):
    """Reports in a circle: an indexable bounding box in SQL, then exact distance here."""
    south, north, west, east = _bounding_box(latitude, longitude, radius_m)
    boxed = queryset.filter(
        latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
    )
    found = []
    for report in boxed:
        distance = distance_m(latitude, longitude, report.latitude, report.longitude)
        if distance <= radius_m:
            report.distance = distance
            found.append(report)
    return sorted(found, key=lambda report: report.distance)


def duplicate_candidates(category: Category, latitude: float, longitude: float, now=None):
    """Open reports of the same category within 50 m from the last 30 days, nearest first."""
    now = now or timezone.now()
    queryset = Report.objects.filter(
        category=category,
        status__in=OPEN_STATUSES,
        created_at__gte=now - timedelta(days=DUPLICATE_DAYS),
    ).only(*CANDIDATE_FIELDS)
    queryset = queryset.order_by()  # sorted by distance below
    found = within_radius(queryset, latitude, longitude, DUPLICATE_RADIUS_M)
    for report in found:  # the same category and city for all: no join, no query per row
        report.category = category
        report.city = category.city
    return found
