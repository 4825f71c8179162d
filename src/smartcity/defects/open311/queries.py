"""``GET requests``: the spec's filters and the German deployments' extensions."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from smartcity.defects.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    CategoryAttribute,
    Report,
    Status,
)
from smartcity.defects.open311.formats import Open311Error

DEFAULT_WINDOW = timedelta(days=90)
DEFAULT_LIMIT = 1000
MAX_PAGE_SIZE = 1000
MAX_RADIUS_M = 20_000
MAX_IDS = 200
METRES_PER_DEGREE = 111_320


class Plan:
    """The filters of one ``GET requests``, recorded as (method, field lookup, value) steps.

    ``queryset()`` applies them to the city's reports. The steps' *shape* (which filters,
    how many values in each list) also names a compiled statement that ``sqlcache`` keeps,
    so a repeated kind of question skips Django's query building and compiling. Filters
    that are not plain lookups (text search, the radius) make a plan uncacheable."""

    def __init__(self, city):
        self.steps: list[tuple[str, str, object]] = [("filter", "city_id", city.pk)]
        self.custom: list = []

    def filter(self, **lookups):
        self.steps.extend(("filter", name, value) for name, value in lookups.items())

    def exclude(self, **lookups):
        self.steps.extend(("exclude", name, value) for name, value in lookups.items())

    def apply(self, function):
        """A step the cache cannot replay (its values are not plain lookup arguments)."""
        self.custom.append(function)

    @property
    def cacheable(self) -> bool:
        return not self.custom

    def shape(self) -> tuple:
        return tuple(
            (method, name, len(value) if isinstance(value, list | tuple) else type(value))
            for method, name, value in self.steps
        )

    def values(self) -> list:
        return [value for _method, _name, value in self.steps]

    def queryset(self, values=None):
        reports = Report.objects.all()
        for (method, name, _value), value in zip(self.steps, values or self.values(), strict=True):
            reports = getattr(reports, method)(**{name: value})
        for function in self.custom:
            reports = function(reports)
        return reports.order_by("-created_at", "-id")


@dataclass
class RequestQuery:
    plan: Plan
    page: int
    page_size: int
    extensions: bool

    @property
    def queryset(self):
        return self.plan.queryset()


def parse_datetime(name: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError as error:
        raise Open311Error(
            400, f"{name}: expected an ISO 8601 date, e.g. 2026-01-31T00:00:00Z"
        ) from error
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _int(params, name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError as error:
        raise Open311Error(400, f"{name}: expected a whole number") from error
    if not low <= value <= high:
        raise Open311Error(400, f"{name}: must be between {low} and {high}")
    return value


def _float(params, name: str) -> float:
    try:
        value = float(params.get(name, ""))
    except ValueError as error:
        raise Open311Error(400, f"{name}: expected a number") from error
    if math.isnan(value) or math.isinf(value):
        raise Open311Error(400, f"{name}: expected a number")
    return value


def _list(params, name: str) -> list[str]:
    return [item.strip() for item in (params.get(name) or "").split(",") if item.strip()]


def base_queryset(city):
    """Every report of the city, newest first (the columns are chosen by ``shapes``)."""
    return Report.objects.filter(city=city).order_by("-created_at", "-id")


def service_rows(city) -> list[dict]:
    """The city's active categories for ``GET services``, in one query."""
    questions = CategoryAttribute.objects.filter(category=OuterRef("pk"), variable=True)
    return list(
        Category.objects.filter(city=city, active=True)
        .annotate(has_metadata=Exists(questions))
        .order_by("group", "ordering", "name")
        .values("code", "name", "description", "keywords", "group", "has_metadata")
    )


