import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from smartcity.portfolio.images import clean_image


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares a huge canvas (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [8_000, 30_000])
def test_huge_canvases_are_refused_with_a_message(side):
    upload = SimpleUploadedFile("bombe.png", png_header_only(side, side), "image/png")
    with pytest.raises(ValidationError) as raised:
        clean_image(upload)
    assert raised.value.code == "too_large"


def test_metadata_is_removed():
    image = Image.new("RGB", (20, 10), "red")
    exif = Image.Exif()
    exif[0x010F] = "Kamera GmbH"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    cleaned = clean_image(SimpleUploadedFile("foto.jpg", buffer.getvalue(), "image/jpeg"))
    with Image.open(io.BytesIO(cleaned.read())) as result:
        assert result.size == (20, 10)
        assert not result.getexif()


def test_limit_is_8_mb_and_orientation_is_applied():
    too_big = SimpleUploadedFile("gross.png", b"\x89PNG" + b"0" * (8 * 1024 * 1024), "image/png")
    with pytest.raises(ValidationError) as raised:
        clean_image(too_big)
    assert raised.value.code == "too_large"
    image = Image.new("RGB", (20, 10), "red")
    exif = Image.Exif()
    exif[0x0112] = 8  # Orientation: rotate 90° to show upright
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    cleaned = clean_image(SimpleUploadedFile("foto.jpg", buffer.getvalue(), "image/jpeg"))
    assert cleaned.name == "bild.jpg" and cleaned.content_type == "image/jpeg"
    with Image.open(io.BytesIO(cleaned.read())) as result:
        assert result.size == (10, 20)
