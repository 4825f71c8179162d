"""Editors' images: checked by content and stripped of metadata (rich text: core.html)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 8 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def validate_image(upload) -> None:
    """By content, not by name: a JPEG, PNG or WebP picture of at most 8 MB."""
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("Das Bild ist größer als 8 MB."))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(_("Die Datei ist kein lesbares Bild.")) from None
    finally:
        upload.seek(0)
    if kind not in IMAGE_FORMATS:
        raise ValidationError(_("Bitte ein Bild im Format JPEG, PNG oder WebP hochladen."))


def strip_metadata(upload):
    """Re-encode the pixels only: no EXIF (camera, GPS position), no comments."""
    upload.seek(0)
    with Image.open(upload) as image:
        kind = image.format
        image.load()
        # A new image from the raw pixels carries none of the original's info/EXIF blocks.
        clean = Image.frombytes(image.mode, image.size, image.tobytes())
        if image.mode == "P" and image.getpalette():
            clean.putpalette(image.getpalette())
        buffer = io.BytesIO()
        clean.save(buffer, format=kind, quality=88)
    return InMemoryUploadedFile(
        buffer, "image", upload.name, IMAGE_FORMATS[kind], buffer.tell(), None
    )
