"""Photo intake: ``core.images`` with the reporters' limits (10 MB, JPEG/PNG/WebP/GIF, at most
2048 px stored, 400 px thumbnail), always stored as JPEG.

Re-encoding from decoded pixels is what removes EXIF (including GPS), XMP, ICC comments and
anything a crafted file hides after the image data.
"""

import io
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from smartcity.core import images

MAX_BYTES = 10 * images.MB
MAX_PIXELS = images.DEFAULT_MAX_PIXELS  # a 50-megapixel phone photo is still fine
MAX_EDGE = 2048
THUMB_EDGE = 400
ACCEPTED_FORMATS = images.PHOTO_FORMATS
MAX_PHOTOS = 3


class PhotoError(ValueError):
    pass


def read_limited(upload, limit: int = MAX_BYTES) -> bytes:
    """Read at most ``limit`` bytes; a longer file is refused without reading it all."""
    try:
        return images.read_limited(upload, limit)
    except images.ImageRejected as error:
        raise PhotoError(too_large_message(limit)) from error


def too_large_message(limit: int) -> str:
    return _("Das Foto ist zu groß (höchstens %(mb)d MB).") % {"mb": limit // (1024 * 1024)}


def _encode(image: Image.Image, edge: int, quality: int) -> bytes:
    return images.encode(image, "JPEG", max_edge=edge, quality=quality)


def clean_photo(data: bytes) -> tuple[bytes, bytes, int, int]:
    """(image JPEG, thumbnail JPEG, width, height) from an uploaded file's bytes."""
    try:
        clean = images.clean_image(
            data,
            formats=ACCEPTED_FORMATS,
            max_bytes=MAX_BYTES,
            max_pixels=MAX_PIXELS,
            output_format="JPEG",
            max_edge=MAX_EDGE,
        )
    except images.ImageRejected as error:
        if error.code == "format":
            raise PhotoError(
                _("Die Datei ist kein Foto (erlaubt: JPEG, PNG, WebP, GIF).")
            ) from error
        if error.code == "invalid":
            raise PhotoError(_("Das Foto ist beschädigt und kann nicht gelesen werden.")) from error
        raise PhotoError(error.message) from error
    return clean.data, clean.thumbnail(THUMB_EDGE), clean.width, clean.height


def content_files(main: bytes, thumb: bytes) -> tuple[ContentFile, ContentFile]:
    name = uuid.uuid4().hex
    return ContentFile(main, name=f"{name}.jpg"), ContentFile(thumb, name=f"{name}.jpg")


def black_out(data: bytes, boxes: list[tuple[float, float, float, float]]) -> tuple[bytes, bytes]:
    """Paint black rectangles (relative x, y, width, height in 0..1) over faces or plates."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for x, y, w, h in boxes:
        if not all(0 <= value <= 1 for value in (x, y, w, h)):
            raise PhotoError(_("Bereiche müssen innerhalb des Fotos liegen."))
        draw.rectangle([x * width, y * height, (x + w) * width, (y + h) * height], fill=(0, 0, 0))
    return _encode(image, MAX_EDGE, 85), _encode(image, THUMB_EDGE, 80)
