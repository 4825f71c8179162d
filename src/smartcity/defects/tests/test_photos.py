"""Photos are checked by content and size, re-encoded without metadata, and reviewed."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from smartcity.defects import photos, services
from smartcity.defects.models import Photo, Report
from smartcity.defects.tests.factories import INSIDE, jpeg_with_gps, png, png_bomb, setup_defects


@pytest.fixture
def pothole(cities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return setup_defects(cities)


def report_with(category, *files):
    return services.create_report(
        category.city,
        category=category,
        latitude=INSIDE[0],
        longitude=INSIDE[1],
        description="Schlagloch mit Foto",
        photos=list(files),
        source=Report.Source.WEB,
    )


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root) -> list[str]:
    return [os.path.join(path, name) for path, _dirs, names in os.walk(root) for name in names]


def test_gps_and_all_exif_are_gone_from_the_stored_file(pothole, tmp_path):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test file has GPS
    report = report_with(pothole, upload(original))
    photo = report.photos.get()
    with open(photo.image.path, "rb") as handle:
        stored = handle.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    thumb = Image.open(photo.thumbnail.path)
    assert max(thumb.size) <= photos.THUMB_EDGE
    assert photo.review == Photo.Review.PENDING


def test_png_with_transparency_is_re_encoded_as_jpeg(pothole):
    report = report_with(pothole, upload(png(), "bild.png", "image/png"))
    assert Image.open(report.photos.get().image.path).format == "JPEG"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<script>alert('x')</script>", "kein Foto"),
        (b"#!/bin/sh\nrm -rf /\n" + b"\xff\xd8\xff" * 10, "kein Foto"),
        (png_bomb(), "zu viele Bildpunkte"),
        (b"%PDF-1.4 not an image", "kein Foto"),
    ],
    ids=["script", "shell-script", "png-bomb", "pdf"],
)
def test_files_that_are_not_photos_are_refused_and_nothing_is_stored(
    pothole, tmp_path, data, message
):
    with pytest.raises(services.ReportInvalid) as problem:
        # Claiming to be a JPEG does not help: the content decides.
        report_with(pothole, upload(jpeg_with_gps()), upload(data, "evil.jpg", "image/jpeg"))
    assert message in problem.value.errors["photos"][0]
    assert Report.objects.count() == 0 and Photo.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_a_50_mb_upload_is_refused_without_reading_it_all(pothole, tmp_path):
    big = upload(b"\xff\xd8\xff" + b"0" * (50 * 1024 * 1024))
    with pytest.raises(services.ReportInvalid) as problem:
        report_with(pothole, big)
    assert "zu groß" in problem.value.errors["photos"][0]
    assert Report.objects.count() == 0 and stored_files(tmp_path) == []


def test_more_than_three_photos_are_refused(pothole):
    with pytest.raises(services.ReportInvalid) as problem:
        report_with(pothole, *[upload(jpeg_with_gps()) for _ in range(4)])
    assert "photos" in problem.value.errors


def test_a_moderator_blacks_out_a_region_before_approving(
    pothole, django_capture_on_commit_callbacks
):
    white = io.BytesIO()
    Image.new("RGB", (100, 100), (255, 255, 255)).save(white, "JPEG")
    report = report_with(pothole, upload(white.getvalue()))
    photo = report.photos.get()
    old_path = photo.image.path
    with django_capture_on_commit_callbacks(execute=True):
        services.review_photo(photo, None, approve=True, boxes=[(0.0, 0.0, 0.5, 0.5)])
    photo.refresh_from_db()
    assert photo.review == Photo.Review.APPROVED
    image = Image.open(photo.image.path).convert("L")
    assert image.getpixel((10, 10)) < 30  # blacked out
    assert image.getpixel((90, 90)) > 220  # untouched
    assert not os.path.exists(old_path)  # the unredacted original is gone


def test_hidden_photos_are_not_public(pothole):
    report = report_with(pothole, upload(jpeg_with_gps()))
    services.review_photo(report.photos.get(), None, approve=False)
    assert report.photos.get().review == Photo.Review.HIDDEN


def test_large_sideways_photo_is_stored_upright_and_at_most_2048_px(pothole):
    image = Image.new("RGB", (3000, 1500), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the phone was held upright
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    photo = report_with(pothole, upload(out.getvalue())).photos.get()
    assert Image.open(photo.image.path).size == (1024, 2048)
    assert Image.open(photo.thumbnail.path).size == (200, 400)
