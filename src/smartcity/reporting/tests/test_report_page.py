from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartcity.reporting.tests.builders import make_entry, make_project, member


def test_page_shows_sections_charts_tables_and_links(client, programme):
    period = programme["period"]
    client.force_login(member(programme["city"], "editor"))
    response = client.get(period.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Arbeitsstand, nicht veröffentlicht" in page
    assert 'id="feld-daten"' in page and 'id="feld-mobil"' in page
    assert 'id="status-chart"' in page and 'id="report-charts"' in page
    for project in programme["projects"]:
        assert f'href="/projekte/{project.slug}/"' in page
    charts = response.context["charts"]
    assert charts["counts"]["delayed"] == [1, 0]
    assert charts["budget"]["planned"] == [1500.0, 2000.0, 0]


def test_page_queries_do_not_grow_with_projects(client, programme):
    period = programme["period"]
    client.force_login(member(programme["city"], "editor"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(period.get_absolute_url()).status_code == 200
        return len(queries)

    few = count()
    for number in range(10):
        project = make_project(
            programme["city"], f"Y {number:02}", f"Projekt {number}", programme["fields"][0]
        )
        make_entry(period, project, "stopped", 5, budget=[("Stadt", "1.00", "0.50")])
    assert count() == few


def test_map_shows_projects_with_a_location(client, programme):
    sensors = programme["projects"][0]
    sensors.location = {"type": "Point", "coordinates": [7.465, 51.514]}
    sensors.save()
    period = programme["period"]
    client.force_login(member(programme["city"], "editor"))
    response = client.get(period.get_absolute_url())
    features = response.context["map_config"]["features"]
    assert [feature["properties"]["title"] for feature in features] == [
        "DP 01 Sensornetz Innenstadt"
    ]
    assert 'id="report-map-config"' in response.content.decode()
