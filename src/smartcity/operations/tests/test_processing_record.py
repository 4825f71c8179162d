"""The Art. 30 record is generated from the models and shown to administrators only."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from smartcity.core.registries import personal_data
from smartcity.operations import processing_record

URL = "/admin/operations/deletionreport/verarbeitungsverzeichnis/"


def activities():
    return {activity["app"]: activity for activity in processing_record.as_dict()["activities"]}


def fields_of(activity, table):
    return next(c["fields"] for c in activity["categories"] if c["table"] == table)


def test_the_record_names_the_personal_fields_of_the_models():
    found = activities()
    assert fields_of(found["defects"], "defects.Report") == [
        "Bearbeitet von",
        "Meldende Person (Konto)",
        "E-Mail der meldenden Person",
        "Name der meldenden Person",
        "Telefon der meldenden Person",
    ]
    booking = fields_of(found["appointments"], "appointments.Booking")
    assert "Name" in booking and "E-Mail" in booking
    assert "Beschreibung" not in " ".join(booking)
    # Every model of the platform with an e-mail or network address field is in the record.
    tables = {c["table"] for activity in found.values() for c in activity["categories"]}
    for model in apps.get_models():
        if model.__module__.startswith("smartcity.") and any(
            isinstance(f, models.EmailField | models.GenericIPAddressField)
            for f in model._meta.concrete_fields
        ):
            assert model._meta.label in tables
    # A model without personal data is not.
    assert "sensors.Observation" not in tables


def test_export_erasure_and_deletion_periods_come_from_the_registries():
    found = activities()
    listed = {name for activity in found.values() for name in activity["export_and_erasure"]}
    assert {provider.name for provider in personal_data} <= listed
    assert "defects" in found["defects"]["export_and_erasure"]
    periods = [item["when"] for item in found["defects"]["deletion"]]
    assert periods == ["90 Tage nach Abschluss der Meldung"]
    assert found["participation"]["deletion"][0]["when"] == "7 Tage nach dem Beitrag"


def test_command_writes_markdown_and_json():
    output = StringIO()
    call_command("processing_record", stdout=output)
    text = output.getvalue()
    assert text.startswith("# Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO)")
    assert "## Mängelmelder (`defects`)" in text
    assert "| Meldung (`defects.Report`) |" in text
    output = StringIO()
    call_command("processing_record", "--format", "json", stdout=output)
    data = json.loads(output.getvalue())
    assert {"controller", "transfers", "measures"} <= set(data["general"])
    assert any(activity["app"] == "appointments" for activity in data["activities"])


@pytest.mark.django_db
def test_the_page_is_for_administrators_only(client, django_user_model):
    assert client.get(URL).status_code == 302  # to the admin login
    staff = django_user_model.objects.create_user("staff", "s@example.org", "pw", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    admin = django_user_model.objects.create_superuser("root", "r@example.org", "pw")
    client.force_login(admin)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h2 id="activity-defects">Mängelmelder</h2>' in html
    assert "Telefon der meldenden Person" in html
    download = client.get(URL + "?format=md")
    assert "attachment" in download["Content-Disposition"]
    assert download.content.decode().startswith("# Verzeichnis")
    assert client.get(URL + "?format=json").json()["activities"]
