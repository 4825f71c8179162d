"""Pictures of projects, organisations and ideas: ``core.images`` with an 8 MB limit.

Checked by content and size, turned upright, re-encoded without metadata (EXIF, GPS).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from smartcity.core import images

MAX_BYTES = 8 * images.MB


def clean_image(upload) -> SimpleUploadedFile:
    """The cleaned picture as a new upload; raises ``images.ImageRejected`` (a
    ``ValidationError``) when it is not an acceptable JPEG, PNG or WebP."""
    return images.clean_image(upload, max_bytes=MAX_BYTES).as_upload()
