"""The portfolio's layers of the map, registered in ``core.registries.map_layers``."""

from django.db import connection
from django.db.models import Aggregate, BinaryField
from django.utils.translation import gettext_lazy as _

from smartcity.core import search
from smartcity.core.registries import MapLayer, map_layers
from smartcity.portfolio.models import MapEntry, ProjectStatus

PROJECT_FILTERS = frozenset({"action_field", "kind", "status", "district", "partner", "q", "bbox"})
PLACE_FILTERS = frozenset({"district", "partner", "q", "bbox"})


class JoinedFeatures(Aggregate):
    """SQLite: the column's values joined with commas, as UTF-8 bytes (one row, one value)."""

    function = "GROUP_CONCAT"
    template = "CAST(%(function)s(%(expressions)s, ',') AS BLOB)"
    output_field = BinaryField()


def matching(layer: str, city, filters):
    """The MapEntry rows of ``layer`` matching ``filters`` (indexed keys, plain columns)."""
    rows = MapEntry.objects.filter(layer=layer)
    # Joins on the key index, the most selective first: the database starts from it.
    for key in (
        f"partner:{filters.partner}" if filters.partner else None,
        f"field:{filters.action_field}" if filters.action_field else None,
        f"city:{city.slug}" if city is not None else None,
    ):
        if key:
            rows = rows.filter(keys__key=key)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.district:
        rows = rows.filter(district=filters.district)
    for term in search.query_terms(filters.q or ""):
        rows = rows.filter(search_text__contains=term)
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        rows = rows.filter(
            min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
        )
    return rows


def entries(layer: str, city, filters):
    """The stored Features of ``layer`` matching ``filters``, as JSON bytes (one query)."""
    rows = matching(layer, city, filters).values_list("feature", flat=True)
    return (feature.encode() for feature in rows)


def entries_json(layer: str, city, filters) -> bytes:
    """The same Features joined with commas: the endpoint's fast path.

    SQLite joins them itself (one value, no per-row work in Python); PostgreSQL hands rows
    over faster than one large aggregated text value, so there they are joined here.
    """
    rows = matching(layer, city, filters).order_by()
    if connection.vendor != "sqlite":
        return b",".join(feature.encode() for feature in rows.values_list("feature", flat=True))
    joined = rows.aggregate(joined=JoinedFeatures("feature"))["joined"]
    return bytes(joined) if joined else b""


def _layer(name, label, filters, order, colour, statuses=frozenset()):
    return MapLayer(
        name=name,
        label=label,
        features=lambda city, map_filters: entries(name, city, map_filters),
        features_json=lambda city, map_filters: entries_json(name, city, map_filters),
        filters=filters,
        order=order,
        colour=colour,
        statuses=statuses,
    )


PROJECT_STATUSES = frozenset(ProjectStatus.values)


def register() -> None:
    for layer in (
        _layer("projects", _("Projekte"), PROJECT_FILTERS, 10, "#00568f", PROJECT_STATUSES),
        _layer(
            "pilots",
            _("Pilotprojekte von Partnern"),
            PROJECT_FILTERS,
            20,
            "#1d5e20",
            PROJECT_STATUSES,
        ),
        _layer("competence-centres", _("Kompetenzzentren"), PLACE_FILTERS, 30, "#5c2d91"),
        _layer("research-institutions", _("Forschungseinrichtungen"), PLACE_FILTERS, 40, "#7a4b00"),
        _layer(
            "neighbourhood-facilities",
            _("Smart-City-Orte im Quartier"),
            PLACE_FILTERS,
            50,
            "#a3195b",
        ),
    ):
        if layer.name not in map_layers:
            map_layers.register(layer.name, layer)
