"""DCAT-AP.de over HTTP: ``/catalog.{ttl,rdf,jsonld}?page=&modified_since=`` and
``/dataset/<name>.{ttl,rdf,jsonld}``."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from smartcity.core.api_errors import error_response
from smartcity.opendata.ckan.fq import parse_datetime
from smartcity.opendata.dcat import export
from smartcity.opendata.models import Dataset
from smartcity.opendata.search import SearchError


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _rdf_response(graph, fmt: str) -> HttpResponse:
    _, content_type = export.FORMATS[fmt]
    response = HttpResponse(export.serialize(graph, fmt), content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def catalog(request, fmt: str):
    try:
        page = int(request.GET.get("page", "1"))
        if page < 1:
            raise ValueError
    except ValueError:
        return error_response(400, "bad_request", "page: eine ganze Zahl ab 1.", {"page": ["≥ 1"]})
    modified_since = None
    if request.GET.get("modified_since"):
        try:
            modified_since = parse_datetime(request.GET["modified_since"], field="modified_since")
        except SearchError as error:
            return error_response(400, "bad_request", str(error), {"modified_since": [str(error)]})
    result = export.catalog_page(base_url(request), request.path, fmt, page, modified_since)
    if page > result.last_page:
        return error_response(
            404, "not_found", f"Seite {page} gibt es nicht (letzte: {result.last_page})."
        )
    return _rdf_response(result.graph, fmt)


def dataset(request, name: str, fmt: str):
    found = (
        Dataset.objects.public()
        .select_related("organization", "city")
        .prefetch_related("tags", "groups", "distributions")
        .filter(name=name)
        .first()
    )
    if found is None:
        raise Http404
    return _rdf_response(export.dataset_graph(base_url(request), found), fmt)
