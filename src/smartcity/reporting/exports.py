"""CSV and XLSX of all entries of a period (drafts included: this is the editors' export)."""

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

from smartcity.reporting.models import ProjectEntry

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADER = [
    "Kennung",
    "Projekt",
    "Prüfstand",
    "Fortschritt (%)",
    "Ampel",
    "Begründung",
    "Budget geplant (EUR)",
    "Budget ausgegeben (EUR)",
    "Meilensteine",
    "Verzug (Tage)",
    "Neue Maßnahmen",
    "Sachstand",
]


def rows(period):
    entries = (
        ProjectEntry.objects.filter(period=period)
        .select_related("project")
        .prefetch_related("budget_lines", "milestones")
        .order_by("project__code", "project__title")
    )
    for entry in entries:
        lines = list(entry.budget_lines.all())
        milestones = list(entry.milestones.all())
        yield [
            entry.project.code,
            entry.project.title,
            entry.get_state_display(),
            entry.progress,
            entry.get_traffic_light_display(),
            entry.traffic_light_reason,
            float(sum(line.planned_eur for line in lines)),
            float(sum(line.spent_eur for line in lines)),
            len(milestones),
            sum(status.slippage_days(period.cut_off_date) for status in milestones),
            "; ".join(entry.new_measure_list),
            entry.narrative,
        ]


def response(period, fmt: str) -> HttpResponse:
    filename = f"sachstand-{period.city.slug}-{period.slug}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows(period))
        content = "\ufeff" + buffer.getvalue()  # BOM: spreadsheet programs detect UTF-8
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Einträge"
        sheet.append(HEADER)
        for row in rows(period):
            sheet.append(row)
        stream = io.BytesIO()
        workbook.save(stream)
        content = stream.getvalue()
    result = HttpResponse(content, content_type=FORMATS[fmt])
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result
