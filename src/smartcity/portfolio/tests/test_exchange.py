import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smartcity.portfolio import exchange
from smartcity.portfolio.models import MapEntry, Partner, Place, Project


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
@pytest.mark.parametrize("kind", ["projects", "partners", "places"])
def test_export_then_import_round_trips(demo, kind, fmt):
    model = {"projects": Project, "partners": Partner, "places": Place}[kind]
    before = model.objects.count()
    data = exchange.export(kind, fmt)
    assert exchange.import_rows(kind, fmt, data) == before
    assert model.objects.count() == before


def test_import_creates_and_updates_projects_from_csv(demo):
    text = (
        "code,title,summary,kind,status,cities,action_fields,partners,tags,longitude,latitude\n"
        "NEU 1,Neue Ladesäulen,Laden im Quartier,city,planned,dortmund,"
        "intelligente-mobilitaet,cisco:partner,Energie,7.47,51.50\n"
        "DP 03,Open-Data-Portal,Jetzt 500 Datensätze,city,in_operation,dortmund,"
        "daten-und-plattformen,,,,\n"
    )
    assert exchange.import_rows("projects", "csv", text.encode()) == 2
    new = Project.objects.get(code="NEU 1")
    assert new.partner_roles.get().partner.slug == "cisco"
    assert MapEntry.objects.filter(layer="projects", object_id=new.pk).exists()
    assert Project.objects.get(code="DP 03").summary == "Jetzt 500 Datensätze"


def test_a_bad_row_stops_the_whole_import(demo):
    text = (
        "code,title,summary,cities,action_fields\n"
        "OK 1,Gut,Gut,dortmund,daten-und-plattformen\n"
        "BAD 1,Schlecht,Schlecht,atlantis,daten-und-plattformen\n"
    )
    with pytest.raises(exchange.ExchangeError) as raised:
        exchange.import_rows("projects", "csv", text.encode())
    assert raised.value.problems == ["Zeile 3, cities: unbekannt: atlantis"]
    assert not Project.objects.filter(code="OK 1").exists()


def test_geojson_import_keeps_lines(demo):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[7.45, 51.51], [7.46, 51.52]]},
                "properties": {
                    "code": "RAD 1",
                    "title": "Radweg",
                    "summary": "Neu",
                    "cities": "dortmund",
                },
            }
        ],
    }
    exchange.import_rows("projects", "geojson", orjson.dumps(collection))
    assert Project.objects.get(code="RAD 1").location["type"] == "LineString"


def test_management_command(demo, tmp_path):
    path = tmp_path / "orte.xlsx"
    call_command("portfolio_exchange", "export", "places", str(path))
    assert path.stat().st_size > 0
    call_command("portfolio_exchange", "import", "places", str(path))
    with pytest.raises(CommandError):
        call_command("portfolio_exchange", "import", "places", str(tmp_path / "orte.txt"))


def test_admin_export_action(admin_client, demo):
    ids = list(Project.objects.values_list("pk", flat=True)[:2])
    response = admin_client.post(
        "/admin/portfolio/project/", {"action": "export_geojson", "_selected_action": ids}
    )
    assert response.status_code == 200
    assert len(orjson.loads(response.content)["features"]) == 2


def test_admin_import_page(admin_client, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile(
        "partner.csv", b"slug,name,kind\nneu-gmbh,Neu GmbH,startup\n", "text/csv"
    )
    response = admin_client.post(
        "/admin/portfolio/project/import/", {"kind": "partners", "file": good}
    )
    assert response.status_code == 302
    assert Partner.objects.get(slug="neu-gmbh").kind == "startup"
    bad = SimpleUploadedFile("partner.csv", b"slug,name,kind\nx,X,erfunden\n", "text/csv")
    response = admin_client.post(
        "/admin/portfolio/project/import/", {"kind": "partners", "file": bad}
    )
    assert response.status_code == 200
    assert "Zeile 2, kind" in response.content.decode()
    assert not Partner.objects.filter(slug="x").exists()


def test_admin_rejects_a_logo_that_is_no_image(admin_client, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    partner = Partner.objects.get(slug="cisco")
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", "image/png")
    response = admin_client.post(
        f"/admin/portfolio/partner/{partner.pk}/change/",
        {
            "name": partner.name,
            "slug": partner.slug,
            "kind": partner.kind,
            "logo": fake,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"]
