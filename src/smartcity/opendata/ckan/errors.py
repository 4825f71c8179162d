"""CKAN's error types, with the HTTP status CKAN answers each with."""

from __future__ import annotations


class ActionError(Exception):
    status = 400
    type_name = "Bad Request"

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def body(self) -> dict:
        error = {"__type": self.type_name, "message": self.message}
        error.update(self.fields)
        return error


class NotFound(ActionError):
    status = 404
    type_name = "Not Found Error"


class ValidationFailed(ActionError):
    status = 409
    type_name = "Validation Error"


class NotAuthorized(ActionError):
    status = 403
    type_name = "Authorization Error"


class SearchQueryError(ActionError):
    status = 400
    type_name = "Search Query Error"


class BadRequest(ActionError):
    status = 400
    type_name = "Bad Request"


# Our field names → CKAN's, so a validation error names what the client sent.
CKAN_FIELD_NAMES = {
    "organization": "owner_org",
    "contact_email": "maintainer_email",
    "contact_name": "maintainer",
    "upload": "upload",
    "__all__": "__all__",
}


def from_django(error, prefix: str = "") -> ValidationFailed:
    """A ValidationFailed from Django's ValidationError, fields renamed for CKAN."""
    fields: dict[str, list[str]] = {}
    if hasattr(error, "message_dict"):
        for name, messages in error.message_dict.items():
            key = prefix + CKAN_FIELD_NAMES.get(name, name)
            fields.setdefault(key, []).extend(str(message) for message in messages)
    else:
        fields[prefix + "__all__"] = [str(message) for message in error.messages]
    summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())
    return ValidationFailed(f"Ungültige Eingabe – {summary}", fields)
