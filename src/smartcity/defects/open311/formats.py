"""The two wire formats of GeoReport v2: JSON and XML, and the error list."""

from xml.sax.saxutils import escape

import orjson
from django.http import HttpResponse

# Tag of the repeated element for each list, as in the spec's XML examples.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
    "photos": "photo",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None):
        self.status = status
        self.description = description
        self.retry_after = retry_after  # seconds, for 429
        super().__init__(description)


# Characters XML 1.0 cannot carry (stored data is cleaned on input; this is the last guard).
NOT_IN_XML = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value).translate(NOT_IN_XML))


def _xml(tag: str, value, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append(f"<{tag}>")
        for key, item in value.items():
            _xml(key, item, out)
        out.append(f"</{tag}>")
    elif isinstance(value, list):
        out.append(f"<{tag}>")
        item_tag = ITEM_TAGS.get(tag, "item")
        for item in value:
            _xml(item_tag, item, out)
        out.append(f"</{tag}>")
    else:
        out.append(f"<{tag}>{_xml_value(value)}</{tag}>")


def to_xml(root: str, data) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    _xml(root, data, out)
    return "".join(out).encode()


def render(data, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """``root`` names the XML document element (``services``, ``service_requests`` …)."""
    body = to_xml(root, data) if fmt == "xml" else orjson.dumps(data)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    # Public data: city apps and dashboards read it from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render([{"code": status, "description": str(description)}], fmt, "errors", status)
