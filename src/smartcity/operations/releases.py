"""Upgrades tested from the previous release's schema with data in it.

``releases.json`` records, for the previous release, the newest migration of each of the
platform's apps. :func:`check_upgrade` builds that schema on an empty database, puts rows into
every table (values made from each field's type, through the historical models of that
state, so no current code is needed), migrates to the newest migrations and checks that every
row is still there with the same values in every column that still exists.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor

RELEASES = Path(__file__).with_name("releases.json")
OWN_PREFIX = "smartcity."
ROWS_PER_MODEL = 2


def release(name: str = "previous") -> dict:
    return json.loads(RELEASES.read_text(encoding="utf-8"))[name]


def own_apps() -> set[str]:
    from django.apps import apps

    return {config.label for config in apps.get_app_configs() if config.name.startswith(OWN_PREFIX)}


def release_targets(loader, migrations: dict[str, str]) -> list[tuple[str, str | None]]:
    """Migration targets for the release: its state for our apps, ``None`` (not there yet)
    for our apps it did not have, the newest state for third-party apps."""
    ours = own_apps()
    targets = []
    for label in sorted(loader.migrated_apps):
        if label in migrations:
            targets.append((label, migrations[label]))
        elif label in ours:
            targets.append((label, None))
        else:
            targets.extend(key for key in loader.graph.leaf_nodes() if key[0] == label)
    return targets


POINT = {"type": "Point", "coordinates": [7.4653, 51.5136]}
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[7.46, 51.51], [7.47, 51.51], [7.47, 51.52], [7.46, 51.52], [7.46, 51.51]]],
}
# JSON fields whose content other code reads as GeoJSON or as a list, by field name.
JSON_BY_NAME = {
    "location": POINT,
    "geometry": POINT,
    "feature": POINT,
    "observed_area": SQUARE,
    "boundary": SQUARE,
    "scopes": ["admin"],
}


class Values:
    """A value for a field from its type: distinct per row, later date fields later."""

    def __init__(self):
        self.base = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
        self.numbers = 0  # added to whole numbers: a retry with 10 meets "at least 5" rules

    def make(self, model_field, row: int, position: int):
        if model_field.choices:
            return model_field.flatchoices[min(row, len(model_field.flatchoices)) - 1][0]
        kind = model_field.get_internal_type()
        when = self.base + dt.timedelta(hours=position, minutes=row)
        text = f"Wert {row}"
        if isinstance(model_field, models.EmailField):
            return f"person{row}@example.org"
        if isinstance(model_field, models.URLField):
            return f"https://example.org/{row}"
        if kind in ("CharField", "SlugField", "TextField"):
            value = f"wert-{row}" if kind == "SlugField" else text
            return value[: model_field.max_length] if model_field.max_length else value
        if kind in ("IntegerField", "BigIntegerField", "SmallIntegerField") or kind.startswith(
            "Positive"
        ):
            return row + self.numbers
        if kind == "FloatField":
            return row + 0.5
        if kind == "DecimalField":
            return Decimal(row)
        if kind == "BooleanField":
            return row % 2 == 0
        if kind == "DateTimeField":
            return when
        if kind == "DateField":
            return when.date()
        if kind == "TimeField":
            return dt.time(8 + position % 12, row)
        if kind == "DurationField":
            return dt.timedelta(minutes=15 * row)
        if kind == "UUIDField":
            return uuid.UUID(int=row + position * 1000)
        if kind == "GenericIPAddressField":
            return f"192.0.2.{row}"
        if kind == "BinaryField":
            return b"bytes"
        if kind == "JSONField":
            return JSON_BY_NAME.get(model_field.name, {"wert": row})
        if kind in ("FileField", "ImageField"):
            return f"upgrade/{row}.txt"
        if model_field.has_default():
            return model_field.get_default()
        return None if model_field.null else text


@dataclass
class Filled:
    rows: dict[str, int] = field(default_factory=dict)  # db_table → rows made
    failed: dict[str, str] = field(default_factory=dict)  # model label → error


def fill(historical_apps) -> Filled:
    """Two rows in every table of the historical state (relations point at rows made before)."""
    values = Values()
    result = Filled()
    made: dict[str, list] = {}
    pending = [
        model
        for model in historical_apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    while pending:
        progress = False
        for model in list(pending):
            relations = [
                f for f in model._meta.concrete_fields if f.is_relation and f.related_model
            ]
            needed = [
                f.related_model._meta.label
                for f in relations
                if not f.null and f.related_model is not model
            ]
            if any(label not in made for label in needed):
                continue
            pending.remove(model)
            progress = True
            label = model._meta.label
            created, error = _make_rows(model, values, made)
            if error:
                result.failed[label] = error
                continue
            made[label] = created
            result.rows[model._meta.db_table] = len(created)
        if not progress:
            for model in pending:
                result.failed[model._meta.label] = "a required relation has no rows"
            break
    return result


# Tried in turn until the database's check constraints accept the rows: whole numbers from 1
# or from 11; optional relations all set, all empty or only the first set ("either a hold or
# a booking").
ATTEMPTS = [(numbers, optional) for optional in ("all", "none", "first") for numbers in (0, 10)]


def _make_rows(model, values: Values, made: dict) -> tuple[list, str]:
    error = ""
    for numbers, optional_relations in ATTEMPTS:
        values.numbers = numbers
        try:
            with transaction.atomic():
                rows = [
                    _make(model, row, values, made, optional_relations)
                    for row in range(1, ROWS_PER_MODEL + 1)
                ]
        except (DatabaseError, IntegrityError, ValueError, TypeError) as failure:
            error = f"{type(failure).__name__}: {failure}"[:300]
            continue
        return rows, ""
    return [], error


def _make(model, row: int, values: Values, made: dict, optional_relations: str = "all"):
    kwargs = {}
    optional_set = 0
    for position, model_field in enumerate(model._meta.concrete_fields):
        if (
            isinstance(model_field, models.AutoField)
            or model_field.primary_key
            and (model_field.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField"))
        ):
            continue
        if model_field.is_relation:
            targets = made.get(model_field.related_model._meta.label)
            wanted = not model_field.null or optional_relations == "all"
            if model_field.null and optional_relations == "first" and not optional_set:
                wanted, optional_set = True, 1
            if targets and wanted:
                kwargs[model_field.attname] = targets[(row - 1) % len(targets)].pk
            elif not model_field.null:
                raise ValueError(f"{model_field.name}: no related rows")
            continue
        kwargs[model_field.attname] = values.make(model_field, row, position)
    return model.objects.create(**kwargs)


def snapshot(tables) -> dict[str, dict]:
    """Columns and rows of ``tables`` as text, sorted, for comparison across migrations."""
    found = {}
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in tables:
            if table not in existing:
                continue
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted([_text(value) for value in row] for row in cursor.fetchall())
            found[table] = {"columns": columns, "rows": rows}
    return found


def _text(value) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    return str(value)


def compare(before: dict, after: dict, changed_columns=()) -> list[str]:
    """What was lost: tables gone, or rows whose values in the columns that still exist are
    no longer all there (new rows and new columns are fine)."""
    problems = []
    for table, old in before.items():
        new = after.get(table)
        if new is None:
            problems.append(f"{table}: the table is gone")
            continue
        common = [
            column
            for column in old["columns"]
            if column in new["columns"] and f"{table}.{column}" not in changed_columns
        ]
        remaining = [tuple(row[new["columns"].index(c)] for c in common) for row in new["rows"]]
        for row in old["rows"]:
            values = tuple(row[old["columns"].index(c)] for c in common)
            if values in remaining:
                remaining.remove(values)
            else:
                problems.append(f"{table}: row {dict(zip(common, values, strict=True))} is gone")
    return problems


@dataclass
class UpgradeCheck:
    release: str
    filled: Filled
    problems: list[str]
    tables: int


def check_upgrade(name: str = "previous") -> UpgradeCheck:
    """On an empty database: previous release's schema, rows everywhere, migrate, compare."""
    from django.core.management import call_command

    if connection.introspection.table_names():
        raise RuntimeError("the database is not empty: use a new, empty database")
    spec = release(name)
    executor = MigrationExecutor(connection)
    targets = release_targets(executor.loader, spec["migrations"])
    executor.migrate(targets)
    executor.loader.build_graph()
    nodes = [target for target in targets if target[1] is not None]
    historical = executor.loader.project_state(nodes, at_end=True).apps
    filled = fill(historical)
    ours = own_apps()
    derived = set(spec.get("derived_tables", []))
    compared = [
        model._meta.db_table
        for model in historical.get_models(include_auto_created=True)
        if model._meta.app_label in ours
        and model._meta.db_table in filled.rows
        and model._meta.db_table not in derived
    ]
    before = snapshot(compared)
    call_command("migrate", interactive=False, verbosity=0)
    after = snapshot(compared)
    problems = compare(before, after, set(spec.get("changed_columns", [])))
    return UpgradeCheck(spec["commit"], filled, problems, len(before))
