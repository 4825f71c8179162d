"""The defect reporter's open-data publication: anonymised report statistics."""

from __future__ import annotations

import csv
import io
from collections import Counter

from smartcity.core.registries import Publication, publications

# Cells with fewer reports than this are merged into "andere", so no single report (and no
# reporter) can be singled out from the statistics.
MIN_CELL = 3


def defect_statistics_csv(city) -> tuple[str, bytes]:
    """Reports per month, category and status: counts only, small cells merged."""
    from smartcity.defects.models import Report

    rows = Report.objects.filter(city=city).values_list(
        "created_at", "category__name", "status", "district__name"
    )
    counts: Counter = Counter()
    for created_at, category, status, district in rows:
        counts[(created_at.strftime("%Y-%m"), category or "", status, district or "")] += 1
    merged: Counter = Counter()
    for (month, category, status, district), count in counts.items():
        if count < MIN_CELL:
            merged[(month, "andere", status, "")] += count
        else:
            merged[(month, category, status, district)] += count
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["monat", "kategorie", "status", "stadtbezirk", "meldungen"])
    for key in sorted(merged):
        writer.writerow([*key, merged[key]])
    return "maengelmeldungen-statistik.csv", out.getvalue().encode()


def register() -> None:
    publications.register(
        "defects.statistics.csv",
        Publication(
            "defects.statistics.csv",
            {
                "dataset": "maengelmeldungen-statistik",
                "title": "Mängelmeldungen {city} – Statistik",
                "notes": "Anzahl der Mängelmeldungen in {city} nach Monat, Kategorie, "
                "Status und Stadtbezirk. Anonymisiert: nur Anzahlen, Zellen mit weniger "
                f"als {MIN_CELL} Meldungen sind unter „andere“ zusammengefasst.",
                "tags": ["Mängelmelder", "Statistik", "Stadtverwaltung"],
                "themes": ["GOVE", "REGI"],
                "frequency": "DAILY",
                "distribution": "Statistik (CSV)",
            },
            defect_statistics_csv,
        ),
    )
