"""Export of a city's ideas, comments and ratings for the city team (CSV, XLSX)."""

import csv
import io

from openpyxl import Workbook

from smartcity.participation.models import Comment, Idea, Rating

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    # Spreadsheet formula injection: text starting like a formula is prefixed.
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def rows(city, kind: str) -> tuple[list[str], list[list]]:
    if kind == "ideen":
        header = [
            "id",
            "titel",
            "status",
            "handlungsfeld",
            "unterstuetzungen",
            "eingereicht",
            "projekt",
            "antwort",
        ]
        data = [
            [
                i.pk,
                i.title,
                i.status,
                i.action_field.name if i.action_field else "",
                i.supports_count,
                i.created_at.isoformat(),
                i.project_id or "",
                i.public_answer,
            ]
            for i in Idea.objects.filter(city=city).select_related("action_field")
        ]
    elif kind == "kommentare":
        header = [
            "id",
            "objekt",
            "objekt_id",
            "antwort_auf",
            "status",
            "offiziell",
            "geloescht",
            "meldungen",
            "erstellt",
            "text",
        ]
        data = [
            [
                c.pk,
                c.content_type.model,
                c.object_id,
                c.parent_id or "",
                c.status,
                c.is_official,
                c.is_deleted,
                c.report_count,
                c.created_at.isoformat(),
                c.body,
            ]
            for c in Comment.objects.filter(city=city).select_related("content_type")
        ]
    elif kind == "bewertungen":
        header = ["projekt_id", "projekt", "sterne", "erstellt"]
        data = [
            [r.project_id, r.project.title, r.stars, r.created_at.isoformat()]
            for r in Rating.objects.filter(project__cities=city).select_related("project")
        ]
    else:
        raise KeyError(kind)
    return header, [[_safe(value) for value in row] for row in data]


def as_csv(header, data) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(data)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(header, data) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
