import pytest

from smartcity.portfolio.models import ActionField, Partner, Place, Project


def results(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_action_fields_are_ordered(client, demo):
    body = results(client, "/api/v1/action-fields/?page_size=20")
    assert body["count"] == 12
    assert [item["order"] for item in body["results"]] == list(range(1, 13))
    assert body["results"][5]["name"] == "Intelligente Mobilität"


def test_project_list_and_detail(client, demo):
    body = results(client, "/api/v1/projects/?page_size=2")
    assert body["count"] == Project.objects.count()
    assert len(body["results"]) == 2 and body["next"]
    project = Project.objects.get(code="DP 03")
    detail = results(client, f"/api/v1/projects/{project.pk}")
    assert detail["title"] == "Open-Data-Portal"
    assert detail["indicators"][0]["values"][-1]["value"] == 490
    assert detail["partners"] == [
        {"slug": "stadt-dortmund", "name": "Stadt Dortmund", "role": "lead"}
    ]
    assert detail["url"].endswith(f"/dortmund/projekte/{project.slug}/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("city=schwerte", {"IM 01", "DP 01", "ZM 01"}),
        ("action_field=energie-und-umwelt", {"EU 01", "EU 02"}),
        ("kind=partner_pilot", {"EU 02"}),
        ("status=pilot", {"RI 01", "BK 01", "EU 02"}),
        ("partner=fh-dortmund", {"RI 01"}),
        ("q=Brücken", {"RI 01"}),
        ("q=Schulen", {"BK 01", "RI 01"}),  # RI 01 via its partner Fachhochschule
        ("q=Wetterstation", {"EU 01"}),
    ],
)
def test_project_filters(client, demo, query, expected):
    body = results(client, f"/api/v1/projects/?{query}")
    assert {item["code"] for item in body["results"]} == expected


def test_project_district_filter(client, demo, hoerde_boundary):
    project = Project.objects.get(code="DP 02")
    project.location = {"type": "Point", "coordinates": [7.50, 51.48]}
    project.save()
    body = results(client, "/api/v1/projects/?district=hoerde")
    assert [item["code"] for item in body["results"]] == ["DP 02"]
    assert body["results"][0]["district"] == "hoerde"


def test_unpublished_projects_are_not_listed(client, demo):
    Project.objects.filter(code="RI 01").update(review="submitted")
    body = results(client, "/api/v1/projects/?q=Brücken")
    assert body["count"] == 0
    project = Project.objects.get(code="RI 01")
    assert client.get(f"/api/v1/projects/{project.pk}").status_code == 404


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/projects/?action_field=nope", "action_field"),
        ("/api/v1/projects/?status=nope", "status"),
        ("/api/v1/projects/?kind=nope", "kind"),
        ("/api/v1/projects/?city=nope", "city"),
        ("/api/v1/projects/?district=nope", "district"),
        ("/api/v1/projects/?partner=nope", "partner"),
        ("/api/v1/projects/?page=99", "page"),
        ("/api/v1/projects/?page=0", "page"),
        ("/api/v1/projects/?page_size=abc", "page_size"),
        ("/api/v1/partners/?kind=nope", "kind"),
        ("/api/v1/partners/?page=50", "page"),
        ("/api/v1/places/?kind=nope", "kind"),
        ("/api/v1/places/?city=nope", "city"),
        ("/api/v1/places/?page=9", "page"),
        ("/api/v1/action-fields/?page=9", "page"),
    ],
)
def test_bad_values_answer_400_naming_the_field(client, demo, url, field):
    response = client.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_partners(client, demo):
    body = results(client, "/api/v1/partners/?kind=research")
    assert {item["slug"] for item in body["results"]} == set(
        Partner.objects.filter(kind="research").values_list("slug", flat=True)
    )
    cisco = results(client, "/api/v1/partners/cisco")
    assert cisco["founding_member"] is True
    assert "daten-und-plattformen" in cisco["expert_teams"]
    assert client.get("/api/v1/partners/unbekannt").status_code == 404


def test_places(client, demo):
    body = results(client, "/api/v1/places/?city=schwerte")
    assert [item["slug"] for item in body["results"]] == ["smart-city-buero-schwerte"]
    body = results(client, "/api/v1/places/?kind=research")
    assert body["count"] == Place.objects.filter(kind="research").count() == 3
    body = results(client, "/api/v1/places/?q=Stadtlabor")
    assert [item["slug"] for item in body["results"]] == ["projektor"]


def test_endpoints_are_in_the_openapi_document(client, demo):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/map/features.geojson",
        "/api/v1/projects/",
        "/api/v1/projects/{project_id}",
        "/api/v1/partners/",
        "/api/v1/places/",
        "/api/v1/action-fields/",
    ):
        assert path in paths
    assert ActionField.objects.exists()
