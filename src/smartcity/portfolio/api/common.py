"""Shared pieces of the portfolio API: the router, strict paging, filter errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import ValidationError

from smartcity.core.pagination import Page

router = Router(tags=["portfolio"])


def field_errors(fields: dict[str, list[str]]) -> ValidationError:
    """A ninja ValidationError that the platform's handler turns into a 400 naming fields."""
    return ValidationError(
        [
            {"loc": ("query", name), "msg": str(message)}
            for name, messages in fields.items()
            for message in messages
        ]
    )


def model_errors(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        fields = {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
    else:
        fields = {"__all__": [str(message) for message in error.messages]}
    return ValidationError(
        [
            {"loc": ("body", name), "msg": message}
            for name, messages in fields.items()
            for message in messages
        ]
    )


class StrictPage(Page):
    """The platform's paging, but a page beyond the end is a 400 naming ``page``."""

    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        if pagination.page > 1 and not result["results"]:
            raise field_errors(
                {"page": [_("Diese Seite gibt es nicht (%d Einträge).") % result["count"]]}
            )
        return result
