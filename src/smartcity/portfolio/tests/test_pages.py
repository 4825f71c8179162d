import pytest

from smartcity.portfolio.models import Project, Review


def test_map_page_lists_the_filtered_features(client, demo):
    response = client.get("/dortmund/karte/?action_field=raum-und-infrastruktur")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Brückensensorik" in body
    assert "Klimasensorik" not in body
    # The page asks the endpoint for the same filters.
    assert "action_field=raum-und-infrastruktur" in body and "city=dortmund" in body


def test_map_page_lists_city_wide_projects_without_marker(client, demo):
    body = client.get("/dortmund/karte/?q=Datenplattform").content.decode()
    assert "Smart-City-Datenplattform" in body
    assert "stadtweit, ohne Ort auf der Karte" in body


def test_map_page_with_bad_filter_says_which(client, demo):
    response = client.get("/karte/?action_field=gibt-es-nicht")
    assert response.status_code == 400
    assert "action_field" in response.content.decode()


def test_map_page_allows_only_the_tile_host_in_csp(client, demo, settings):
    settings.SMARTCITY_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = client.get("/karte/")
    assert "https://tiles.example.org" in response["Content-Security-Policy"]


def test_project_page_shows_indicator_table_and_partners(client, demo):
    project = Project.objects.get(code="DP 03")
    response = client.get(f"/dortmund/projekte/{project.slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Offene Datensätze" in body and "<td>490</td>" in body
    assert "Stadt Dortmund" in body
    # by id, too
    assert client.get(f"/dortmund/projekte/{project.pk}/").status_code == 200


def test_project_of_another_city_is_not_found_there(client, demo):
    project = Project.objects.get(code="IM 01")
    assert client.get(f"/dortmund/projekte/{project.slug}/").status_code == 404
    assert client.get(f"/schwerte/projekte/{project.slug}/").status_code == 200


def test_unpublished_project_is_hidden(client, demo):
    project = Project.objects.get(code="IM 01")
    project.review = Review.SUBMITTED
    project.save()
    assert client.get(f"/schwerte/projekte/{project.slug}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/partner/",
        "/partner/cisco/",
        "/handlungsfelder/",
        "/handlungsfelder/energie-und-umwelt/",
        "/expertenteams/",
        "/expertenteams/energie-und-umwelt/",
        "/dortmund/projekte/",
        "/dortmund/orte/projektor/",
        "/karte/",
        "/schwerte/karte/",
    ],
)
def test_pages_answer(client, demo, path):
    assert client.get(path).status_code == 200


def test_description_is_sanitised(demo):
    project = Project.objects.get(code="DP 01")
    project.description = '<p onclick="x()">Hallo<script>alert(1)</script></p>'
    project.save()
    project.refresh_from_db()
    assert "script" not in project.description and "onclick" not in project.description
    assert "Hallo" in project.description


def test_district_is_derived_from_the_location(demo, hoerde_boundary):
    project = Project.objects.get(code="DP 02")
    project.location = {"type": "Point", "coordinates": [7.50, 51.48]}
    project.save()
    project.refresh_from_db()
    assert project.district == hoerde_boundary
