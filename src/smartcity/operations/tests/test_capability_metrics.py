"""The capabilities' figures reach /metrics (their collectors run against real rows)."""

from django.core.management import call_command


def test_capability_figures_on_metrics(client, db):
    call_command("load_demo", verbosity=0)
    text = client.get("/metrics").content.decode()
    assert "smartcity_defect_reports_open{city=" in text
    assert "smartcity_observations_ingested_total " in text
    assert "# HELP smartcity_bookings Confirmed appointments" in text
    ingested = next(
        line
        for line in text.splitlines()
        if line.startswith("smartcity_observations_ingested_total")
    )
    assert float(ingested.split()[-1]) > 0  # the demo stations have observations