def parse(city, params) -> RequestQuery:
    plan = Plan(city)
    ids = _list(params, "service_request_id")
    if ids:
        if len(ids) > MAX_IDS or not all(item.isdigit() for item in ids):
            raise Open311Error(400, "service_request_id: expected up to 200 comma-separated ids")
        # The spec: a list of ids overrides every other filter.
        plan.filter(pk__in=[int(i) for i in ids])
        return RequestQuery(plan, 1, MAX_IDS, _extensions(params))

    if not (params.get("updated_after") or params.get("updated_before")):
        # Rejected reports are not public defects: lists leave them out, as the web list and
        # the map do. Synchronising clients (updated_after/before) and requests by id still
        # see them, as closed with status_notes saying they were rejected (see shapes).
        plan.exclude(status=Status.REJECTED)
    codes = _list(params, "service_code")
    if codes:
        plan.filter(category__code__in=codes)
    statuses = _list(params, "status")
    if statuses:
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, "status: expected open, closed or both (comma-separated)")
        if statuses == ["open"]:
            plan.filter(status__in=tuple(OPEN_STATUSES))
        elif statuses == ["closed"]:
            plan.filter(status__in=tuple(CLOSED_STATUSES))

    start = parse_datetime("start_date", params["start_date"]) if params.get("start_date") else None
    end = parse_datetime("end_date", params["end_date"]) if params.get("end_date") else None
    after = (
        parse_datetime("updated_after", params["updated_after"])
        if params.get("updated_after")
        else None
    )
    before = (
        parse_datetime("updated_before", params["updated_before"])
        if params.get("updated_before")
        else None
    )
    if start and end:
        if end < start:
            raise Open311Error(400, "end_date: must not be before start_date")
        if end - start > DEFAULT_WINDOW:
            raise Open311Error(400, "start_date/end_date: the range may not span more than 90 days")
    elif start:
        end = start + DEFAULT_WINDOW
    elif end:
        start = end - DEFAULT_WINDOW
    elif after is None and before is None:
        # The spec's default window: the most recent 90 days. Synchronising clients use
        # updated_after instead and get every change since then.
        start = timezone.now() - DEFAULT_WINDOW
    if start:
        plan.filter(created_at__gte=start)
    if end:
        plan.filter(created_at__lte=end)
    if after:
        plan.filter(updated_at__gt=after)
    if before:
        plan.filter(updated_at__lt=before)

    if params.get("bbox"):
        parts = _list(params, "bbox")
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError as error:
            raise Open311Error(400, "bbox: expected min_long,min_lat,max_long,max_lat") from error
        if west > east or south > north:
            raise Open311Error(400, "bbox: expected min_long,min_lat,max_long,max_lat")
        plan.filter(
            longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north
        )
    if params.get("lat") or params.get("long"):
        radius = _radius(params)
        plan.apply(lambda reports: _within_radius(reports, *radius))
    if params.get("q"):
        text = params["q"].strip()[:200]
        search = (
            Q(description__icontains=text)
            | Q(category__name__icontains=text)
            | Q(address__icontains=text)
        )
        plan.apply(lambda reports: reports.filter(search))
    page = _int(params, "page", 1, 1, 100_000)
    page_size = _int(params, "page_size", DEFAULT_LIMIT, 1, MAX_PAGE_SIZE)
    return RequestQuery(plan, page, page_size, _extensions(params))


def _radius(params) -> tuple[float, float, float]:
    latitude, longitude = _float(params, "lat"), _float(params, "long")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Open311Error(400, "lat/long: outside the valid range")
    radius = _float(params, "radius") if params.get("radius") else 1000.0
    if not 0 < radius <= MAX_RADIUS_M:
        raise Open311Error(400, f"radius: metres between 1 and {MAX_RADIUS_M}")
    return latitude, longitude, radius


def _within_radius(reports, latitude: float, longitude: float, radius: float):
    dlat = radius / METRES_PER_DEGREE
    scale = math.cos(math.radians(latitude))
    dlon = radius / (METRES_PER_DEGREE * max(scale, 0.01))
    # A box the indexes can use, then the circle (equirectangular; exact enough for ≤ 20 km).
    boxed = reports.filter(
        latitude__gte=latitude - dlat,
        latitude__lte=latitude + dlat,
        longitude__gte=longitude - dlon,
        longitude__lte=longitude + dlon,
    )
    north = (F("latitude") - latitude) * METRES_PER_DEGREE
    east = (F("longitude") - longitude) * (METRES_PER_DEGREE * scale)
    return boxed.alias(distance_sq=north * north + east * east).filter(
        distance_sq__lte=radius * radius
    )


def _extensions(params) -> bool:
    return (params.get("extensions") or "").lower() in ("true", "1", "yes")
