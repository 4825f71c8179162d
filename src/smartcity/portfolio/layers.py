"""The portfolio's layers of the map, registered in ``core.registries.map_layers``."""

from django.db.models import Aggregate, BinaryField
from django.utils.translation import gettext_lazy as _

from smartcity.core.registries import MapLayer, map_layers
from smartcity.portfolio import search
from smartcity.portfolio.models import MapEntry, ProjectStatus

PROJECT_FILTERS = frozenset({"action_field", "kind", "status", "district", "partner", "q", "bbox"})
PLACE_FILTERS = frozenset({"district", "partner", "q", "bbox"})


class JoinedFeatures(Aggregate):
    """The column's values joined with commas by the database, as UTF-8 bytes: one row,
    one value, no per-row work in Python."""

    function = "GROUP_CONCAT"
    template = "CAST(%(function)s(%(expressions)s, ',') AS BLOB)"
    output_field = BinaryField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="CONVERT_TO(%(function)s(%(expressions)s, ','), 'UTF8')",
            **extra_context,
        )


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
    """The same Features joined by the database into one string (the endpoint's fast path)."""
    rows = matching(layer, city, filters).order_by()
    joined = rows.aggregate(joined=JoinedFeatures("feature"))["joined"]
    if not joined:
        return b""
    return joined.encode() if isinstance(joined, str) else bytes(joined)


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
