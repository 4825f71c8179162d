"""One page shape for every list in the platform's JSON API."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 500


class Page(PaginationBase):
    """``?page=&page_size=`` → ``{"count", "page", "page_size", "next", "previous", "results"}``."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        count: int
        page: int
        page_size: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        request = params["request"]
        offset = (pagination.page - 1) * pagination.page_size
        count = self._items_count(queryset)
        results = list(queryset[offset : offset + pagination.page_size])

        def link(page: int) -> str:
            query = request.GET.copy()
            query["page"] = str(page)
            query["page_size"] = str(pagination.page_size)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return {
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "next": link(pagination.page + 1) if offset + len(results) < count else None,
            "previous": link(pagination.page - 1) if pagination.page > 1 else None,
            "results": results,
        }
