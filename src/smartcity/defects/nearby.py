"""Reports near a point: the duplicate hint ("Ist es eine dieser Meldungen?")."""

import math
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from smartcity.defects import prepared
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


_HINT_SQL: dict[str, str] = {}


def _hint_sql(connection) -> str:
    """One statement for the whole duplicate hint: the category (by city slug and code) and,
    left-joined, its open reports of the last 30 days inside the circle's bounding box. The
    box uses the index ``report_duplicate_check`` (category, status, latitude, longitude).
    Built once from the models' table and column names, so no ORM compilation per request;
    on PostgreSQL prepared once per connection (``defects.prepared``)."""
    sql = _HINT_SQL.get(connection.vendor)
    if sql is None:
        from smartcity.core.models import City

        quote = connection.ops.quote_name
        names = {"statuses": ", ".join(["%s"] * len(OPEN_STATUSES))}
        for prefix, model in (("r", Report), ("c", Category), ("ci", City)):
            names[f"{prefix}_table"] = quote(model._meta.db_table)
            for field in model._meta.concrete_fields:
                names[f"{prefix}_{field.name}"] = f"{prefix}.{quote(field.column)}"
        # Only quoted table and column names of our models go into the text; values are
        # parameters.
        sql = (  # noqa: S608
            "SELECT {c_id}, {c_name}, {r_id}, {r_status}, {r_description}, {r_latitude}, "
            "{r_longitude}, {r_supporter_count}, {r_created_at} "
            "FROM {c_table} c INNER JOIN {ci_table} ci ON {ci_id} = {c_city} "
            "LEFT OUTER JOIN {r_table} r ON {r_category} = {c_id} "
            "AND {r_status} IN ({statuses}) AND {r_created_at} >= %s "
            "AND {r_latitude} >= %s AND {r_latitude} <= %s "
            "AND {r_longitude} >= %s AND {r_longitude} <= %s "
            "WHERE {ci_slug} = %s AND {c_code} = %s AND {c_active} = %s ORDER BY {c_id}"
        ).format(**names)
        _HINT_SQL[connection.vendor] = sql
    return sql


def duplicate_hint(city_slug: str, code: str, latitude: float, longitude: float, now=None):
    """What the report form's duplicate hint shows, with one query: ``None`` when the city has
    no such active category, else the open reports of the same category within 50 m from the
    last 30 days, nearest first, as ``(category_name, rows)`` where each row is
    ``(id, status, description, distance_m, supporter_count, created_at)``. The same reports
    as :func:`duplicate_candidates`."""
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]  # looked up once, not on every attribute
    sql, params = hint_statement(connection, city_slug, code, latitude, longitude, now)
    return hint_result(prepared.fetchall(sql, params), latitude, longitude)


async def duplicate_hint_async(city_slug: str, code: str, latitude: float, longitude: float):
    """:func:`duplicate_hint` on the event loop, through ``core.lean_db`` (PostgreSQL): the
    same statement text, parameters and row handling. Raises ``lean_db.Unavailable`` when
    the async connection fails."""
    from django.conf import settings

    from smartcity.core import lean_db

    sql, params = hint_statement(lean_db.database(), city_slug, code, latitude, longitude)
    prepare = getattr(settings, "DEFECTS_PREPARED_STATEMENTS", True)  # as defects.prepared
    rows = await lean_db.fetchall(sql, params, prepare=prepare)
    return hint_result(rows, latitude, longitude)


def hint_statement(connection, city_slug, code, latitude, longitude, now=None):
    """The duplicate hint's statement and parameters for ``connection`` (a Django
    ``DatabaseWrapper``; only its vendor and operations are used)."""
    now = now or timezone.now()
    south, north, west, east = _bounding_box(latitude, longitude, DUPLICATE_RADIUS_M)
    params = [
        *OPEN_STATUSES,
        connection.ops.adapt_datetimefield_value(now - timedelta(days=DUPLICATE_DAYS)),
        south,
        north,
        west,
        east,
        city_slug,
        code,
        True,
    ]
    return _hint_sql(connection), params


def hint_result(rows, latitude: float, longitude: float):
    """The statement's rows as :func:`duplicate_hint` returns them."""
    if not rows:
        return None
    category_id, category_name = rows[0][0], rows[0][1]
    found = []
    for row in rows:
        if row[0] != category_id or row[2] is None:  # another category; no report joined
            continue
        distance = distance_m(latitude, longitude, row[5], row[6])
        if distance <= DUPLICATE_RADIUS_M:
            created = row[8]
            if isinstance(created, str):
                created = datetime.fromisoformat(created)
            if timezone.is_naive(created):  # SQLite: stored in UTC without an offset
                created = created.replace(tzinfo=UTC)
            found.append((row[2], row[3], row[4], distance, row[7], created))
    found.sort(key=lambda item: item[3])
    return category_name, found
