"""Dataset search: German-aware full text, filters, facets, sorting and paging.

The query is a plain data structure (:class:`SearchQuery`), built by the web page or by the
CKAN adapter's ``fq`` parser; this module knows nothing about Solr syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Lower

from smartcity.core.search import query_terms
from smartcity.opendata import vocab
from smartcity.opendata.models import Dataset, Distribution

FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id", "city")
SORT_FIELDS = {
    "score": None,
    "id": "id",
    "name": "name",
    "title": "title",
    "title_string": "title",
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
}
# Terms this short only match at the start of a word; longer ones anywhere in it, so
# "Baum" finds "Straßenbäume" (German compounds).
INFIX_MIN_LENGTH = 4


class SearchError(ValueError):
    """A query that cannot be run (unknown field, bad value); the message says why."""


@dataclass(frozen=True)
class Term:
    """``field`` equals one of ``values`` (negated: none of them)."""

    field: str
    values: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True)
class Range:
    """``low <= field <= high``; None is open. Only date fields."""

    field: str
    low: datetime | None
    high: datetime | None
    include_low: bool = True
    include_high: bool = True
    negate: bool = False


@dataclass(frozen=True)
class AnyOf:
    """At least one of ``items`` holds (negated: none does)."""

    items: tuple
    negate: bool = False


@dataclass(frozen=True)
class AllOf:
    """All of ``items`` hold (negated: not all of them)."""

    items: tuple
    negate: bool = False


@dataclass(frozen=True)
class MatchAll:
    """``*:*`` and friends (negated: nothing)."""

    negate: bool = False


@dataclass
class SearchQuery:
    q: str = ""
    filters: list = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=lambda: [("score", True)])
    start: int = 0
    rows: int = 10
    facet_fields: tuple[str, ...] = ()
    facet_limit: int = 50
    include_private: bool = False
    include_drafts: bool = False


@dataclass
class FacetItem:
    name: str
    display_name: str
    count: int


@dataclass
class SearchResult:
    count: int
    datasets: list[Dataset]
    facets: dict[str, list[FacetItem]]


TERM_LOOKUPS = {
    "organization": "organization__name",
    "owner_org": "organization_id",
    "groups": "groups__name",
    "tags": "tags__name",
    "res_format": "distributions__format",
    "license_id": "license_id",
    "city": "city__slug",
    "name": "name",
    "id": "id",
    "state": "state",
    "publication": "publication",
    "frequency": "frequency",
    "is_demo": "is_demo",
}
RANGE_FIELDS = {"metadata_modified", "metadata_created"}


def _term_condition(term: Term) -> Q:
    if term.field not in TERM_LOOKUPS:
        raise SearchError(f"Unbekanntes Suchfeld: {term.field}")
    lookup = TERM_LOOKUPS[term.field]
    values = list(term.values)
    if term.field == "res_format":
        codes = []
        for value in values:
            file_type = vocab.file_type_for(value)
            codes.append(file_type.code if file_type else value.upper())
        values = codes
    if term.field == "is_demo":
        values = [value.lower() in ("true", "1", "yes") for value in values]
    if term.field in ("tags", "groups", "organization", "city", "name"):
        # Multi-valued fields go through a subquery so the outer query keeps one row per dataset.
        ids = Dataset.objects.filter(**{f"{lookup}__in": values}).values("id")
        condition = Q(id__in=ids)
    elif term.field == "res_format":
        ids = Distribution.objects.filter(format__in=values).values("dataset_id")
        condition = Q(id__in=ids)
    else:
        condition = Q(**{f"{lookup}__in": values})
    return ~condition if term.negate else condition


def _range_condition(condition: Range) -> Q:
    if condition.field not in RANGE_FIELDS:
        raise SearchError(f"Bereichssuche ist nur für {', '.join(sorted(RANGE_FIELDS))} möglich.")
    parts = Q()
    if condition.low is not None:
        lookup = "gte" if condition.include_low else "gt"
        parts &= Q(**{f"{condition.field}__{lookup}": condition.low})
    if condition.high is not None:
        lookup = "lte" if condition.include_high else "lt"
        parts &= Q(**{f"{condition.field}__{lookup}": condition.high})
    return ~parts if condition.negate else parts


def condition_q(node) -> Q:
    """The ``Q`` of one filter node (Term, Range, AnyOf, AllOf, MatchAll)."""
    if isinstance(node, Term):
        return _term_condition(node)
    if isinstance(node, Range):
        return _range_condition(node)
    if isinstance(node, MatchAll):
        return Q(pk__in=[]) if node.negate else Q()
    combined = Q()
    for item in node.items:
        if isinstance(node, AnyOf):
            combined |= condition_q(item)
        else:
            combined &= condition_q(item)
    return ~combined if node.negate else combined


def _text_condition(terms: list[str]) -> Q:
    condition = Q()
    for term in terms:
        needle = term if len(term) >= INFIX_MIN_LENGTH else " " + term
        condition &= Q(search_text__contains=needle)
    return condition


def _score(terms: list[str]):
    """Relevance: a term in the title counts three times, a whole-word hit once more."""
    parts = []
    for term in terms:
        needle = term if len(term) >= INFIX_MIN_LENGTH else " " + term
        parts.append(
            Case(When(search_title__contains=needle, then=Value(3)), default=Value(0))
            + Case(When(search_text__contains=f" {term} ", then=Value(1)), default=Value(0))
        )
    if not parts:
        return Value(0, output_field=IntegerField())
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def filtered_queryset(query: SearchQuery):
    queryset = Dataset.objects.all()
    if not query.include_drafts:
        queryset = queryset.filter(state=Dataset.State.ACTIVE)
    if not query.include_private:
        queryset = queryset.filter(private=False)
    for condition in query.filters:
        queryset = queryset.filter(condition_q(condition))
    terms = query_terms(query.q or "")
    if terms:
        queryset = queryset.filter(_text_condition(terms))
    return queryset, terms


def order_by(query: SearchQuery, terms: list[str]) -> list:
    ordering = []
    for name, descending in query.sort:
        if name not in SORT_FIELDS:
            raise SearchError(f"Nach „{name}“ kann nicht sortiert werden.")
        if name == "score":
            if terms:
                ordering.append("-score" if descending else "score")
            continue
        column = SORT_FIELDS[name]
        if column in ("name", "title"):
            ordering.append(Lower(column).desc() if descending else Lower(column).asc())
        else:
            ordering.append(f"-{column}" if descending else column)
    if not ordering:
        ordering.append("-metadata_modified")
    if not any(isinstance(item, str) and item.lstrip("-") == "id" for item in ordering):
        ordering.append("id")  # a total order, so pages never overlap or skip
    return ordering


def facet_counts(queryset, fields, limit: int) -> dict[str, list[FacetItem]]:
    ids = queryset.values("id")
    facets: dict[str, list[FacetItem]] = {}
    for name in fields:
        if name not in FACET_FIELDS:
            raise SearchError(f"Unbekanntes Facettenfeld: {name}")
        if name == "organization":
            rows = (
                Dataset.objects.filter(id__in=ids)
                .values_list("organization__name", "organization__title")
                .annotate(count=Count("id"))
            )
        elif name == "groups":
            rows = (
                Dataset.groups.through.objects.filter(dataset_id__in=ids)
                .values_list("group__name", "group__title")
                .annotate(count=Count("dataset_id"))
            )
        elif name == "tags":
            rows = (
                Dataset.tags.through.objects.filter(dataset_id__in=ids)
                .values_list("tag__name", "tag__name")
                .annotate(count=Count("dataset_id"))
            )
        elif name == "res_format":
            rows = (
                Distribution.objects.filter(dataset_id__in=ids)
                .values_list("format", "format")
                .annotate(count=Count("dataset_id", distinct=True))
            )
        elif name == "license_id":
            rows = (
                Dataset.objects.filter(id__in=ids)
                .values_list("license_id", "license_id")
                .annotate(count=Count("id"))
            )
        else:  # city
            rows = (
                Dataset.objects.filter(id__in=ids, city__isnull=False)
                .values_list("city__slug", "city__name")
                .annotate(count=Count("id"))
            )
        items = [
            FacetItem(str(key), _display(name, key, label), count) for key, label, count in rows
        ]
        items.sort(key=lambda item: (-item.count, item.name))
        facets[name] = items if limit < 0 else items[:limit]
    return facets


def _display(field_name: str, key, label) -> str:
    if field_name == "license_id":
        licence = vocab.LICENCES.get(key)
        return licence.title if licence else str(key)
    if field_name == "res_format":
        file_type = vocab.FILE_TYPES.get(key)
        return file_type.label if file_type else str(key)
    return str(label)


def search(query: SearchQuery, *, prefetch: bool = True) -> SearchResult:
    queryset, terms = filtered_queryset(query)
    ordering = order_by(query, terms)
    count = queryset.count()
    listed = queryset
    if terms:
        listed = listed.annotate(score=_score(terms))
    listed = listed.order_by(*ordering)
    if prefetch:
        listed = listed.defer("search_text", "search_title")
        listed = listed.select_related("organization", "city").prefetch_related(
            "tags", "groups", "distributions"
        )
    datasets = list(listed[query.start : query.start + query.rows]) if query.rows else []
    facets = facet_counts(queryset, query.facet_fields, query.facet_limit)
    return SearchResult(count=count, datasets=datasets, facets=facets)
