"""The portfolio's layers of the map, registered in ``core.registries.map_layers``."""

import orjson
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from smartcity.core import search
from smartcity.core.registries import MapLayer, map_layers
from smartcity.portfolio.models import MapEntry, MapEntryKey, ProjectStatus
from smartcity.portfolio.services import mapfragments

PROJECT_FILTERS = frozenset({"action_field", "kind", "status", "district", "partner", "q", "bbox"})
PLACE_FILTERS = frozenset({"district", "partner", "q", "bbox"})


def values_of(filters, key: str) -> tuple[str, ...]:
    """The values asked for one filter (several are alternatives)."""
    return filters.any_of(key)


def _key_sets(city, filters) -> list[list[str]]:
    """The key alternatives an entry must have one of, for each key filter, most selective
    first; per-city keys when a city is asked (one join less)."""
    prefix = f"{city.slug}/" if city is not None else ""
    sets = [
        [f"{prefix}{name}:{slug}" for slug in values_of(filters, key)]
        for name, key in (("partner", "partner"), ("field", "action_field"))
    ]
    sets = [keys for keys in sets if keys]
    if city is not None and not sets:
        sets.append([f"city:{city.slug}"])
    return sets


def _in_bbox(bbox, prefix=""):
    min_lon, min_lat, max_lon, max_lat = bbox
    return {
        f"{prefix}min_lon__lte": max_lon,
        f"{prefix}max_lon__gte": min_lon,
        f"{prefix}min_lat__lte": max_lat,
        f"{prefix}max_lat__gte": min_lat,
    }


def _entry_filters(rows, filters):
    """Filters on the entry's own columns."""
    for key in ("kind", "status", "district"):
        values = values_of(filters, key)
        if values:
            rows = rows.filter(**{f"{key}__in": values})
    for term in search.query_terms(filters.q or ""):
        rows = rows.filter(search_text__contains=term)
    return rows


def matching(layer: str, city, filters):
    """The MapEntry rows of ``layer`` matching ``filters`` (indexed keys, plain columns)."""
    rows = MapEntry.objects.filter(layer=layer)
    key_sets = _key_sets(city, filters)
    for number, keys in enumerate(key_sets):
        found = MapEntryKey.objects.filter(key__in=keys)
        if number == 0 and filters.bbox:
            found = found.filter(**_in_bbox(filters.bbox))
        rows = rows.filter(pk__in=found.values("entry_id"))
    if filters.bbox and not key_sets:
        rows = rows.filter(**_in_bbox(filters.bbox))
    return _entry_filters(rows, filters)


def feature_texts(layer, city, filters):
    """The stored Features of ``layer`` (a name, or a list of names) matching ``filters``
    (text, one query); with a list, ``(layer, text)`` pairs.

    With a key filter (city, action field, partner) the first key and the map section are
    answered from the narrow key rows; each found entry's Feature is then read by its
    primary key (a correlated subquery, so the database cannot fall back to reading every
    entry). Entries of other layers or failing a column filter come back as ``None``.
    """
    names = [layer] if isinstance(layer, str) else list(layer)
    pairs = not isinstance(layer, str)
    key_sets = _key_sets(city, filters)
    if not key_sets:
        rows = MapEntry.objects.filter(layer__in=names)
        if filters.bbox:
            rows = rows.filter(**_in_bbox(filters.bbox))
        rows = _entry_filters(rows, filters).order_by()
        if pairs:
            return rows.values_list("layer", "feature")
        return rows.values_list("feature", flat=True)
    first, *others = key_sets
    entry = MapEntry.objects.filter(pk=OuterRef("entry_id"), layer__in=names)
    for keys in others:
        entry = entry.filter(pk__in=MapEntryKey.objects.filter(key__in=keys).values("entry_id"))
    entry = _entry_filters(entry, filters).order_by()
    found = MapEntryKey.objects.filter(key__in=first).order_by()
    if filters.bbox:
        found = found.filter(**_in_bbox(filters.bbox))
    found = found.annotate(feature_text=Subquery(entry.values("feature")[:1]))
    if len(first) > 1:  # an entry with two of the keys is found twice
        texts = (text for _pk, text in found.values_list("entry_id", "feature_text").distinct())
    else:
        texts = found.values_list("feature_text", flat=True)
    if pairs:
        # The layer is read from the stored Feature's id ("<layer>:<pk>", see
        # ``mapindex._entry_values``) rather than with a second lookup per row.
        return ((layer_of(text), text) for text in texts if text)
    return texts


FEATURE_ID_PREFIX = '{"type":"Feature","id":"'


def layer_of(text: str) -> str:
    """The layer of a stored Feature (its ``id`` is ``"<layer>:<pk>"``)."""
    if text.startswith(FEATURE_ID_PREFIX):
        return text[len(FEATURE_ID_PREFIX) : text.index(":", len(FEATURE_ID_PREFIX))]
    return orjson.loads(text)["properties"]["layer"]


