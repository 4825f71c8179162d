"""CKAN's read actions over the catalogue services. Each action takes a :class:`Context`
and the request's parameters and returns the ``result`` of CKAN's envelope."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import get_language

from smartcity.opendata import search as search_service
from smartcity.opendata import services, vocab
from smartcity.opendata.ckan import fq, serialize
from smartcity.opendata.ckan.errors import NotFound, SearchQueryError, ValidationFailed
from smartcity.opendata.models import Dataset, Distribution, Group, Organization, Tag

ROWS_MAX = 1000
CKAN_VERSION = "2.10.4"


@dataclass
class Context:
    request: object = None
    user: object = None
    token: object = None
    files: dict = field(default_factory=dict)


ACTIONS: dict[str, tuple] = {}


def action(name: str, *, write: bool = False):
    def register(function):
        ACTIONS[name] = (function, write)
        return function

    return register


def integer(params: dict, name: str, default: int, *, minimum: int = 0, maximum=None) -> int:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"{name}: Ganze Zahl erwartet", {name: ["Ganze Zahl erwartet."]}
        ) from None
    if number < minimum:
        raise ValidationFailed(f"{name}: mindestens {minimum}", {name: [f"Mindestens {minimum}."]})
    if maximum is not None and number > maximum:
        raise ValidationFailed(
            f"{name}: höchstens {maximum}", {name: [f"Höchstens {maximum} erlaubt."]}
        )
    return number


def boolean(params: dict, name: str, default: bool = False) -> bool:
    value = params.get(name)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("true", "1", "yes", "on")


def string_list(params: dict, name: str) -> list[str]:
    """A list given natively (JSON body) or JSON-encoded (query string), as CKAN accepts."""
    value = params.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = [value]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationFailed(f"{name}: Liste von Texten erwartet", {name: ["Liste erwartet."]})
    return value


def _visible(context: Context):
    return Dataset.objects.public()


def _with_relations(queryset):
    return queryset.select_related("organization", "city").prefetch_related(
        "tags", "groups", "distributions"
    )


def _search_query(params: dict) -> search_service.SearchQuery:
    rows = integer(params, "rows", 10, maximum=ROWS_MAX)
    start = integer(params, "start", 0)
    q = str(params.get("q") or "").strip()
    filters = []
    try:
        if q in ("*:*", "*"):
            q = ""
        elif fq.looks_like_field_query(q):
            filters.append(fq.parse(q))
            q = ""
        for text in [params.get("fq")] + string_list(params, "fq_list"):
            node = fq.parse(text)
            if node is not None:
                filters.append(node)
        sort = fq.parse_sort(params.get("sort"))
    except search_service.SearchError as error:
        raise SearchQueryError(f"Search Query is invalid: {error}") from None
    return search_service.SearchQuery(
        q=q,
        filters=filters,
        sort=sort,
        start=start,
        rows=rows,
        facet_fields=tuple(string_list(params, "facet.field")),
        facet_limit=integer(params, "facet.limit", 50, minimum=-1),
    )


@action("package_search")
def package_search(context: Context, params: dict):
    query = _search_query(params)
    try:
        result = search_service.search(query)
    except search_service.SearchError as error:
        raise SearchQueryError(f"Search Query is invalid: {error}") from None
    facets = {
        name: {item.name: item.count for item in items} for name, items in result.facets.items()
    }
    search_facets = {
        name: {
            "title": name,
            "items": [
                {"name": item.name, "display_name": item.display_name, "count": item.count}
                for item in items
            ],
        }
        for name, items in result.facets.items()
    }
    return {
        "count": result.count,
        "sort": ", ".join(f"{name} {'desc' if desc else 'asc'}" for name, desc in query.sort),
        "facets": facets,
        "search_facets": search_facets,
        "results": [
            serialize.package_dict(dataset, context.request) for dataset in result.datasets
        ],
    }


def get_dataset(context: Context, params: dict, key: str = "id") -> Dataset:
    reference = params.get(key) or params.get("name_or_id") or params.get("name")
    if not reference:
        raise ValidationFailed(f"{key}: fehlt", {key: ["Pflichtangabe fehlt."]})
    dataset = services.dataset_by_ref(reference, _with_relations(_visible(context)))
    if dataset is None:
        raise NotFound("Not found: Datensatz nicht gefunden")
    return dataset


@action("package_show")
def package_show(context: Context, params: dict):
    return serialize.package_dict(get_dataset(context, params), context.request)


@action("package_list")
def package_list(context: Context, params: dict):
    names = _visible(context).order_by("name").values_list("name", flat=True)
    offset = integer(params, "offset", 0)
    limit = integer(params, "limit", 0)
    return list(names[offset : offset + limit] if limit else names[offset:])


@action("current_package_list_with_resources")
def current_package_list_with_resources(context: Context, params: dict):
    limit = integer(params, "limit", 100, minimum=1, maximum=ROWS_MAX)
    offset = integer(params, "offset", 0)
    if params.get("page") and not params.get("offset"):
        offset = (integer(params, "page", 1, minimum=1) - 1) * limit
    datasets = _with_relations(_visible(context)).order_by("-metadata_modified", "id")
    return [
        serialize.package_dict(dataset, context.request)
        for dataset in datasets[offset : offset + limit]
    ]


def _list_of(model, context, params, relation: str, to_dict):
    counted = model.objects.annotate(
        package_count=Count(
            relation,
            filter=Q(**{f"{relation}__state": "active", f"{relation}__private": False}),
            distinct=True,
        )
    )
    wanted = string_list(params, "organizations" if model is Organization else "groups")
    if wanted:
        counted = counted.filter(name__in=wanted)
    if params.get("q"):
        counted = counted.filter(Q(name__icontains=params["q"]) | Q(title__icontains=params["q"]))
    sort = str(params.get("sort") or "name asc")
    try:
        sort_field, direction = (sort.split() + ["asc"])[:2]
    except ValueError:
        sort_field, direction = "name", "asc"
    if sort_field not in ("name", "title", "package_count"):
        raise ValidationFailed(f"sort: {sort}", {"sort": ["name, title oder package_count."]})
    counted = counted.order_by(f"{'-' if direction == 'desc' else ''}{sort_field}", "name")
    offset = integer(params, "offset", 0)
    limit = integer(params, "limit", 1000, maximum=ROWS_MAX)
    items = counted[offset : offset + limit]
    if boolean(params, "all_fields"):
        return [to_dict(item, item.package_count) for item in items]
    return [item.name for item in items]


def _show(model, context, params, to_dict, relation: str):
    reference = params.get("id")
    if not reference:
        raise ValidationFailed("id: fehlt", {"id": ["Pflichtangabe fehlt."]})
    queryset = model.objects.all()
    match = queryset.filter(name=reference).first()
    if match is None:
        match = queryset.filter(pk=reference).first() if _uuid_like(reference) else None
    if match is None:
        raise NotFound("Not found: nicht gefunden")
    datasets = _visible(context).filter(**{relation: match})
    result = to_dict(match, datasets.count())
    if boolean(params, "include_datasets"):
        limit = integer(params, "limit", 10, maximum=ROWS_MAX)
        result["packages"] = [
            serialize.package_dict(dataset, context.request)
            for dataset in _with_relations(datasets).order_by("name")[:limit]
        ]
    return result


def _uuid_like(value) -> bool:
    text = str(value).replace("-", "")
    return len(text) == 32 and all(char in "0123456789abcdefABCDEF" for char in text)


@action("organization_list")
def organization_list(context: Context, params: dict):
    return _list_of(Organization, context, params, "datasets", serialize.organization_dict)


@action("organization_show")
def organization_show(context: Context, params: dict):
    return _show(Organization, context, params, serialize.organization_dict, "organization")


@action("group_list")
def group_list(context: Context, params: dict):
    return _list_of(Group, context, params, "datasets", serialize.group_dict)


@action("group_show")
def group_show(context: Context, params: dict):
    return _show(Group, context, params, serialize.group_dict, "groups")


@action("tag_list")
def tag_list(context: Context, params: dict):
    tags = Tag.objects.filter(datasets__in=_visible(context)).distinct().order_by("name")
    if params.get("query"):
        tags = tags.filter(name__icontains=str(params["query"]))
    if boolean(params, "all_fields"):
        return [serialize.tag_dict(tag) for tag in tags]
    return list(tags.values_list("name", flat=True))


@action("resource_show")
def resource_show(context: Context, params: dict):
    reference = params.get("id")
    if not reference:
        raise ValidationFailed("id: fehlt", {"id": ["Pflichtangabe fehlt."]})
    distribution = None
    if _uuid_like(reference):
        distribution = (
            Distribution.objects.select_related("dataset")
            .filter(pk=reference, dataset__in=_visible(context))
            .first()
        )
    if distribution is None:
        raise NotFound("Not found: Ressource nicht gefunden")
    return serialize.resource_dict(distribution, context.request)


@action("license_list")
def license_list(context: Context, params: dict):
    return [
        {
            "id": licence.id,
            "title": licence.title,
            "url": licence.url or licence.uri,
            "uri": licence.uri,
            "od_conformance": "approved" if licence.open else "not reviewed",
            "osd_conformance": "not reviewed",
            "is_okd_compliant": licence.open,
            "is_osi_compliant": False,
            "is_generic": licence.id.startswith("other-"),
            "status": "active",
            "maintainer": "",
            "family": "",
            "domain_content": True,
            "domain_data": True,
            "domain_software": False,
        }
        for licence in vocab.LICENCES.values()
    ]


@action("status_show")
def status_show(context: Context, params: dict):
    request = context.request
    return {
        "site_title": "Offene Daten – Smart City Dortmund Schwerte",
        "site_description": "Offene Daten der Städte Dortmund und Schwerte",
        "site_url": request.build_absolute_uri("/") if request else "",
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": get_language() or "de",
        "extensions": ["dcat", "dcatde", "smartcity"],
    }


@action("help_show")
def help_show(context: Context, params: dict):
    name = params.get("name")
    if name not in ACTIONS:
        raise NotFound("Not found: unbekannte Aktion")
    return (ACTIONS[name][0].__doc__ or name).strip()


# The write actions register themselves when their module is imported.
import smartcity.opendata.ckan.write  # noqa: E402, F401
