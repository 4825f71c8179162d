"""Compiled statements for ``GET requests``, one per shape of question.

Most list requests differ only in their values (another box, another date window), but Django
builds and compiles the query anew each time: on a page of 100 that was about half of the
server's CPU time per request. Here the query of a :class:`queries.Plan` is built and compiled
once per *shape* (which filters, how many values in each list, page offset and size) with
stand-in values ("markers"); where each marker lands among the statement's parameters is
noted, and later requests of the same shape fill in their own values and run the statement
directly (on PostgreSQL as a statement prepared once per connection, ``defects.prepared``).
Rows are converted with the same converters Django's ``values()`` would use, so the
answer is the same row for row (tested against the ORM path).

A shape whose markers do not all come out unchanged as parameters (a lookup that transforms
its value) is never cached: such plans always take the ORM path.
"""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection

from smartcity.defects import prepared

MAX_ENTRIES = 256
_cache: dict[tuple, object] = {}
_lock = threading.Lock()
_UNCACHEABLE = object()
_EPOCH = datetime(1901, 1, 1, tzinfo=UTC)


def _flatten(values) -> list:
    flat = []
    for value in values:
        if isinstance(value, list | tuple):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


def _markers(values) -> list:
    """Distinct stand-ins of the same kinds as ``values`` (a list gets one per item)."""
    counter = itertools.count(1)

    def one(value):
        number = next(counter)
        if isinstance(value, bool):
            raise TypeError("no marker for booleans")
        if isinstance(value, int):
            return 1_900_000_000 + number
        if isinstance(value, float):
            return 1_900_000.25 + number
        if isinstance(value, datetime):
            return _EPOCH + timedelta(seconds=number)
        if isinstance(value, str):
            return f"~marker-{number}~"
        raise TypeError(f"no marker for {type(value).__name__}")

    return [
        tuple(one(item) for item in value) if isinstance(value, list | tuple) else one(value)
        for value in values
    ]


def _adapt(value):
    """A value as the ORM passes it to the database driver (datetimes are the one kind the
    backends change: SQLite stores them as text in UTC)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _compile(plan, build):
    try:
        markers = _markers(plan.values())
    except TypeError:
        return _UNCACHEABLE
    queryset = build(markers)
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _UNCACHEABLE
    where = {_adapt(marker): index for index, marker in enumerate(_flatten(markers))}
    slots, seen = [], set()
    for param in params:
        index = where.get(param) if isinstance(param, int | float | str | datetime) else None
        if index is None:
            slots.append((False, param))  # a constant of the shape (e.g. a photo review state)
        else:
            slots.append((True, index))
            seen.add(index)
    if len(seen) != len(where):
        return _UNCACHEABLE  # a value was transformed on its way: do not guess
    query = queryset.query
    if getattr(query, "selected", None):
        names = list(query.selected)
    else:
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    converters = compiler.get_converters(fields)
    return sql, slots, names, list(converters.items())


def fetch(plan, key, build) -> list[dict] | None:
    """The rows of ``build(plan.values())`` (a ``values()`` queryset, sliced), or ``None`` when
    this plan cannot use a compiled statement (the caller then runs the queryset)."""
    if not plan.cacheable:
        return None
    cache_key = (connection.alias, connection.vendor, plan.shape(), key)
    entry = _cache.get(cache_key)
    if entry is None:
        entry = _compile(plan, build)
        with _lock:
            if len(_cache) >= MAX_ENTRIES:
                _cache.clear()
            _cache[cache_key] = entry
    if entry is _UNCACHEABLE:
        return None
    sql, slots, names, converters = entry
    values = [_adapt(value) for value in _flatten(plan.values())]
    params = [values[slot] if is_value else slot for is_value, slot in slots]
    rows = prepared.fetchall(sql, params)
    if converters:
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(row)
        rows = converted
    return [dict(zip(names, row, strict=True)) for row in rows]


def clear() -> None:
    with _lock:
        _cache.clear()