def entries(layer: str, city, filters):
    """The stored Features of ``layer`` matching ``filters``, as JSON bytes (one query)."""
    return (text.encode() for text in feature_texts(layer, city, filters) if text)


def entries_json(layer: str, city, filters) -> list[bytes]:
    """The same Features as comma-joined pieces: the endpoint's fast path.

    Without filters (all, or one city) the pre-joined fragments are used: a few large values
    (kept in memory by digest, see ``mapfragments.parts``) instead of one row per Feature.
    """
    return entries_json_many([layer], city, filters)[layer]


def entries_json_many(layers, city, filters) -> dict[str, list[bytes]]:
    """``entries_json`` of several portfolio layers at once: one query for all of them
    (two when fragment bodies have to be read)."""
    layers = list(layers)
    if not filters.active():
        return mapfragments.parts_many(layers, city)
    found = {name: [] for name in layers}
    if not layers:
        return found
    if connection.vendor in JOIN_FUNCTIONS:
        with connection.cursor() as cursor:
            cursor.execute(*joined_sql(layers, city, filters))
            for name, text in cursor.fetchall():
                if text:
                    found[name].append(text.encode())
        return found
    for name, text in feature_texts(layers, city, filters):
        if text:
            found[name].append(text.encode())
    return found


# The database's aggregate joining the found Features with commas.
JOIN_FUNCTIONS = {"postgresql": "string_agg", "sqlite": "group_concat"}


def joined_sql(layers, city, filters) -> tuple[str, list]:
    """SQL and parameters answering ``feature_texts(layers, city, filters)`` with one row per
    layer, its Features already joined with commas by the database: no ORM query to build
    and no row per Feature to hand through Python (``entries_json_many``). The same plan as
    ``feature_texts``: the first key filter and the map section from the narrow key rows,
    then each found entry by primary key. ``test_map_joined`` checks it against that.
    """
    quote = connection.ops.quote_name
    entry_table = quote(MapEntry._meta.db_table)
    key_table = quote(MapEntryKey._meta.db_table)
    key_column = quote("key")
    params: list = []

    def listed(values) -> str:
        params.extend(values)
        return "(" + ", ".join(["%s"] * len(values)) + ")"

    def in_bbox(alias) -> str:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        params.extend([max_lon, min_lon, max_lat, min_lat])
        return (
            f"{alias}.min_lon <= %s AND {alias}.max_lon >= %s"
            f" AND {alias}.min_lat <= %s AND {alias}.max_lat >= %s"
        )

    key_sets = _key_sets(city, filters)
    if key_sets:
        first, *others = key_sets
        distinct = "DISTINCT " if len(first) > 1 else ""
        # Below: names and placeholders only in the SQL text; every value is a parameter.
        source = f"SELECT {distinct}k.entry_id FROM {key_table} k"  # noqa: S608
        source += f" WHERE k.{key_column} IN {listed(first)}"
        if filters.bbox:
            source += " AND " + in_bbox("k")
        from_clause = f"({source}) f JOIN {entry_table} e ON e.id = f.entry_id"
    else:
        from_clause = f"{entry_table} e"
    conditions = [f"e.layer IN {listed(list(layers))}"]
    if key_sets:
        for keys in others:
            conditions.append(
                f"e.id IN (SELECT entry_id FROM {key_table}"  # noqa: S608
                f" WHERE {key_column} IN {listed(keys)})"
            )
    elif filters.bbox:
        conditions.append(in_bbox("e"))
    for key in ("kind", "status", "district"):
        values = values_of(filters, key)
        if values:
            conditions.append(f"e.{key} IN {listed(values)}")
    searched, terms = search.sql_conditions("e.search_text", filters.q)
    conditions.extend(searched)
    params.extend(terms)
    join = JOIN_FUNCTIONS[connection.vendor]
    if key_sets and connection.vendor == "postgresql":
        # Each found entry read by its primary key, as ``feature_texts``' correlated subquery
        # does: with a plain join PostgreSQL's planner may choose a hash join over a
        # sequential scan of every entry (its costs for the two are close at ~500 found
        # entries; about twice the time). ``LIMIT 1`` (one row per primary key anyway) keeps
        # the lateral subquery from being flattened into that join.
        sql = (
            f"SELECT x.layer, {join}(x.feature, ',') FROM ({source}) f"  # noqa: S608
            f" CROSS JOIN LATERAL (SELECT e.layer, e.feature FROM {entry_table} e"
            f" WHERE e.id = f.entry_id AND {' AND '.join(conditions)} LIMIT 1) x"
            " GROUP BY x.layer"
        )
        return sql, params
    sql = (
        f"SELECT e.layer, {join}(e.feature, ',') FROM {from_clause}"  # noqa: S608
        f" WHERE {' AND '.join(conditions)} GROUP BY e.layer"
    )
    return sql, params


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
        multi_value=True,
    )


PROJECT_STATUSES = frozenset(ProjectStatus.values)


# The layers registered here, by name: the endpoint asks them together (``entries_json_many``).
OWN: dict[str, MapLayer] = {}


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
            OWN[layer.name] = layer
