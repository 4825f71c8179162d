import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from smartcity.accounts.models import Membership
from smartcity.opendata import demo, publishing
from smartcity.opendata.models import Dataset, Distribution
from smartcity.opendata.tests import factories


@pytest.fixture
def demo_catalogue(cities):
    demo.load()
    return Dataset.objects.all()


def test_demo_loader_is_idempotent_and_marked(demo_catalogue):
    count = demo_catalogue.count()
    assert count >= 25
    demo.load()
    assert Dataset.objects.count() == count
    assert not Dataset.objects.filter(is_demo=False, publication="").exists()
    assert Dataset.objects.filter(name="dortmund-stadtbezirke", publication="stadtbezirke").exists()


def test_search_page_shows_results_and_facet_counts(client, demo_catalogue):
    response = client.get("/daten/", {"q": "Bäume"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Baumkataster Dortmund" in content
    assert "Straßenbäume Schwerte" in content
    assert "Spielplätze in Dortmund" not in content
    filtered = client.get("/daten/", {"city": "schwerte"}).content.decode()
    schwerte = Dataset.objects.filter(city__slug="schwerte").count()
    assert f"{schwerte} Datensätze" in filtered
    assert "Baumkataster Dortmund" not in filtered


def test_dataset_page_with_metadata_and_api_snippet(client, demo_catalogue):
    content = client.get("/daten/baumkataster-dortmund/").content.decode()
    assert "Umweltamt" in content
    assert "package_show?id=baumkataster-dortmund" in content
    assert 'data-kind="table"' in content


def test_table_preview_pages_and_types(client, demo_catalogue):
    distribution = Distribution.objects.get(dataset__name="baumkataster-dortmund")
    url = f"/daten/baumkataster-dortmund/vorschau/{distribution.id}/"
    first = client.get(url).json()
    assert first["total"] == 120 and first["pages"] == 5
    types = {column["name"]: column["type"] for column in first["columns"]}
    assert types == {
        "baum_id": "text",
        "art": "text",
        "pflanzjahr": "integer",
        "hoehe_m": "decimal",
        "latitude": "decimal",
        "longitude": "decimal",
    }
    second = client.get(url, {"page": 2}).json()
    assert second["rows"][0][0] == "DO-00026"


def test_xlsx_geojson_and_time_series_previews(client, demo_catalogue):
    xlsx = Distribution.objects.get(dataset__name="kommunalwahl-2020-dortmund")
    table = client.get(f"/daten/kommunalwahl-2020-dortmund/vorschau/{xlsx.id}/").json()
    assert table["columns"][1] == {
        "name": "Wahlberechtigte",
        "type": "integer",
        "label": "Ganzzahl",
    }
    assert table["total"] == 12
    geo = Distribution.objects.get(dataset__name="spielplaetze-dortmund")
    data = client.get(f"/daten/spielplaetze-dortmund/vorschau/{geo.id}/").json()
    assert data["kind"] == "map" and len(data["geojson"]["features"]) == data["total"] == 25
    air = Distribution.objects.get(dataset__name="luftqualitaet-messstationen")
    series = client.get(f"/daten/luftqualitaet-messstationen/vorschau/{air.id}/").json()["series"]
    assert [item["label"] for item in series["datasets"]] == ["no2_ugm3", "pm10_ugm3"]
    assert len(series["labels"]) == 96


@pytest.fixture
def editor_client(client, cities):
    user = get_user_model().objects.create_user("redaktion", "r@example.org", "x")
    Membership.objects.create(user=user, city=cities["dortmund"], role="editor")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_citizens_may_not_edit(client, cities):
    user = get_user_model().objects.create_user("buerger", "b@example.org", "x")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/daten/neu/").status_code == 403


def test_editor_creates_dataset_and_uploads_file(editor_client, cities):
    org = factories.organization("umweltamt", city=cities["dortmund"])
    missing = editor_client.post("/daten/neu/", {"title": "Nur Titel"})
    assert missing.status_code == 200
    assert not Dataset.objects.exists()
    form_errors = missing.context["form"].errors
    assert {"name", "notes", "organization", "contact_name", "contact_email"} <= set(form_errors)
    response = editor_client.post(
        "/daten/neu/",
        {
            "title": "Bäume",
            "name": "baeume",
            "notes": "Alle Bäume",
            "organization": org.pk,
            "license_id": "dl-by-de/2.0",
            "contact_name": "Team",
            "contact_email": "t@example.org",
            "political_geocoding_level": "municipality",
            "frequency": "ANNUAL",
            "language": "DEU",
            "state": "active",
            "tags_text": "Bäume, Umwelt",
            "groups": [],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    dataset = Dataset.objects.get(name="baeume")
    assert dataset.city == cities["dortmund"]
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["Bäume", "Umwelt"]
    upload = SimpleUploadedFile("zahlen.csv", b"a;b\n1;2\n", "text/csv")
    added = editor_client.post("/daten/baeume/distribution/", {"upload": upload, "name": "Zahlen"})
    assert added.status_code == 302
    assert dataset.distributions.get().size == 8


def test_editor_upload_above_limit_is_refused(editor_client, cities, settings):
    settings.OPENDATA_MAX_UPLOAD_BYTES = 100
    org = factories.organization("umweltamt", city=cities["dortmund"])
    factories.dataset("baeume", org=org)
    upload = SimpleUploadedFile("gross.csv", b"a\n" * 5000, "text/csv")
    response = editor_client.post("/daten/baeume/distribution/", {"upload": upload})
    assert response.status_code == 413
    assert "upload" in response.context["form"].errors
    assert not Distribution.objects.exists()


def test_publication_creates_and_refreshes_only_on_change(cities):
    changed = publishing.refresh("opendata.districts.geojson")
    assert changed == 2
    dataset = Dataset.objects.get(name="dortmund-stadtbezirke")
    distribution = dataset.distributions.get()
    assert distribution.format == "GEOJSON"
    assert dataset.organization.name == publishing.PLATFORM_ORGANIZATION
    assert publishing.refresh("opendata.districts.geojson") == 0
    publishing.refresh("opendata.districts.csv")
    assert sorted(dataset.distributions.values_list("format", flat=True)) == ["CSV", "GEOJSON"]
    district = cities["dortmund"].districts.first()
    district.name = "Neuer Name"
    district.save()
    assert publishing.refresh("opendata.districts.csv") == 1
    csv_file = dataset.distributions.get(format="CSV").file
    assert b"Neuer Name" in csv_file.open("rb").read()
    results = publishing.refresh_all()
    assert set(results) >= {"opendata.districts.csv", "opendata.districts.geojson"}


def test_upload_form_keeps_csrf_and_the_limit_with_real_csrf_checks(cities, settings):
    from django.test import Client

    settings.OPENDATA_MAX_UPLOAD_BYTES = 100
    user = get_user_model().objects.create_user("redaktion2", "r2@example.org", "x")
    Membership.objects.create(user=user, city=cities["dortmund"], role="editor")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    factories.dataset("baeume", org=factories.organization("umweltamt", city=cities["dortmund"]))
    small = SimpleUploadedFile("klein.csv", b"a\n1\n", "text/csv")
    assert client.post("/daten/baeume/distribution/", {"upload": small}).status_code == 403
    token = client.get("/daten/baeume/distribution/").cookies["csrftoken"].value
    big = SimpleUploadedFile("gross.csv", b"a\n" * 5000, "text/csv")
    refused = client.post(
        "/daten/baeume/distribution/", {"upload": big, "csrfmiddlewaretoken": token}
    )
    assert refused.status_code == 413
    small = SimpleUploadedFile("klein.csv", b"a\n1\n", "text/csv")
    accepted = client.post(
        "/daten/baeume/distribution/", {"upload": small, "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    assert Distribution.objects.get().size == 4


def test_editor_deletes_distribution_and_dataset(editor_client, cities):
    from django.test import Client

    anonymous = Client()
    org = factories.organization("umweltamt", city=cities["dortmund"])
    dataset = factories.dataset("baeume", org=org)
    distribution = factories.csv_distribution(dataset)
    page = editor_client.get("/daten/baeume/").content.decode()
    assert f"/daten/baeume/distribution/{distribution.id}/loeschen/" in page
    editor_client.post(f"/daten/baeume/distribution/{distribution.id}/loeschen/")
    assert not dataset.distributions.exists()
    assert editor_client.get("/daten/baeume/loeschen/").status_code == 405
    editor_client.post("/daten/baeume/loeschen/")
    dataset.refresh_from_db()
    assert dataset.state == "deleted"
    assert anonymous.get("/daten/baeume/").status_code == 404
    assert anonymous.get("/api/3/action/package_show", {"id": "baeume"}).status_code == 404


def test_other_city_editor_may_not_delete(editor_client, cities):
    org = factories.organization("schwerte-amt", city=cities["schwerte"])
    factories.dataset("fremd", org=org)
    assert editor_client.post("/daten/fremd/loeschen/").status_code == 403
    assert Dataset.objects.get(name="fremd").state == "active"


def test_downloads_cannot_run_as_pages(client, db):
    dataset = factories.dataset("seite")
    from smartcity.opendata import services

    html = services.save_distribution(
        dataset, {}, content=b"<html><script>alert(1)</script></html>", filename="x.html"
    )
    response = client.get(html.download_path())
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    csv_file = factories.csv_distribution(dataset)
    shown = client.get(csv_file.download_path())
    assert shown["Content-Type"] == "text/csv"
    assert b"".join(shown.streaming_content) == b"a,b\n1,2\n"


def test_portal_is_in_the_main_navigation(client, cities):
    assert 'href="/daten/"' in client.get("/").content.decode()
