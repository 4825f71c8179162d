"""A partner submits a project, an editor accepts it, and it appears on the map."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from smartcity.core.tests.test_tasks import run_worker_once
from tests.browser.conftest import TIMEOUT_MS, log_in

pytestmark = pytest.mark.browser
TITLE = "Smarte Parkbänke am Phoenix-See"


@pytest.fixture
def people(user, cities):
    from django.contrib.auth import get_user_model

    from smartcity.accounts.models import Membership
    from smartcity.portfolio.demo import load

    load()
    Membership.objects.create(
        user=user, city=cities["dortmund"], role="partner", organisation="Cisco"
    )
    editor = get_user_model().objects.create_user(
        username="redaktion", email="redaktion@example.org", password="x-Redaktion-2031"
    )
    Membership.objects.create(user=editor, city=cities["dortmund"], role="editor")
    return {"partner": user, "editor": editor}


def test_partner_submits_editor_accepts_project_appears_on_map(
    browser, logged_in_context, people, live_server
):
    page = logged_in_context.new_page()
    page.goto("/einreichen/")
    page.get_by_role("link", name="Neues Projekt einreichen").click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Kurzbeschreibung").fill("Bänke mit Solarmodul und Sensoren.")
    page.locator("#id_city").select_option(label="Dortmund")
    page.get_by_label("Stand").select_option("pilot")
    page.get_by_label("Intelligente Mobilität").check()
    page.get_by_label("Beteiligte Partner").select_option(label="Cisco")
    # Pick the place on the map: a click fills latitude and longitude.
    page.locator("#pick-map").click()
    expect(page.get_by_label("Breitengrad")).not_to_have_value("")
    page.get_by_label("Breitengrad").fill("51.4895")
    page.get_by_label("Längengrad").fill("7.5070")
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(page.locator(".messages")).to_contain_text("wartet jetzt auf die Prüfung")
    expect(page.locator("main table")).to_contain_text(TITLE)

    # Not public yet.
    anonymous = browser.new_context(locale="de-DE", base_url=live_server.url)
    public = anonymous.new_page()
    public.set_default_timeout(TIMEOUT_MS)
    public.goto(f"/dortmund/karte/?q={TITLE}")
    expect(public.locator("#feature-list .feature-item")).to_have_count(0)

    editor_context = browser.new_context(locale="de-DE", base_url=live_server.url)
    editor_context.set_default_timeout(TIMEOUT_MS)
    log_in(editor_context, people["editor"], live_server)
    editor_page = editor_context.new_page()
    editor_page.goto("/einreichen/pruefen/")
    editor_page.get_by_role("link", name=TITLE).click()
    expect(editor_page.locator("main")).to_contain_text("Cisco")
    editor_page.get_by_label("Annehmen und veröffentlichen").check()
    editor_page.get_by_role("button", name="Entscheidung speichern").click()
    expect(editor_page.locator(".messages")).to_contain_text("gespeichert")
    expect(editor_page.locator("main")).to_contain_text("Nichts zu prüfen")

    public.goto(f"/dortmund/karte/?q={TITLE}")
    expect(public.locator("#feature-list .feature-item")).to_have_count(1)
    expect(public.locator("#map[data-loaded=true]")).to_have_count(1)
    assert public.locator("#map").get_attribute("data-marker-count") == "1"
    public.locator("#feature-list a", has_text=TITLE).click()
    expect(public.locator("h1")).to_have_text(TITLE)
    expect(public.locator("main")).to_contain_text("Cisco")
    # Editors were told of the submission, the partner of the decision (by the job worker).
    for _job in range(2):
        run_worker_once()
    assert any("redaktion@example.org" in message.to for message in mail.outbox)
    assert any(
        TITLE in message.body and "erbeten" not in message.subject
        for message in mail.outbox
        if "erika@example.org" in message.to
    )
    anonymous.close()
    editor_context.close()


def test_editor_asks_for_changes_and_the_partner_edits(
    browser, logged_in_context, people, live_server
):
    from smartcity.portfolio.models import ActionField, Project, Review

    project = Project.objects.create(
        title=TITLE,
        summary="Erste Fassung.",
        review=Review.SUBMITTED,
        submitted_by=people["partner"],
        kind="partner_pilot",
    )
    project.cities.add(people["partner"].memberships.first().city)
    project.action_fields.add(ActionField.objects.get(slug="intelligente-mobilitaet"))

    editor_context = browser.new_context(locale="de-DE", base_url=live_server.url)
    editor_context.set_default_timeout(TIMEOUT_MS)
    log_in(editor_context, people["editor"], live_server)
    editor_page = editor_context.new_page()
    editor_page.goto(f"/einreichen/pruefen/{project.pk}/")
    editor_page.get_by_label("Änderungen erbitten").check()
    editor_page.get_by_role("button", name="Entscheidung speichern").click()
    # A reason is required.
    expect(editor_page.locator(".field-invalid")).to_contain_text("begründen")
    editor_page.get_by_label("Nachricht an die Einreichenden").fill("Bitte Ort ergänzen.")
    editor_page.get_by_role("button", name="Entscheidung speichern").click()
    expect(editor_page.locator(".messages")).to_contain_text("gespeichert")

    page = logged_in_context.new_page()
    page.goto("/einreichen/")
    expect(page.locator("main table")).to_contain_text("Bitte Ort ergänzen.")
    page.get_by_role("link", name="Bearbeiten").click()
    page.get_by_label("Breitengrad").fill("51.4895")
    page.get_by_label("Längengrad").fill("7.5070")
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(page.locator(".messages")).to_contain_text("erneut zur Prüfung")
    project.refresh_from_db()
    assert project.review == Review.SUBMITTED
    assert project.location == {"type": "Point", "coordinates": [7.507, 51.4895]}
    editor_context.close()
