from smartcity.reporting.models import ProjectEntry, ReportingPeriod, ReportVersion


def test_demo_is_idempotent_and_mixed(db, cities):
    from smartcity.portfolio.demo import load as load_portfolio
    from smartcity.reporting.demo import load

    load_portfolio()
    load()
    counts = (
        ReportingPeriod.objects.count(),
        ProjectEntry.objects.count(),
        ReportVersion.objects.count(),
    )
    load()
    assert counts == (
        ReportingPeriod.objects.count(),
        ProjectEntry.objects.count(),
        ReportVersion.objects.count(),
    )
    lights = set(ProjectEntry.objects.values_list("traffic_light", flat=True))
    assert {"on_track", "at_risk", "delayed"} <= lights
    period = ReportingPeriod.objects.get(city__slug="dortmund", slug="2025")
    figures = period.versions.get().figures
    assert figures["changes"]["previous"]["slug"] == "2024"
    assert figures["totals"]["projects"] >= 10
