"""Photo review in a real browser: draw the rectangle to black out on the photo by dragging,
or type it into the numeric fields by keyboard; the stored photo is blacked out there."""

import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS, describe

pytestmark = pytest.mark.browser


def assert_accessible(page, name):
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"axe found WCAG 2.1 AA violations on {name}:\n" + describe(violations)


@pytest.fixture
def photo_report(cities, settings, tmp_path):
    from smartcity.accounts.models import Membership, User
    from smartcity.accounts.roles import Role
    from smartcity.defects import services
    from smartcity.defects.models import Report
    from smartcity.defects.tests.factories import INSIDE, jpeg_with_gps, setup_defects

    settings.MEDIA_ROOT = tmp_path
    pothole = setup_defects(cities)
    report = services.create_report(
        pothole.city,
        category=pothole,
        latitude=INSIDE[0],
        longitude=INSIDE[1],
        description="Kennzeichen im Bild",
        source=Report.Source.WEB,
        photos=[jpeg_with_gps(size=(400, 300), colour=(240, 240, 240))],
    )
    staff = User.objects.create_user("tiefbau", "tiefbau@example.org", "pw-123-long")
    Membership.objects.create(user=staff, city=pothole.city, role=Role.DEPARTMENT)
    return report, staff


def darkness(photo, x, y):
    """Brightness (0–255) of the stored photo at a point given in fractions of its size."""
    from PIL import Image

    photo.refresh_from_db()
    with photo.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read())).convert("L")
    return image.getpixel((int(x * (image.width - 1)), int(y * (image.height - 1))))


def open_review(context, photo_report, live_server):
    report, staff = photo_report
    log_in(context, staff, live_server)
    page = context.new_page()
    page.goto(f"/dortmund/maengel/{report.pk}/bearbeiten/")
    page.get_by_text("Bereich schwärzen (Gesichter, Kennzeichen) und freigeben").click()
    return page


def test_drag_a_rectangle_on_the_photo_and_black_it_out(context, photo_report, live_server):
    from smartcity.defects.models import Photo

    page = open_review(context, photo_report, live_server)
    image = page.get_by_role("img", name="Foto 1 zum Markieren des Bereichs")
    expect(image).to_be_visible()
    assert_accessible(page, "photo review with drawing area")
    box = image.bounding_box()
    # Drag from 10 %/20 % to 50 %/60 % of the photo.
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4, steps=4)
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.6, steps=4)
    page.mouse.up()
    values = {
        name: float(page.locator(f"form.black-out [name={name}]").input_value())
        for name in ("x", "y", "width", "height")
    }
    assert values["x"] == pytest.approx(10, abs=1.5)
    assert values["y"] == pytest.approx(20, abs=1.5)
    assert values["width"] == pytest.approx(40, abs=1.5)
    assert values["height"] == pytest.approx(40, abs=1.5)
    expect(page.locator(".blackout-box")).to_be_visible()
    expect(page.locator(".blackout-status")).to_contain_text("Prozent von links")
    page.get_by_role("button", name="Schwärzen und freigeben").click()
    expect(page.locator(".messages")).to_contain_text("Das Foto wurde geprüft.")

    photo = Photo.objects.get()
    assert photo.review == Photo.Review.APPROVED
    assert darkness(photo, 0.3, 0.4) < 40  # inside the drawn rectangle: black
    assert darkness(photo, 0.8, 0.9) > 200  # outside: the light photo as it was


def test_the_numeric_fields_work_by_keyboard_and_move_the_rectangle(
    context, photo_report, live_server
):
    from smartcity.defects.models import Photo

    page = open_review(context, photo_report, live_server)
    page.get_by_label("Links (%)").focus()
    for label, value in (("Links (%)", "60"), ("Oben (%)", "50"), ("Breite (%)", "30")):
        field = page.get_by_label(label)
        field.press_sequentially(value)
        page.keyboard.press("Tab")
    page.keyboard.type("25")  # Höhe (%), reached with Tab
    drawn = page.locator(".blackout-box")
    expect(drawn).to_be_visible()
    canvas = page.locator(".blackout-canvas").bounding_box()
    shown = drawn.bounding_box()
    assert shown["x"] - canvas["x"] == pytest.approx(canvas["width"] * 0.6, abs=3)
    assert shown["width"] == pytest.approx(canvas["width"] * 0.3, abs=3)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the submit button
    expect(page.locator(".messages")).to_contain_text("Das Foto wurde geprüft.")
    photo = Photo.objects.get()
    assert darkness(photo, 0.75, 0.6) < 40
    assert darkness(photo, 0.2, 0.2) > 200
