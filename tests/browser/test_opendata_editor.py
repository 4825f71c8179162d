"""An editor creates a dataset and uploads a file through the portal's forms."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def editor_page(logged_in_context, user, cities):
    from smartcity.accounts.models import Membership
    from smartcity.opendata.models import Organization

    Membership.objects.create(user=user, city=cities["dortmund"], role="editor")
    Organization.objects.create(
        name="umweltamt", title="Umweltamt Dortmund", city=cities["dortmund"], email="u@example.org"
    )
    return logged_in_context.new_page()


def test_editor_creates_dataset_with_upload(editor_page, tmp_path):
    page = editor_page
    page.goto("/daten/neu/")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [item["id"] for item in violations]

    page.get_by_label("Titel").fill("Bäume an Schulen")
    page.get_by_label("Kurzname").fill("baeume-schulen")
    page.get_by_label("Beschreibung").fill("Bäume auf Schulhöfen")
    page.get_by_label("Organisation").select_option(label="Umweltamt Dortmund")
    page.get_by_label("Umwelt", exact=True).check()
    page.locator("#id_contact_name").fill("Schulgrün-Team")
    page.get_by_label("E-Mail des Ansprechpartners").fill("gruen@example.org")
    page.get_by_label("Schlagwörter").fill("Bäume, Schulen")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bäume an Schulen")

    page.get_by_role("link", name="Distribution hinzufügen").click()
    data = tmp_path / "baeume.csv"
    data.write_text("datum,anzahl\n2024-01-01,3\n2024-02-01,5\n", encoding="utf-8")
    page.get_by_label("Datei hochladen").set_input_files(str(data))
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator(".od-table caption")).to_contain_text("2 Zeilen")
    expect(page.locator(".od-chart canvas")).to_be_attached()
