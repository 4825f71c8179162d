"""Editors' images: checked by content and stripped of metadata by ``core.images`` (rich
text: core.html)."""

from __future__ import annotations

import os

from smartcity.core import images

MAX_IMAGE_BYTES = 8 * images.MB


def validate_image(upload) -> None:
    """By content, not by name: a readable JPEG, PNG or WebP picture of at most 8 MB."""
    images.clean_image(upload, max_bytes=MAX_IMAGE_BYTES)


def strip_metadata(upload):
    """Re-encoded, upright, without EXIF (camera, GPS position), ICC profile or comments."""
    clean = images.clean_image(upload, max_bytes=MAX_IMAGE_BYTES)
    stem = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "bild"))[0]
    return clean.as_upload(stem or "bild")
