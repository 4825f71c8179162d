"""Test data for the defect reporter."""

import io

from PIL import Image

from smartcity.defects import demo
from smartcity.defects.models import Category

# A square around Dortmund's centre, small enough that Schwerte lies outside.
DORTMUND_BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[7.30, 51.42], [7.65, 51.42], [7.65, 51.60], [7.30, 51.60], [7.30, 51.42]]],
}
INSIDE = (51.5136, 7.4653)  # lat, lon: Dortmund city centre
OUTSIDE = (52.52, 13.405)  # Berlin


def setup_defects(cities, boundary=True):
    """Demo categories for both cities; Dortmund gets a boundary."""
    if boundary:
        dortmund = cities["dortmund"]
        dortmund.boundary = DORTMUND_BOUNDARY
        dortmund.save()
    demo.load_categories()
    return Category.objects.get(city=cities["dortmund"], code="schlagloch")


def jpeg_with_gps(size=(64, 48), colour=(200, 40, 40)) -> bytes:
    """A JPEG carrying EXIF with a GPS position (as a phone would write it)."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 49.0)
    gps[3] = "E"
    gps[4] = (7.0, 27.0, 55.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A tiny PNG that declares an enormous canvas (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    data = zlib.compress(row * 16, 9)  # far fewer rows than declared: still refused first
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
