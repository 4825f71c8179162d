"""Uploaded data files: the size limit (enforced while the body streams in), content checks
against the declared format, metadata stripping, checksum and size.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile

import orjson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from smartcity.core import images

DEFAULT_MAX_UPLOAD_MB = 200
# Whole-file checks (JSON parsing, zip inspection) only up to this size; larger files are
# checked by their first bytes.
DEEP_CHECK_BYTES = 50 * 1024 * 1024


def max_upload_bytes() -> int:
    """The configured limit: ``OPENDATA_MAX_UPLOAD_BYTES`` in settings, or the environment
    variable ``SMARTCITY_OPENDATA_MAX_UPLOAD_MB`` (default 200 MB)."""
    configured = getattr(settings, "OPENDATA_MAX_UPLOAD_BYTES", None)
    if configured:
        return int(configured)
    return int(os.environ.get("SMARTCITY_OPENDATA_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) << 20


class UploadTooLarge(Exception):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(
            _("Die Datei ist zu groß (höchstens %(mb)d MB).") % {"mb": max(1, limit >> 20)}
        )


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading the request as soon as more than the limit has arrived.

    Installed first in ``request.upload_handlers``; callers refuse a declared
    ``Content-Length`` above the limit (:func:`declared_too_large`) before reading a byte.
    """

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit or max_upload_bytes()
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def declared_too_large(request, limit: int | None = None) -> bool:
    """Whether the request announces a body beyond the limit (plus room for form fields)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > (limit or max_upload_bytes()) + 64 * 1024


def install_limit(request) -> LimitedUploadHandler:
    handler = LimitedUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler


def fingerprint(uploaded) -> tuple[int, str]:
    """(size in bytes, SHA-256 hex digest), reading the file in chunks."""
    sha = hashlib.sha256()
    size = 0
    uploaded.seek(0)
    for chunk in (
        uploaded.chunks()
        if hasattr(uploaded, "chunks")
        else iter(lambda: uploaded.read(1 << 20), b"")
    ):
        sha.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    return size, sha.hexdigest()


def _head(uploaded, length: int = 4096) -> bytes:
    uploaded.seek(0)
    head = uploaded.read(length)
    uploaded.seek(0)
    return head


def _read_all(uploaded) -> bytes:
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def _invalid(message: str) -> ValidationError:
    return ValidationError({"upload": [message]})


def check_content(uploaded, format_code: str, size: int) -> None:
    """Raise a ValidationError when the bytes do not match the declared format."""
    head = _head(uploaded)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if format_code in ("CSV", "TXT"):
        if b"\x00" in head:
            raise _invalid(
                _("Die Datei ist keine Textdatei (%(format)s).") % {"format": format_code}
            )
    elif format_code in ("JSON", "GEOJSON", "JSON_LD"):
        if stripped[:1] not in (b"{", b"["):
            raise _invalid(_("Die Datei ist kein gültiges JSON."))
        if size <= DEEP_CHECK_BYTES:
            try:
                document = orjson.loads(_read_all(uploaded))
            except orjson.JSONDecodeError as error:
                message = _("Die Datei ist kein gültiges JSON: %(error)s") % {"error": error}
                raise _invalid(message) from None
            if format_code == "GEOJSON" and (
                not isinstance(document, dict)
                or document.get("type") not in ("FeatureCollection", "Feature")
            ):
                raise _invalid(_("Die Datei ist kein GeoJSON (FeatureCollection oder Feature)."))
    elif format_code in ("XLSX", "ODS", "ZIP", "KMZ"):
        if not head.startswith(b"PK\x03\x04"):
            raise _invalid(_("Die Datei ist kein %(format)s-Archiv.") % {"format": format_code})
        if format_code == "XLSX" and size <= DEEP_CHECK_BYTES:
            try:
                with zipfile.ZipFile(uploaded) as archive:
                    if "xl/workbook.xml" not in archive.namelist():
                        raise _invalid(_("Die Datei ist keine Excel-Arbeitsmappe (XLSX)."))
            except zipfile.BadZipFile:
                raise _invalid(_("Die Datei ist keine Excel-Arbeitsmappe (XLSX).")) from None
            uploaded.seek(0)
    elif format_code == "PDF":
        if not head.startswith(b"%PDF-"):
            raise _invalid(_("Die Datei ist kein PDF."))
    elif format_code in ("XML", "RDF_XML", "GML", "KML", "HTML"):
        if not stripped.startswith(b"<"):
            raise _invalid(_("Die Datei ist kein XML."))
    elif format_code == "PNG":
        if not head.startswith(b"\x89PNG\r\n\x1a\n"):
            raise _invalid(_("Die Datei ist kein PNG-Bild."))
    elif format_code == "JPEG" and not head.startswith(b"\xff\xd8\xff"):
        raise _invalid(_("Die Datei ist kein JPEG-Bild."))


# Document properties that name people; replaced by an empty set when an XLSX is stored.
EMPTY_CORE_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
)


def strip_metadata(uploaded, format_code: str):
    """A file object without personal metadata (author names in XLSX, EXIF in images); the
    original object when there is nothing to strip."""
    if format_code == "XLSX":
        source = io.BytesIO(_read_all(uploaded))
        target = io.BytesIO()
        with (
            zipfile.ZipFile(source) as archive,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as cleaned,
        ):
            for item in archive.infolist():
                data = archive.read(item.filename)
                if item.filename == "docProps/core.xml":
                    data = EMPTY_CORE_PROPERTIES
                cleaned.writestr(item, data)
        target.seek(0)
        return target
    if format_code in ("PNG", "JPEG"):
        # Same path as every other picture upload: type by content, pixel limit before
        # decoding, orientation applied, EXIF/GPS/ICC/text chunks dropped, re-encoded.
        try:
            clean = images.clean_image(
                uploaded, formats={format_code}, max_bytes=max_upload_bytes()
            )
        except images.ImageRejected as error:
            raise _invalid(error.message) from error
        return io.BytesIO(clean.data)
    return uploaded
