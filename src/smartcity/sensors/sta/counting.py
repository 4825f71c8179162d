"""``$count``: exact when that is cheap, otherwise the planner's estimate, flagged as such.

``SENSORS_COUNT_MODE``: ``exact`` (always count), ``auto`` (default: on PostgreSQL ask the
planner first and count exactly only below ``SENSORS_COUNT_EXACT_LIMIT`` rows), ``estimate``
(planner estimate whenever the database has one). An estimate is marked with
``"@iot.countEstimated": true`` next to ``@iot.count``.
"""

import json

from django.conf import settings
from django.db import connection


def planner_estimate(queryset) -> int | None:
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count(queryset, mode: str | None = None) -> dict:
    mode = mode or getattr(settings, "SENSORS_COUNT_MODE", "auto")
    if mode != "exact":
        estimate = planner_estimate(queryset)
        limit = getattr(settings, "SENSORS_COUNT_EXACT_LIMIT", 1_000_000)
        if estimate is not None and (mode == "estimate" or estimate > limit):
            return {"@iot.count": estimate, "@iot.countEstimated": True}
    return {"@iot.count": queryset.count()}
