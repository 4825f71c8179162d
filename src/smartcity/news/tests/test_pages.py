"""Lists with filters, details, drafts hidden, the body sanitised, images checked."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from PIL import Image

from smartcity.news.content import strip_metadata, validate_image
from smartcity.news.models import Event, Post
from smartcity.news.tests.factories import make_event, make_post, tag


def test_post_list_filters_and_detail(client, cities):
    mobility = tag("mobilitaet", "Mobilität")
    make_post(cities["dortmund"], [mobility], title="Radwege", slug="radwege")
    make_post(cities["dortmund"], title="Schulhöfe begrünt")
    make_post(cities["dortmund"], title="Geheim", status=Post.Status.DRAFT, slug="geheim")
    page = client.get("/dortmund/aktuelles/").content.decode()
    assert "Radwege" in page and "Schulhöfe begrünt" in page and "Geheim" not in page
    page = client.get("/dortmund/aktuelles/?tag=mobilitaet").content.decode()
    assert "Radwege" in page and "Schulhöfe begrünt" not in page
    page = client.get("/dortmund/aktuelles/?q=schul").content.decode()
    assert "Schulhöfe begrünt" in page and "Radwege" not in page
    assert client.get("/dortmund/aktuelles/radwege/").status_code == 200
    assert client.get("/dortmund/aktuelles/geheim/").status_code == 404
    assert client.get("/schwerte/aktuelles/radwege/").status_code == 404


def test_event_list_filters_by_category_and_period(client, cities):
    make_event(cities["dortmund"], title="Werkstatt", category=Event.Category.PARTICIPATION)
    make_event(cities["dortmund"], title="Vortrag")
    make_event(cities["dortmund"], title="Gestern", days=-2)
    page = client.get("/dortmund/veranstaltungen/").content.decode()
    assert "Werkstatt" in page and "Vortrag" in page and "Gestern" not in page
    page = client.get("/dortmund/veranstaltungen/?kategorie=participation").content.decode()
    assert "Werkstatt" in page and "Vortrag" not in page
    page = client.get("/dortmund/veranstaltungen/?zeitraum=vergangen").content.decode()
    assert "Gestern" in page and "Werkstatt" not in page
    assert "/feeds/dortmund/veranstaltungen.ics" in page


def test_body_is_sanitised(cities):
    post = make_post(cities["dortmund"], body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    assert post.body == "<p>Hi</p>"


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (20, 10), "red")
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_images_are_checked_by_content_and_lose_their_metadata():
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("bild.jpg", b"kein bild", "image/jpeg"))
    upload = SimpleUploadedFile("bild.jpg", _jpeg_with_exif(), "image/jpeg")
    validate_image(upload)
    assert b"Kamerahersteller" in upload.read()
    clean = strip_metadata(upload)
    clean.seek(0)
    data = clean.read()
    assert b"Kamerahersteller" not in data
    assert Image.open(io.BytesIO(data)).size == (20, 10)


def test_saved_post_image_is_upright_without_gps(cities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; shown rotated by 90°
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    post = make_post(cities["dortmund"], title="Mit Bild", slug="mit-bild")
    post.image = SimpleUploadedFile("Foto vom Markt.jpg", buffer.getvalue(), "image/jpeg")
    post.image_alt = "Marktplatz"
    post.save()
    post.refresh_from_db()
    with Image.open(post.image.path) as stored:
        assert stored.size == (20, 40)
        assert dict(stored.getexif()) == {}
    assert post.image.name.endswith(".jpg")


def test_oversized_and_disguised_images_are_refused():
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("bild.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg"))
    big = SimpleUploadedFile("bild.png", b"\x89PNG" + b"0" * (8 * 1024 * 1024), "image/png")
    with pytest.raises(ValidationError) as raised:
        validate_image(big)
    assert raised.value.code == "too_large"


def test_event_time_is_one_translated_text_in_either_language(client, cities):
    event = make_event(cities["dortmund"], title="Werkstatt", slug="werkstatt")
    start = timezone.localtime(event.start)
    end = timezone.localtime(event.end)
    page = client.get("/dortmund/veranstaltungen/werkstatt/").content.decode()
    german = f"{date_format(start, 'l, j. F Y, H:i')}–{end:%H:%M} Uhr"
    assert german in page
    with translation.override("en"):
        english = f"{date_format(start, 'l, j F Y, H:i')}–{end:%H:%M}"
    page = client.get("/dortmund/veranstaltungen/werkstatt/", HTTP_ACCEPT_LANGUAGE="en")
    assert english + "</time>" in page.content.decode()
