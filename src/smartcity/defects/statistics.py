"""Figures for the public statistics page and the back office's service levels."""

from collections import Counter
from statistics import median

from smartcity.core.models import City
from smartcity.defects.models import OPEN_STATUSES, Report


def counts(city: City) -> dict:
    """Open and closed reports per category and per district."""
    by_category: Counter = Counter()
    by_district: Counter = Counter()
    rows = Report.objects.filter(city=city).values_list(
        "category__group", "category__name", "district__name", "status"
    )
    for group, name, district, status in rows:
        state = "open" if status in OPEN_STATUSES else "closed"
        by_category[(group, name, state)] += 1
        by_district[(district or "", state)] += 1
    categories = sorted({(group, name) for group, name, _state in by_category})
    districts = sorted({district for district, _state in by_district})
    return {
        "categories": [
            {
                "group": group,
                "name": name,
                "open": by_category[(group, name, "open")],
                "closed": by_category[(group, name, "closed")],
            }
            for group, name in categories
        ],
        "districts": [
            {
                "name": district,
                "open": by_district[(district, "open")],
                "closed": by_district[(district, "closed")],
            }
            for district in districts
        ],
    }


def service_levels(city: City) -> list[dict]:
    """Median hours to first response and to closing, per department."""
    rows: dict[int, dict] = {}
    reports = Report.objects.filter(city=city).select_related("department")
    for report in reports.only(
        "department__name", "created_at", "first_response_at", "closed_at", "status"
    ):
        row = rows.setdefault(
            report.department_id,
            {"department": report.department, "count": 0, "open": 0, "first": [], "closed": []},
        )
        row["count"] += 1
        row["open"] += report.status in OPEN_STATUSES
        if report.first_response_at:
            row["first"].append((report.first_response_at - report.created_at).total_seconds())
        if report.closed_at:
            row["closed"].append((report.closed_at - report.created_at).total_seconds())
    result = []
    for row in rows.values():
        result.append(
            {
                "department": row["department"],
                "count": row["count"],
                "open": row["open"],
                "median_first_response_hours": round(median(row["first"]) / 3600, 1)
                if row["first"]
                else None,
                "median_resolution_hours": round(median(row["closed"]) / 3600, 1)
                if row["closed"]
                else None,
            }
        )
    return sorted(result, key=lambda item: item["department"].name)
