"""The defect reporter's figures on /metrics: open reports per department."""

from django.db.models import Count

from smartcity.core.metrics import AppMetric, app_metrics
from smartcity.defects.models import Report


def open_reports_per_department():
    rows = (
        Report.objects.open()
        .values("city__slug", "department__slug")
        .annotate(count=Count("id"))
        .order_by()
    )
    return [((row["city__slug"], row["department__slug"] or ""), row["count"]) for row in rows]


def register() -> None:
    app_metrics.register(
        "smartcity_defect_reports_open",
        AppMetric(
            "smartcity_defect_reports_open",
            "Open defect reports per city and department",
            ["city", "department"],
            open_reports_per_department,
        ),
    )
