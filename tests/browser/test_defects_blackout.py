"""Photo review in a real browser: draw the rectangles to black out on the photo by dragging
(several in one pass), or type them into the numeric fields by keyboard; the stored photo is
blacked out there and nowhere else."""

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
    page.get_by_text("Bereiche schwärzen (Gesichter, Kennzeichen) und freigeben").click()
    return page


def drag(page, box, start, end):
    """Drag on the photo from ``start`` to ``end`` (fractions of its width and height)."""
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    page.mouse.move(
        box["x"] + box["width"] * middle[0], box["y"] + box["height"] * middle[1], steps=4
    )
    page.mouse.move(box["x"] + box["width"] * end[0], box["y"] + box["height"] * end[1], steps=4)
    page.mouse.up()


def rectangle(page, number):
    return {
        name: float(page.locator(f"form.black-out [name={name}_{number}]").input_value())
        for name in ("x", "y", "width", "height")
    }


def group(page, number):
    return page.get_by_role("group", name=f"Rechteck {number} in Foto 1, in Prozent")


def test_drag_two_rectangles_on_the_photo_and_black_them_out(context, photo_report, live_server):
    from smartcity.defects.models import Photo

    page = open_review(context, photo_report, live_server)
    image = page.get_by_role("img", name="Foto 1 zum Markieren der Bereiche")
    expect(image).to_be_visible()
    assert_accessible(page, "photo review with drawing area")
    expect(group(page, 2)).to_be_hidden()  # more rectangles appear as they are drawn
    image.evaluate("element => element.scrollIntoView({block: 'center'})")  # all of it in view
    box = image.bounding_box()
    drag(page, box, (0.1, 0.2), (0.5, 0.6))  # a face …
    first = rectangle(page, 1)
    assert first["x"] == pytest.approx(10, abs=1.5)
    assert first["y"] == pytest.approx(20, abs=1.5)
    assert first["width"] == pytest.approx(40, abs=1.5)
    assert first["height"] == pytest.approx(40, abs=1.5)
    expect(page.locator(".blackout-status")).to_contain_text("Rechteck 1 markiert")
    drag(page, box, (0.9, 0.7), (0.6, 0.9))  # … and a number plate, drawn leftwards
    second = rectangle(page, 2)
    assert second["x"] == pytest.approx(60, abs=1.5)
    assert second["width"] == pytest.approx(30, abs=1.5)
    assert rectangle(page, 1) == first  # the first one stays
    expect(page.locator(".blackout-box:visible")).to_have_count(2)
    expect(page.locator(".blackout-status")).to_contain_text("Rechteck 2 markiert")
    expect(group(page, 2)).to_be_visible()
    # A wrong third one is drawn and removed again.
    drag(page, box, (0.05, 0.8), (0.2, 0.95))
    expect(page.locator(".blackout-box:visible")).to_have_count(3)
    page.get_by_role("button", name="Rechteck 3 entfernen").click()
    expect(page.locator(".blackout-box:visible")).to_have_count(2)
    expect(page.locator(".blackout-status")).to_contain_text("Rechteck 3 entfernt")
    assert_accessible(page, "photo review with two rectangles")
    page.get_by_role("button", name="Schwärzen und freigeben").click()
    expect(page.locator(".messages")).to_contain_text("Das Foto wurde geprüft.")

    photo = Photo.objects.get()
    assert photo.review == Photo.Review.APPROVED
    assert darkness(photo, 0.3, 0.4) < 40  # inside the first rectangle: black
    assert darkness(photo, 0.75, 0.8) < 40  # inside the second: black
    assert darkness(photo, 0.1, 0.9) > 200  # the removed third: the photo as it was
    assert darkness(photo, 0.8, 0.2) > 200  # outside: the light photo as it was


def test_the_numeric_fields_work_by_keyboard_and_move_the_rectangles(
    context, photo_report, live_server
):
    from smartcity.defects.models import Photo

    page = open_review(context, photo_report, live_server)
    group(page, 1).get_by_label("Links (%)").focus()
    for label, value in (("Links (%)", "60"), ("Oben (%)", "50"), ("Breite (%)", "30")):
        field = group(page, 1).get_by_label(label)
        field.press_sequentially(value)
        page.keyboard.press("Tab")
    page.keyboard.type("25")  # Höhe (%), reached with Tab
    drawn = page.locator(".blackout-box[data-number='1']")
    expect(drawn).to_be_visible()
    canvas = page.locator(".blackout-canvas").bounding_box()
    shown = drawn.bounding_box()
    assert shown["x"] - canvas["x"] == pytest.approx(canvas["width"] * 0.6, abs=3)
    assert shown["width"] == pytest.approx(canvas["width"] * 0.3, abs=3)
    # A second rectangle by keyboard: the button opens its fields and moves the focus there.
    more = page.get_by_role("button", name="Weiteres Rechteck eingeben")
    more.focus()
    page.keyboard.press("Enter")
    expect(group(page, 2).get_by_label("Links (%)")).to_be_focused()
    for value in ("5", "5", "20"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.type("20")
    expect(page.locator(".blackout-box[data-number='2']")).to_be_visible()
    page.get_by_role("button", name="Schwärzen und freigeben").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Das Foto wurde geprüft.")
    photo = Photo.objects.get()
    assert darkness(photo, 0.75, 0.6) < 40
    assert darkness(photo, 0.15, 0.15) < 40
    assert darkness(photo, 0.4, 0.3) > 200
