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


def _png(colour):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_partner_draws_a_line_with_two_images_and_the_editor_sees_them(
    browser, logged_in_context, people, live_server, settings, tmp_path
):
    from smartcity.portfolio.models import Project

    settings.MEDIA_ROOT = tmp_path
    problems = []
    page = logged_in_context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/einreichen/neu/")
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Kurzbeschreibung").fill("Bänke entlang der Uferpromenade.")
    page.locator("#id_city").select_option(label="Dortmund")
    page.get_by_label("Intelligente Mobilität").check()
    page.get_by_label("Entlang einer Linie").check()
    # The point fields give way to the vertex list; three clicks draw three vertices.
    expect(page.get_by_label("Breitengrad")).to_be_hidden()
    drawing = page.locator("#pick-map")
    box = drawing.bounding_box()
    for dx in (-60, 0, 60):
        drawing.click(position={"x": box["width"] / 2 + dx, "y": box["height"] / 2 + dx / 3})
    expect(drawing).to_have_attribute("data-vertices", "3")
    vertices = page.get_by_label("Linie oder Fläche: Punkte")
    assert len(vertices.input_value().splitlines()) == 3
    # Keyboard: Enter adds the map centre, Backspace takes it back.
    drawing.focus()
    page.keyboard.press("Enter")
    expect(drawing).to_have_attribute("data-vertices", "4")
    expect(page.locator("#pick-map-status")).to_contain_text("Punkt 4 gesetzt")
    page.keyboard.press("Backspace")
    expect(drawing).to_have_attribute("data-vertices", "3")
    # Typing the vertices redraws the map.
    vertices.fill("51.4890, 7.5000\n51.4895, 7.5070")
    vertices.dispatch_event("change")
    expect(drawing).to_have_attribute("data-vertices", "2")
    for number, colour in ((1, "red"), (2, "blue")):
        page.locator("#id_image" if number == 1 else f"#id_image_{number}").set_input_files(
            {"name": f"bank{number}.png", "mimeType": "image/png", "buffer": _png(colour)}
        )
        page.get_by_label(f"Was ist auf Bild {number} zu sehen?").fill(f"Bank {number}")
        page.get_by_label(f"Bildnachweis zu Bild {number} (Urheber)").fill("Foto: Cisco")
    page.get_by_label("Lizenz von Bild 2").fill("CC BY 4.0")
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(page.locator(".messages")).to_contain_text("wartet jetzt auf die Prüfung")
    project = Project.objects.get(title=TITLE)
    assert project.location == {
        "type": "LineString",
        "coordinates": [[7.5, 51.489], [7.507, 51.4895]],
    }
    assert project.images.count() == 2
    assert not [text for text in problems if "Content Security Policy" in text]
    assert_accessible(page, "the list of submissions")

    editor_context = browser.new_context(locale="de-DE", base_url=live_server.url)
    editor_context.set_default_timeout(TIMEOUT_MS)
    log_in(editor_context, people["editor"], live_server)
    editor_page = editor_context.new_page()
    editor_page.goto("/einreichen/pruefen/")
    expect(editor_page.locator("main table")).to_contain_text("Linie")
    editor_page.get_by_role("link", name=TITLE).click()
    expect(editor_page.locator("#project-map[data-loaded=true]")).to_have_count(1)
    expect(editor_page.locator("#project-map path.leaflet-interactive")).to_have_count(1)
    expect(editor_page.locator("#review-location-text")).to_contain_text("51.4895, 7.507")
    expect(editor_page.locator("img.review-image")).to_have_count(2)
    expect(editor_page.locator("main")).to_contain_text("CC BY 4.0")
    assert_accessible(editor_page, "the review page")
    editor_context.close()


def test_admin_map_widget_edits_the_geojson_text(browser, live_server, people):
    from django.contrib.auth import get_user_model

    from smartcity.portfolio.models import Project

    admin = get_user_model().objects.create_superuser(
        username="admin", email="admin@example.org", password="x-Admin-2031"
    )
    project = Project.objects.exclude(location=None).first()
    project.location = {"type": "Point", "coordinates": [7.4653, 51.5136]}
    project.save()
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    log_in(context, admin, live_server)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"/admin/portfolio/project/{project.pk}/change/")
    drawing = page.locator("#id_location_map")
    expect(drawing).to_have_attribute("data-vertices", "1")  # the stored point, drawn
    text = page.locator("#id_location")
    page.get_by_label("Fläche", exact=True).check()
    # The stored point is the first corner; two more by keyboard (arrows move the map).
    drawing.focus()
    # Enter right after an arrow key waits for the pan animation to end (Leaflet ignores
    # further arrow keys during it, so the next arrow waits for the vertex).
    for count, key in ((2, "ArrowRight"), (3, "ArrowDown")):
        page.keyboard.press(key)
        page.keyboard.press("Enter")
        expect(drawing).to_have_attribute("data-vertices", str(count))
    page.wait_for_function(
        "JSON.parse(document.getElementById('id_location').value).type === 'Polygon'"
    )
    polygon = text.input_value()
    # The textarea stays the field: typing GeoJSON redraws the map.
    text.fill(
        '{"type": "LineString", "coordinates": [[7.46, 51.51], [7.47, 51.52], [7.48, 51.52]]}'
    )
    text.dispatch_event("change")
    expect(drawing).to_have_attribute("data-kind", "line")
    expect(drawing).to_have_attribute("data-vertices", "3")
    text.fill(polygon)
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    project.refresh_from_db()
    assert project.location["type"] == "Polygon"
    assert len(project.location["coordinates"][0]) == 4
    assert not [text for text in problems if "Content Security Policy" in text]
    context.close()


def assert_accessible(page, where):
    from tests.browser.test_accessibility import AXE, AXE_OPTIONS, FAIL_ON_REVIEW, describe

    results = AXE.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe did not check anything"
    violations = results["violations"] + [
        result for result in results["incomplete"] if result["id"] in FAIL_ON_REVIEW
    ]
    assert not violations, f"axe on {where}:\n" + describe(violations)


def test_submission_form_errors_name_the_fields_and_are_accessible(logged_in_context, people):
    page = logged_in_context.new_page()
    page.goto("/einreichen/neu/")
    assert_accessible(page, "the submission form")
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Kurzbeschreibung").fill("Eine Fläche mit nur zwei Ecken.")
    page.locator("#id_city").select_option(label="Dortmund")
    page.get_by_label("Intelligente Mobilität").check()
    page.get_by_label("In einer Fläche").check()
    page.get_by_label("Linie oder Fläche: Punkte").fill("51.4890, 7.5000\n51.4895, 7.5070")
    page.get_by_label("Was ist auf Bild 2 zu sehen?").fill("Ein Bild ohne Datei")
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(page.locator(".field-invalid")).to_have_count(2)
    expect(page.locator(".field-invalid").first).to_contain_text("mindestens drei Punkte")
    expect(page.locator(".field-invalid").nth(1)).to_contain_text("Bilddatei")
    # The kind stays chosen and the map shows the two typed corners.
    expect(page.locator("#pick-map")).to_have_attribute("data-vertices", "2")
    assert_accessible(page, "the submission form with errors")
