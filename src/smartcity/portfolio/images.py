"""Uploaded images: checked by content and size, re-encoded without metadata (EXIF, GPS)."""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}


def clean_image(upload) -> SimpleUploadedFile:
    if upload.size > MAX_BYTES:
        raise ValidationError(_("Das Bild ist größer als 8 MB."), code="too_large")
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            if image_format not in FORMATS:
                raise ValidationError(_("Erlaubt sind JPEG, PNG und WebP."), code="format")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("Das Bild hat zu viele Bildpunkte."), code="too_large")
            probe.load()
            # Re-encoded from pixels with empty info: no EXIF, GPS position or comments stay.
            clean = probe.copy()
            clean.info = {}
    except Image.DecompressionBombError as error:
        # Pillow refuses canvases far beyond MAX_PIXELS already while opening.
        raise ValidationError(_("Das Bild hat zu viele Bildpunkte."), code="too_large") from error
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError(_("Die Datei ist kein lesbares Bild."), code="invalid") from error
    if image_format == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    buffer = io.BytesIO()
    clean.save(buffer, format=image_format)
    extension, content_type = FORMATS[image_format]
    return SimpleUploadedFile(f"bild.{extension}", buffer.getvalue(), content_type=content_type)
