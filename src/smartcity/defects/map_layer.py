"""The public map layer of defect reports (no personal data, only reviewed photos)."""

import dataclasses

import orjson
from django.db.models import Q
from django.urls import reverse
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


FEATURE_COLUMNS = (
    "id",
    "latitude",
    "longitude",
    "status",
    "created_at",
    "city__slug",
    "category__code",
    "category__name",
    "category__group",
)
_PK_MARK = 987654321


class _Urls:
    """A report's page URL without a ``reverse()`` per row (one per city)."""

    def __init__(self):
        self.templates: dict[str, tuple[str, str]] = {}

    def __call__(self, city_slug: str, pk: int) -> str:
        if city_slug not in self.templates:
            url = reverse("defects:detail", kwargs={"city": city_slug, "pk": _PK_MARK})
            self.templates[city_slug] = tuple(url.split(str(_PK_MARK), 1))
        head, tail = self.templates[city_slug]
        return f"{head}{pk}{tail}"


def _features(rows) -> list[dict]:
    labels = {value: str(label) for value, label in Status.choices}
    url = _Urls()
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": {
                "id": f"defect-{row['id']}",
                "layer": LAYER_NAME,
                "title": f"{row['category__name']} (#{row['id']})",
                "url": url(row["city__slug"], row["id"]),
                "status": row["status"],
                "status_label": labels[row["status"]],
                "category": row["category__code"],
                "group": row["category__group"],
                "created_at": row["created_at"].isoformat(),
            },
        }
        for row in rows
    ]


def _rows(city, filters):
    """One query, plain rows: no model objects for up to 5000 points."""
    reports = public_reports(city, filters).order_by("-created_at")[:MAX_FEATURES]
    return reports.values(*FEATURE_COLUMNS)


def features(city, filters=None) -> list[dict]:
    return _features(_rows(city, filters))


def features_json(city, filters=None) -> bytes:
    """The same Features serialised and joined with commas (the map endpoint's fast path)."""
    found = _features(_rows(city, filters))
    return orjson.dumps(found)[1:-1] if found else b""


def _layer():
    wanted = {
        "name": LAYER_NAME,
        "label": _("Mängelmeldungen"),
        "features": features,
        "features_json": features_json,
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
