"""The error body every JSON endpoint answers with.

``{"error": {"code": "...", "message": "...", "fields": {"field": ["problem", ...]}}}``
"""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="smartcity"'
    return response


def _field_name(location) -> str:
    # ninja reports locations like ("body", "payload", "name") or ("query", "page").
    parts = [str(part) for part in location if part not in ("body", "query", "path", "form")]
    if len(parts) > 1 and parts[0] in ("payload", "data", "filters"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(error.get("msg", ""))
    return fields


def install(api) -> None:
    """Register the handlers on a NinjaAPI instance."""

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc):
        return error_response(
            400, "validation_error", _("Die Eingabe ist ungültig."), validation_fields(exc.errors)
        )

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request, exc):
        # One answer for a missing, unknown, expired, revoked or insufficient token.
        return error_response(401, "not_authenticated", _("Anmeldung erforderlich."))

    @api.exception_handler(AuthorizationError)
    def on_authorization_error(request, exc):
        return error_response(403, "permission_denied", _("Keine Berechtigung."))

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return error_response(404, "not_found", _("Nicht gefunden."))

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        codes = {400: "bad_request", 403: "permission_denied", 404: "not_found", 409: "conflict"}
        return error_response(exc.status_code, codes.get(exc.status_code, "error"), exc.message)


def not_found(request, *args, **kwargs):
    """Any path under /api/ that no endpoint serves."""
    return error_response(404, "not_found", _("Diesen API-Endpunkt gibt es nicht."))
