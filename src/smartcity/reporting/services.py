"""The report's figures, computed from a period's approved entries.

``report_figures`` returns plain JSON-ready data: the HTML page, the PDF, the API and the
frozen versions all render from it, so a published snapshot shows exactly what was decided.
The number of queries is fixed (prefetches), whatever the number of projects.
"""

from collections import Counter
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone

from smartcity.portfolio.models import Indicator
from smartcity.reporting.models import (
    EntryState,
    MilestoneStatus,
    PeriodStatus,
    ProjectEntry,
    ReportVersion,
    TrafficLight,
)

LIGHTS = [choice.value for choice in TrafficLight]
LIGHT_LABELS = {choice.value: str(choice.label) for choice in TrafficLight}


def _entries(period):
    return (
        ProjectEntry.objects.filter(period=period, state=EntryState.APPROVED)
        .select_related("project", "project__district")
        .prefetch_related(
            "project__action_fields",
            "milestones",
            "budget_lines",
            Prefetch(
                "project__indicators",
                queryset=Indicator.objects.prefetch_related("values"),
            ),
        )
        .order_by("project__code", "project__title")
    )


def _money(value: Decimal) -> float:
    return float(round(value, 2))


def _milestone(status: MilestoneStatus, cut_off) -> dict:
    slippage = status.slippage_days(cut_off)
    due = status.actual_date is not None or status.planned_date <= cut_off
    return {
        "title": status.title,
        "planned": status.planned_date.isoformat(),
        "actual": status.actual_date.isoformat() if status.actual_date else None,
        "slippage_days": slippage,
        "due": due,
        "on_time": due and slippage == 0,
    }


def _indicator(indicator, cut_off) -> dict:
    values = [value for value in indicator.values.all() if value.date <= cut_off]
    latest = max(values, key=lambda value: value.date) if values else None
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": indicator.baseline,
        "target": indicator.target,
        "value": latest.value if latest else None,
        "date": latest.date.isoformat() if latest else None,
    }


def _entry(entry, cut_off) -> dict:
    project = entry.project
    budget = [
        {
            "source": line.funding_source,
            "planned": _money(line.planned_eur),
            "spent": _money(line.spent_eur),
        }
        for line in entry.budget_lines.all()
    ]
    return {
        "project": {
            "id": project.pk,
            "code": project.code,
            "title": project.title,
            "url": reverse("portfolio:project_any", kwargs={"key": project.slug}),
            "district": project.district.name if project.district else "",
            "location": project.location,
        },
        "fields": [field.slug for field in project.action_fields.all()],
        "progress": entry.progress,
        "traffic_light": entry.traffic_light,
        "traffic_light_label": LIGHT_LABELS[entry.traffic_light],
        "reason": entry.traffic_light_reason,
        "narrative": entry.narrative,
        "new_measures": entry.new_measure_list,
        "accepted_ideas": [],
        "milestones": [_milestone(status, cut_off) for status in entry.milestones.all()],
        "budget": budget,
        "budget_planned": sum(line["planned"] for line in budget),
        "budget_spent": sum(line["spent"] for line in budget),
        "indicators": [_indicator(item, cut_off) for item in project.indicators.all()],
    }


def _add_accepted_ideas(period, entries: list[dict]) -> None:
    """Ideas from the idea pool accepted into a project in this period count as new measures."""
    if not apps.is_installed("smartcity.participation"):
        return
    Idea = apps.get_model("participation", "Idea")
    by_project = {entry["project"]["id"]: entry for entry in entries}
    ideas = Idea.objects.filter(
        status="accepted",
        project_id__in=list(by_project),
        created_at__date__gte=period.start_date,
        created_at__date__lte=period.cut_off_date,
    ).order_by("created_at")
    for project_id, title in ideas.values_list("project_id", "title"):
        by_project[project_id]["accepted_ideas"].append(title)


def _quarter(iso: str) -> str:
    year, month = int(iso[:4]), int(iso[5:7])
    return f"{year}-Q{(month - 1) // 3 + 1}"


def _milestone_timeline(milestones: list[dict]) -> list[dict]:
    """Milestones per quarter of their planned date: planned, reached on time, reached late."""
    quarters: dict[str, dict] = {}
    for milestone in milestones:
        row = quarters.setdefault(
            _quarter(milestone["planned"]),
            {"planned": 0, "on_time": 0, "late": 0, "open": 0},
        )
        row["planned"] += 1
        if milestone["actual"]:
            row["on_time" if milestone["slippage_days"] == 0 else "late"] += 1
        else:
            row["open"] += 1
    return [{"quarter": quarter, **quarters[quarter]} for quarter in sorted(quarters)]


