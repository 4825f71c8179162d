"""JSON answers with an ETag; ``If-None-Match`` with the current tag gets ``304``.

Used by the app API's lists (news, events, appointments) so the city app can cache them.
"""

from __future__ import annotations

import hashlib

import orjson
from django.http import HttpResponse, HttpResponseNotModified

from smartcity.core.pagination import Page


def _matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    tags = {part.strip().removeprefix("W/") for part in header.split(",")}
    return etag in tags


def json_with_etag(request, data, status: int = 200) -> HttpResponse:
    body = orjson.dumps(data, default=str)  # default: lazy translations and the like
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if status == 200 and _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, status=status, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=60"
    return response


def paged(request, queryset, schema, page: int, page_size: int) -> dict:
    """One page in the platform's list shape, the items serialised with ``schema``."""
    result = Page().paginate_queryset(
        queryset, Page.Input(page=page, page_size=page_size), request=request
    )
    result["results"] = [
        schema.model_validate(item).model_dump(mode="json") for item in result["results"]
    ]
    return result
