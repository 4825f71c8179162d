"""Imports appear in the projects' change history (who, which columns)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smartcity.portfolio import exchange
from smartcity.portfolio.models import Project, ProjectChange

ROWS = (
    "code,title,summary,kind,status,cities,action_fields,longitude,latitude\n"
    "NEU 1,Neue Ladesäulen,Laden im Quartier,city,planned,dortmund,"
    "intelligente-mobilitaet,7.47,51.50\n"
)


def test_an_import_is_recorded_for_new_and_updated_projects(demo):
    exchange.import_rows("projects", "csv", ROWS.encode())
    project = Project.objects.get(code="NEU 1")
    change = ProjectChange.objects.filter(project=project).latest("pk")
    assert "importiert (neu)" in change.summary
    assert change.user is None
    assert {"code", "title", "summary", "status", "cities", "location"} <= set(change.fields)
    assert "longitude" not in change.fields
    exchange.import_rows("projects", "csv", ROWS.replace("planned", "pilot").encode())
    latest = ProjectChange.objects.filter(project=project).latest("pk")
    assert latest.pk != change.pk and "(neu)" not in latest.summary


def test_a_failed_import_leaves_no_history(demo):
    before = ProjectChange.objects.count()
    bad = ROWS + "BAD 1,Schlecht,Schlecht,city,planned,atlantis,,,\n"
    with pytest.raises(exchange.ExchangeError):
        exchange.import_rows("projects", "csv", bad.encode())
    assert ProjectChange.objects.count() == before


def test_the_admin_import_names_the_editor(admin_client, admin_user, demo):
    upload = SimpleUploadedFile("projekte.csv", ROWS.encode(), "text/csv")
    response = admin_client.post(
        "/admin/portfolio/project/import/", {"kind": "projects", "file": upload}
    )
    assert response.status_code == 302
    change = ProjectChange.objects.filter(project__code="NEU 1").latest("pk")
    assert change.user == admin_user