def _changes(period, entries: list[dict]) -> dict:
    previous = period.previous()
    if previous is None:
        return {"previous": None, "items": []}
    before = {
        row["project_id"]: row
        for row in ProjectEntry.objects.filter(period=previous, state=EntryState.APPROVED).values(
            "project_id", "traffic_light", "progress"
        )
    }
    items = []
    for entry in entries:
        old = before.get(entry["project"]["id"])
        if old is None:
            items.append({"project": entry["project"], "kind": "new"})
        elif old["traffic_light"] != entry["traffic_light"] or old["progress"] != entry["progress"]:
            items.append(
                {
                    "project": entry["project"],
                    "kind": "changed",
                    "light_before": LIGHT_LABELS[old["traffic_light"]],
                    "light_after": entry["traffic_light_label"],
                    "progress_before": old["progress"],
                    "progress_after": entry["progress"],
                }
            )
    return {"previous": {"slug": previous.slug, "title": previous.title}, "items": items}


def report_figures(period) -> dict:
    cut_off = period.cut_off_date
    entry_objects = list(_entries(period))
    entries = [_entry(entry, cut_off) for entry in entry_objects]
    _add_accepted_ideas(period, entries)
    fields = {}
    for entry in entry_objects:
        for field in entry.project.action_fields.all():
            fields[field.slug] = field
    by_field = []
    for field in sorted(fields.values(), key=lambda field: (field.order, field.name)):
        members = [entry for entry in entries if field.slug in entry["fields"]]
        counts = Counter(entry["traffic_light"] for entry in members)
        by_field.append(
            {
                "slug": field.slug,
                "name": field.name,
                "colour": field.colour,
                "counts": {light: counts.get(light, 0) for light in LIGHTS},
                "projects": [entry["project"]["id"] for entry in members],
            }
        )
    milestones = [milestone for entry in entries for milestone in entry["milestones"]]
    due = [milestone for milestone in milestones if milestone["due"]]
    planned = round(sum(entry["budget_planned"] for entry in entries), 2)
    spent = round(sum(entry["budget_spent"] for entry in entries), 2)
    lights = Counter(entry["traffic_light"] for entry in entries)
    return {
        "city": {"slug": period.city.slug, "name": period.city.name},
        "period": {
            "slug": period.slug,
            "title": period.title,
            "start_date": period.start_date.isoformat(),
            "cut_off_date": cut_off.isoformat(),
        },
        "light_labels": LIGHT_LABELS,
        "totals": {
            "projects": len(entries),
            "by_light": {light: lights.get(light, 0) for light in LIGHTS},
            "average_progress": (
                round(sum(entry["progress"] for entry in entries) / len(entries), 1)
                if entries
                else 0
            ),
            "budget_planned": planned,
            "budget_spent": spent,
            "budget_use_percent": round(100 * spent / planned, 1) if planned else 0,
            "milestones": len(milestones),
            "milestones_due": len(due),
            "milestones_on_time": sum(1 for milestone in due if milestone["on_time"]),
            "slippage_days": sum(milestone["slippage_days"] for milestone in milestones),
        },
        "by_field": by_field,
        "milestone_timeline": _milestone_timeline(milestones),
        "entries": entries,
        "changes": _changes(period, entries),
    }


def current_figures(period, version_number: int | None = None) -> tuple[dict, object]:
    """The figures to show: a frozen version if published (the newest unless asked), else live."""
    versions = period.versions.all()
    if version_number is not None:
        version = versions.filter(number=version_number).first()
        return (version.figures, version) if version else (None, None)
    if period.status == PeriodStatus.PUBLISHED:
        version = versions.order_by("-number").first()
        if version:
            return version.figures, version
    return report_figures(period), None


@transaction.atomic
def publish(period, user=None) -> ReportVersion:
    """Freeze the current figures as a new version; older versions stay as they were."""
    number = (period.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    figures = report_figures(period)
    figures["version"] = {"number": number, "published_at": timezone.now().isoformat()}
    version = ReportVersion.objects.create(
        period=period, number=number, published_by=user, figures=figures
    )
    period.status = PeriodStatus.PUBLISHED
    period.save(update_fields=["status"])
    return version


@transaction.atomic
def start_entry(period, project, user=None) -> ProjectEntry:
    """An entry for ``project`` in ``period``, with the portfolio's milestones copied in."""
    entry, created = ProjectEntry.objects.get_or_create(
        period=period, project=project, defaults={"drafted_by": user}
    )
    if created:
        MilestoneStatus.objects.bulk_create(
            MilestoneStatus(
                entry=entry,
                milestone=milestone,
                title=milestone.title,
                planned_date=milestone.planned_date,
                actual_date=(
                    milestone.actual_date
                    if milestone.actual_date and milestone.actual_date <= period.cut_off_date
                    else None
                ),
            )
            for milestone in project.milestones.filter(planned_date__isnull=False)
        )
    return entry
