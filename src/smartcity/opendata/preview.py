"""Previews of uploaded files: CSV/XLSX as a paged table with column types, GeoJSON for the
map, and time series (a date column plus numbers) for a chart.

Only files we store are previewed; linked files live on other hosts, which pages never call.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from math import ceil

import orjson

MAX_ROWS = 10_000
MAX_FEATURES = 5_000
MAX_BYTES = 20 * 1024 * 1024
TYPE_SAMPLE = 1_000
PAGE_SIZE = 25
INTEGER = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})*|\d+)(,\d+)?$|^[+-]?\d*\.\d+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{2}\.\d{2}\.\d{4}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
TYPE_LABELS = {
    "integer": "Ganzzahl",
    "decimal": "Dezimalzahl",
    "date": "Datum",
    "datetime": "Zeitpunkt",
    "boolean": "Wahrheitswert",
    "text": "Text",
}


class PreviewUnavailable(Exception):
    pass


def kind_of(distribution) -> str | None:
    """Which preview a distribution gets: "table", "map" or None."""
    if not distribution.file:
        return None
    if distribution.format in ("CSV", "XLSX"):
        return "table"
    if distribution.format == "GEOJSON":
        return "map"
    return None


def _value_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "decimal"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    text = str(value).strip()
    if INTEGER.match(text):
        return "integer"
    if DECIMAL.match(text):
        return "decimal"
    if DATETIME.match(text):
        return "datetime"
    if DATE.match(text):
        return "date"
    if text.lower() in ("true", "false", "ja", "nein", "wahr", "falsch"):
        return "boolean"
    return "text"


def column_types(rows: list[list]) -> list[str]:
    width = max((len(row) for row in rows), default=0)
    types = []
    for index in range(width):
        seen = set()
        for row in rows[:TYPE_SAMPLE]:
            if index < len(row) and row[index] not in (None, ""):
                seen.add(_value_type(row[index]))
        if not seen:
            types.append("text")
        elif seen <= {"integer"}:
            types.append("integer")
        elif seen <= {"integer", "decimal"}:
            types.append("decimal")
        elif seen <= {"date", "datetime"}:
            types.append("datetime" if "datetime" in seen else "date")
        elif len(seen) == 1:
            types.append(seen.pop())
        else:
            types.append("text")
    return types


def _read_bytes(distribution) -> bytes:
    with distribution.file.open("rb") as handle:
        return handle.read(MAX_BYTES)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_table(distribution) -> tuple[list[str], list[list], bool]:
    """(header, rows, truncated) of a CSV or the first sheet of an XLSX."""
    if distribution.format == "XLSX":
        from openpyxl import load_workbook

        with distribution.file.open("rb") as handle:
            workbook = load_workbook(io.BytesIO(handle.read()), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header = [str(cell) if cell is not None else "" for cell in next(rows_iter, ())]
        rows, truncated = [], False
        for row in rows_iter:
            if len(rows) >= MAX_ROWS:
                truncated = True
                break
            rows.append(list(row))
        workbook.close()
        return header, rows, truncated
    text = _decode(_read_bytes(distribution))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, [])
    rows, truncated = [], False
    for row in reader:
        if len(rows) >= MAX_ROWS:
            truncated = True
            break
        rows.append(row)
    return header, rows, truncated


def _json_cell(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _number(value) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value or "").strip()
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def table_preview(distribution, page: int = 1, page_size: int = PAGE_SIZE) -> dict:
    try:
        header, rows, truncated = read_table(distribution)
    except Exception as error:  # a broken file gets a message, not a 500
        raise PreviewUnavailable(str(error)) from error
    types = column_types(rows)
    width = max(len(header), len(types))
    header = header + [f"Spalte {index + 1}" for index in range(len(header), width)]
    types = types + ["text"] * (width - len(types))
    pages = max(1, ceil(len(rows) / page_size))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * page_size : page * page_size]
    result = {
        "kind": "table",
        "columns": [
            {"name": name, "type": kind, "label": TYPE_LABELS[kind]}
            for name, kind in zip(header, types, strict=False)
        ],
        "rows": [[_json_cell(cell) for cell in row] for row in shown],
        "page": page,
        "pages": pages,
        "total": len(rows),
        "truncated": truncated,
    }
    series = time_series(header, types, rows)
    if series:
        result["series"] = series
    return result


def time_series(header: list[str], types: list[str], rows: list[list]) -> dict | None:
    """A chart when the first column is a date/time and at least one other is numeric."""
    if not types or types[0] not in ("date", "datetime"):
        return None
    numeric = [
        index for index, kind in enumerate(types) if index and kind in ("integer", "decimal")
    ]
    if not numeric or len(rows) < 2:
        return None
    return {
        "labels": [_json_cell(row[0]) for row in rows],
        "datasets": [
            {
                "label": header[index],
                "data": [_number(row[index]) if index < len(row) else None for row in rows],
            }
            for index in numeric[:5]
        ],
    }


def geojson_preview(distribution) -> dict:
    try:
        document = orjson.loads(_read_bytes(distribution))
    except orjson.JSONDecodeError as error:
        raise PreviewUnavailable(str(error)) from error
    features = document.get("features", [document]) if isinstance(document, dict) else []
    truncated = len(features) > MAX_FEATURES
    features = features[:MAX_FEATURES]
    items = []
    for index, feature in enumerate(features):
        properties = (feature or {}).get("properties") or {}
        label = next(
            (
                str(properties[key])
                for key in ("name", "title", "bezeichnung", "titel")
                if properties.get(key)
            ),
            f"Objekt {index + 1}",
        )
        items.append(label)
    return {
        "kind": "map",
        "geojson": {"type": "FeatureCollection", "features": features},
        "labels": items,
        "total": len(items),
        "truncated": truncated,
    }
