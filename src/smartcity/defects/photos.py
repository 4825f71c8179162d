"""Photo intake: check by content, refuse bombs and oversized files, re-encode without metadata.

Re-encoding from decoded pixels is what removes EXIF (including GPS), XMP, ICC comments and
anything a crafted file hides after the image data.
"""

import io
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 50-megapixel phone photo is still fine after downscaling
MAX_EDGE = 2048
THUMB_EDGE = 400
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
MAX_PHOTOS = 3


class PhotoError(ValueError):
    pass


def read_limited(upload, limit: int = MAX_BYTES) -> bytes:
    """Read at most ``limit`` bytes; a longer file is refused without reading it all."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise PhotoError(too_large_message(limit))
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PhotoError(too_large_message(limit))
    return data


def too_large_message(limit: int) -> str:
    return _("Das Foto ist zu groß (höchstens %(mb)d MB).") % {"mb": limit // (1024 * 1024)}


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise PhotoError(_("Das Foto hat zu viele Bildpunkte.")) from error
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise PhotoError(_("Die Datei ist kein Foto (erlaubt: JPEG, PNG, WebP, GIF).")) from error
    if image.format not in ACCEPTED_FORMATS:
        raise PhotoError(_("Die Datei ist kein Foto (erlaubt: JPEG, PNG, WebP, GIF)."))
    width, height = image.size
    # Checked before decoding: a small file can declare an enormous canvas (a "bomb").
    if width * height > MAX_PIXELS:
        raise PhotoError(_("Das Foto hat zu viele Bildpunkte."))
    return image


def _encode(image: Image.Image, edge: int, quality: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((edge, edge))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def clean_photo(data: bytes) -> tuple[bytes, bytes, int, int]:
    """(image JPEG, thumbnail JPEG, width, height) from an uploaded file's bytes."""
    image = _open(data)
    try:
        image.load()
        # Apply the camera's rotation before the EXIF block (which holds it) is dropped.
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        pixels = Image.new(image.mode, image.size)
        pixels.paste(image)  # a fresh image carries no info dict at all
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoError(_("Das Foto ist beschädigt und kann nicht gelesen werden.")) from error
    main = _encode(pixels, MAX_EDGE, 85)
    thumb = _encode(pixels, THUMB_EDGE, 80)
    width, height = Image.open(io.BytesIO(main)).size
    return main, thumb, width, height


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
