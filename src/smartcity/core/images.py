"""Image intake for every upload of pictures (news, portfolio, defects, open data, ideas).

One path for all of them:

1. :func:`open_checked` – the type comes from the content (Pillow's parser), never from the
   file name or the browser's content type; the byte size and the declared canvas are checked
   *before* any pixel is decoded, so a small file that declares a huge canvas (a
   decompression bomb) is refused cheaply.
2. :func:`upright_pixels` – decodes, applies the camera's EXIF orientation and copies the
   pixels into a fresh image. The fresh image carries no ``info`` at all: no EXIF (camera,
   GPS position), XMP, ICC profile, comments or text chunks, nor anything a crafted file hides
   after the image data.
3. :func:`encode` – writes JPEG, PNG or WebP, optionally scaled down to a longest edge;
   :func:`thumbnail` is the same with a small edge.

:func:`clean_image` runs all three and returns a :class:`CleanImage`. Refusals raise
:class:`ImageRejected`, a ``ValidationError`` with one German message for the uploader and a
``code`` (``too_large``, ``format``, ``invalid``).
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
# 40 million pixels (a 7,700 x 5,200 photo) are about 160 MB while decoding (RGBA): this
# bounds the memory one upload can take, far below Pillow's own bomb limit (89 million).
DEFAULT_MAX_PIXELS = 40_000_000
THUMBNAIL_EDGE = 400

# Formats we write (and serve); their media type and file extension.
OUTPUT_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
WEB_FORMATS = frozenset(OUTPUT_FORMATS)
# Phones also send GIFs and multi-picture JPEGs (MPO); they are read and written as JPEG.
PHOTO_FORMATS = WEB_FORMATS | {"GIF", "MPO"}
FORMAT_LABELS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "MPO": "JPEG"}


class ImageRejected(ValidationError):
    """The upload is not an acceptable picture; ``message`` says why, for the uploader."""


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded picture without metadata, and its pixels for further sizes."""

    data: bytes
    format: str
    width: int
    height: int
    pixels: Image.Image = field(repr=False, compare=False)

    @property
    def content_type(self) -> str:
        return OUTPUT_FORMATS[self.format][0]

    @property
    def extension(self) -> str:
        return OUTPUT_FORMATS[self.format][1]

    def as_upload(self, stem: str = "bild") -> SimpleUploadedFile:
        """The picture as an uploaded file for a ``FileField`` (named ``<stem>.<ext>``)."""
        return SimpleUploadedFile(f"{stem}.{self.extension}", self.data, self.content_type)

    def thumbnail(self, edge: int = THUMBNAIL_EDGE, quality: int = 80) -> bytes:
        """A JPEG no larger than ``edge`` on its longest side."""
        return thumbnail(self.pixels, edge, quality=quality)


def too_large_message(max_bytes: int) -> str:
    return _("Das Bild ist zu groß (höchstens %(mb)d MB).") % {"mb": max(1, max_bytes // MB)}


def too_many_pixels_message() -> str:
    return _("Das Bild hat zu viele Bildpunkte.")


def format_message(formats) -> str:
    labels = sorted({FORMAT_LABELS.get(name, name) for name in formats})
    return _("Die Datei ist kein Bild in einem erlaubten Format (%(formats)s).") % {
        "formats": ", ".join(labels)
    }


def unreadable_message() -> str:
    return _("Die Datei ist kein lesbares Bild.")


def read_limited(upload, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The upload's bytes; refused without reading it all when it has more than ``max_bytes``.

    ``upload`` is ``bytes`` or a file object (an ``UploadedFile``, a ``FieldFile``, ...).
    """
    if isinstance(upload, (bytes, bytearray, memoryview)):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > max_bytes:
            raise ImageRejected(too_large_message(max_bytes), code="too_large")
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(max_bytes + 1)
        if hasattr(upload, "seek"):
            upload.seek(0)
    if len(data) > max_bytes:
        raise ImageRejected(too_large_message(max_bytes), code="too_large")
    return data


def open_checked(
    data: bytes, *, formats=WEB_FORMATS, max_pixels: int = DEFAULT_MAX_PIXELS
) -> Image.Image:
    """The picture opened lazily (header only) once its type and canvas size are acceptable."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; treat it as a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(too_many_pixels_message(), code="too_large") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ImageRejected(format_message(formats), code="format") from error
    if image.format not in formats:
        image.close()
        raise ImageRejected(format_message(formats), code="format")
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise ImageRejected(unreadable_message(), code="invalid")
    if width * height > max_pixels:
        image.close()
        raise ImageRejected(too_many_pixels_message(), code="too_large")
    return image


def _plain_mode(image: Image.Image) -> Image.Image:
    """RGB, RGBA, L or LA: the modes every output format can take."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    if image.mode in ("P", "PA"):
        has_alpha = image.mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    if image.mode in ("1", "I", "I;16", "I;16B", "I;16L", "F"):
        return image.convert("L")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, ...


def upright_pixels(image: Image.Image) -> Image.Image:
    """Decode, turn as the camera's orientation tag says, and copy into a metadata-free image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            # Applied before the EXIF block (which holds the orientation) is dropped.
            turned = ImageOps.exif_transpose(image) or image
            plain = _plain_mode(turned)
            fresh = Image.new(plain.mode, plain.size)
            fresh.paste(plain)  # a new image carries no info dict: no EXIF, GPS, ICC, text
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(too_many_pixels_message(), code="too_large") from error
    except (OSError, ValueError, SyntaxError, struct.error) as error:
        raise ImageRejected(unreadable_message(), code="invalid") from error
    return fresh


def encode(
    pixels: Image.Image, image_format: str, *, max_edge: int | None = None, quality: int = 85
) -> bytes:
    """JPEG, PNG or WebP bytes of ``pixels``, scaled down to ``max_edge`` if it is given."""
    image = pixels
    if max_edge and max(image.size) > max_edge:
        image = image.copy()
        image.thumbnail((max_edge, max_edge))
    if image_format == "JPEG" and image.mode in ("RGBA", "LA"):
        # JPEG has no transparency: transparent parts become white, not black.
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    out = io.BytesIO()
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=quality, optimize=True)
    elif image_format == "WEBP":
        image.save(out, "WEBP", quality=quality)
    elif image_format == "PNG":
        image.save(out, "PNG")
    else:
        raise ValueError(f"cannot write {image_format}")
    return out.getvalue()


def thumbnail(pixels: Image.Image, edge: int = THUMBNAIL_EDGE, *, quality: int = 80) -> bytes:
    """A JPEG of ``pixels`` no larger than ``edge`` on its longest side."""
    return encode(pixels, "JPEG", max_edge=edge, quality=quality)


def clean_image(
    upload,
    *,
    formats=WEB_FORMATS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    output_format: str | None = None,
    max_edge: int | None = None,
    quality: int = 85,
) -> CleanImage:
    """Check, decode, turn upright, strip and re-encode an uploaded picture.

    ``formats`` are the accepted input formats (by content); the output keeps the input's
    format unless ``output_format`` is given (GIF and MPO become JPEG). ``max_edge`` scales
    larger pictures down.
    """
    data = read_limited(upload, max_bytes)
    with open_checked(data, formats=formats, max_pixels=max_pixels) as image:
        source_format = image.format
        pixels = upright_pixels(image)
    target = output_format or (source_format if source_format in OUTPUT_FORMATS else "JPEG")
    if max_edge and max(pixels.size) > max_edge:
        pixels.thumbnail((max_edge, max_edge))
    encoded = encode(pixels, target, quality=quality)
    width, height = pixels.size
    return CleanImage(encoded, target, width, height, pixels)
