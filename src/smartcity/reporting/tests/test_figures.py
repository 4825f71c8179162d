import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartcity.reporting import services
from smartcity.reporting.models import ProjectEntry
from smartcity.reporting.tests.builders import make_entry, make_period, make_project


def test_totals_match_the_entries(programme):
    figures = services.report_figures(programme["period"])
    totals = figures["totals"]
    assert totals["projects"] == 3
    assert totals["by_light"] == {"on_track": 1, "at_risk": 1, "delayed": 1, "stopped": 0}
    assert totals["budget_planned"] == 3500.0
    assert totals["budget_spent"] == 1850.5
    assert totals["budget_use_percent"] == round(100 * 1850.5 / 3500, 1)
    assert totals["average_progress"] == round((40 + 70 + 10) / 3, 1)
    # Four milestones, three due; only "Ausschreibung" was on time.
    assert totals["milestones"] == 4
    assert totals["milestones_due"] == 3
    assert totals["milestones_on_time"] == 1
    assert totals["slippage_days"] == 20 + 60


def test_slippage_per_milestone(programme):
    figures = services.report_figures(programme["period"])
    portal = next(e for e in figures["entries"] if e["project"]["code"] == "DP 02")
    assert [m["slippage_days"] for m in portal["milestones"]] == [20, 60, 0]
    assert [m["due"] for m in portal["milestones"]] == [True, True, False]


def test_sections_per_action_field(programme):
    figures = services.report_figures(programme["period"])
    assert [field["name"] for field in figures["by_field"]] == ["Daten", "Mobilität"]
    data = figures["by_field"][0]
    assert data["counts"] == {"on_track": 1, "at_risk": 0, "delayed": 1, "stopped": 0}
    assert len(data["projects"]) == 2


def test_drafts_are_not_in_the_report(programme):
    ProjectEntry.objects.filter(project__code="IM 01").update(state="draft")
    figures = services.report_figures(programme["period"])
    assert figures["totals"]["projects"] == 2
    assert "Bus auf Abruf" not in [e["project"]["title"] for e in figures["entries"]]


def test_changes_since_the_previous_period(programme):
    city, period = programme["city"], programme["period"]
    sensors, portal, buses = programme["projects"]
    earlier = make_period(city, slug="2024", year=2024)
    make_entry(earlier, sensors, "on_track", 40)  # unchanged
    make_entry(earlier, portal, "on_track", 50)  # light and progress changed
    changes = services.report_figures(period)["changes"]
    assert changes["previous"]["slug"] == "2024"
    by_code = {item["project"]["code"]: item for item in changes["items"]}
    assert set(by_code) == {"DP 02", "IM 01"}
    assert by_code["IM 01"]["kind"] == "new"
    assert by_code["DP 02"]["progress_before"] == 50
    assert by_code["DP 02"]["light_after"] == "verzögert"
    # Each period keeps its entries: the history is not overwritten.
    assert ProjectEntry.objects.filter(project=portal).count() == 2


def test_queries_do_not_grow_with_the_number_of_projects(programme):
    def count():
        with CaptureQueriesContext(connection) as queries:
            services.report_figures(programme["period"])
        return len(queries)

    few = count()
    field = programme["fields"][1]
    for number in range(12):
        project = make_project(programme["city"], f"X {number:02}", f"Projekt {number}", field)
        make_entry(
            programme["period"],
            project,
            "on_track",
            30,
            budget=[("Bund", "10.00", "5.00")],
            milestones=[("M", datetime.date(2025, 1, 1), None)],
        )
    assert count() == few


def test_ideas_accepted_into_a_project_count_as_new_measures(programme):
    from django.utils import timezone

    from smartcity.participation.models import Idea

    portal = programme["projects"][1]
    common = {
        "city": programme["city"],
        "description": "…",
        "description_html": "<p>…</p>",
        "submitter_email": "a@example.org",
        "consent_at": timezone.now(),
    }
    accepted = Idea.objects.create(
        title="Bänke mit WLAN", status="accepted", project=portal, **common
    )
    Idea.objects.create(title="Abgelehnt", status="declined", project=portal, **common)
    Idea.objects.filter(pk=accepted.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2025, 6, 1))
    )
    figures = services.report_figures(programme["period"])
    entry = next(e for e in figures["entries"] if e["project"]["id"] == portal.pk)
    assert entry["accepted_ideas"] == ["Bänke mit WLAN"]


def test_milestone_timeline_per_quarter(programme):
    timeline = services.report_figures(programme["period"])["milestone_timeline"]
    assert timeline == [
        {"quarter": "2025-Q1", "planned": 1, "on_time": 1, "late": 0, "open": 0},
        {"quarter": "2025-Q2", "planned": 1, "on_time": 0, "late": 1, "open": 0},
        {"quarter": "2025-Q4", "planned": 1, "on_time": 0, "late": 0, "open": 1},
        {"quarter": "2026-Q2", "planned": 1, "on_time": 0, "late": 0, "open": 1},
    ]
