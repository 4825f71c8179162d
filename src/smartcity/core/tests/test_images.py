"""core.images: the one intake path for uploaded pictures."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from smartcity.core import images

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg(size=(64, 32), colour=(200, 40, 40), orientation=None, gps=True) -> bytes:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        ifd = exif.get_ifd(GPS_IFD)
        ifd[1] = "N"
        ifd[2] = (51.0, 30.0, 0.0)
        ifd[3] = "E"
        ifd[4] = (7.0, 28.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, icc_profile=b"fake-profile-with-a-name")
    return out.getvalue()


def png_with_text(mode="RGBA") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Erika Mustermann")
    out = io.BytesIO()
    Image.new(mode, (30, 20), (0, 128, 0, 128) if mode == "RGBA" else 3).save(
        out, "PNG", pnginfo=info
    )
    return out.getvalue()


def png_header(width: int, height: int, idat: bool = True) -> bytes:
    """A tiny PNG that declares a huge canvas (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1) * 4, 9)) if idat else b""
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + body + chunk(b"IEND", b"")


def reopen(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_exif_gps_icc_are_gone_and_the_pixels_stay():
    original = jpeg()
    assert reopen(original).getexif().get_ifd(GPS_IFD)  # the test file carries a position
    clean = images.clean_image(SimpleUploadedFile("foto.jpg", original, "image/jpeg"))
    result = reopen(clean.data)
    assert (clean.format, result.format, result.size) == ("JPEG", "JPEG", (64, 32))
    assert dict(result.getexif()) == {}
    assert "icc_profile" not in result.info and "exif" not in result.info
    assert b"PhoneMaker" not in clean.data and b"fake-profile" not in clean.data
    red, green, blue = result.getpixel((10, 10))
    assert red > 150 and green < 90 and blue < 90


def test_png_text_chunks_are_dropped_and_transparency_kept():
    clean = images.clean_image(png_with_text())
    result = reopen(clean.data)
    assert result.format == "PNG" and result.mode == "RGBA"
    assert result.getpixel((1, 1))[3] == 128
    assert b"Mustermann" not in clean.data and "Author" not in result.info


def test_palette_png_becomes_rgb():
    clean = images.clean_image(png_with_text(mode="P"))
    assert reopen(clean.data).mode == "RGB"


@pytest.mark.parametrize(("orientation", "size"), [(1, (64, 32)), (6, (32, 64)), (8, (32, 64))])
def test_camera_orientation_is_applied_before_the_tag_is_dropped(orientation, size):
    clean = images.clean_image(jpeg(orientation=orientation, gps=False))
    result = reopen(clean.data)
    assert result.size == size == (clean.width, clean.height)
    assert ORIENTATION not in result.getexif()


def test_type_comes_from_the_content_not_the_name():
    fake = SimpleUploadedFile("foto.jpg", b"<?php echo 1; ?>", "image/jpeg")
    with pytest.raises(images.ImageRejected) as raised:
        images.clean_image(fake)
    assert raised.value.code == "format"
    # A real PNG named .jpg is accepted, and stays a PNG.
    clean = images.clean_image(SimpleUploadedFile("foto.jpg", png_with_text(), "image/jpeg"))
    assert clean.format == "PNG" and clean.content_type == "image/png"


def test_formats_outside_the_allowed_set_are_refused():
    gif = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(gif, "GIF")
    with pytest.raises(images.ImageRejected) as raised:
        images.clean_image(gif.getvalue())  # web formats only by default
    assert raised.value.code == "format"
    assert "JPEG, PNG, WebP" in raised.value.message
    clean = images.clean_image(gif.getvalue(), formats=images.PHOTO_FORMATS)
    assert clean.format == "JPEG"  # GIF is read, JPEG is written


def test_size_limit_is_checked_before_reading_everything():
    class Endless(io.BytesIO):
        size = None

        def read(self, n=-1):
            assert n != -1, "must not read without a limit"
            return super().read(n)

    with pytest.raises(images.ImageRejected) as raised:
        images.clean_image(Endless(b"\xff" * 2048), max_bytes=1024)
    assert raised.value.code == "too_large"
    declared = SimpleUploadedFile("gross.jpg", jpeg(), "image/jpeg")
    with pytest.raises(images.ImageRejected) as raised:
        images.clean_image(declared, max_bytes=100)
    assert raised.value.code == "too_large"


@pytest.mark.parametrize("side", [8_000, 30_000, 100_000])
def test_decompression_bombs_are_refused_before_decoding(side):
    with pytest.raises(images.ImageRejected) as raised:
        images.clean_image(png_header(side, side))
    assert raised.value.code == "too_large"


def test_pixel_limit_is_configurable():
    data = jpeg(size=(100, 100), gps=False)
    with pytest.raises(images.ImageRejected):
        images.clean_image(data, max_pixels=9_999)
    assert images.clean_image(data, max_pixels=10_000).width == 100


def test_truncated_file_is_refused_as_unreadable():
    data = jpeg(size=(400, 300))
    with pytest.raises(images.ImageRejected) as raised:
        images.clean_image(data[: len(data) // 2])
    assert raised.value.code == "invalid"


def test_output_format_edge_and_thumbnail():
    clean = images.clean_image(
        png_with_text(), output_format="JPEG", max_edge=15, formats=images.PHOTO_FORMATS
    )
    result = reopen(clean.data)
    assert result.format == "JPEG" and result.size == (15, 10) == (clean.width, clean.height)
    # transparent parts of a PNG turn white, not black, in a JPEG
    assert min(result.getpixel((5, 5))) > 100
    big = images.clean_image(jpeg(size=(1200, 600), gps=False))
    thumb = reopen(big.thumbnail(400))
    assert thumb.format == "JPEG" and thumb.size == (400, 200)
    assert dict(thumb.getexif()) == {}


def test_as_upload_names_the_file_by_its_real_type():
    upload = images.clean_image(png_with_text()).as_upload("titel")
    assert upload.name == "titel.png" and upload.content_type == "image/png"
    assert reopen(upload.read()).format == "PNG"
