"""The HTTP door of the CKAN Action API: ``/api/3/action/<name>`` and ``/api/action/<name>``.

GET takes query parameters, POST a JSON body or a multipart form (uploads). Answers use
CKAN's envelope ``{help, success, result}`` or ``{help, success: false, error: {__type,
message, …}}`` with CKAN's status codes. Write actions need a token with scope
``opendata:write``, sent as CKAN clients do (``Authorization: <token>``, also
``Authorization: Bearer <token>`` or ``X-CKAN-API-Key``).
"""

from __future__ import annotations

import json
import logging

import orjson
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from smartcity.core import tokens
from smartcity.opendata import uploads
from smartcity.opendata.ckan.actions import ACTIONS, Context
from smartcity.opendata.ckan.errors import ActionError, BadRequest, NotAuthorized

logger = logging.getLogger(__name__)
WRITE_SCOPE = "opendata:write"


def _json(body: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(
        orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS),
        status=status,
        content_type="application/json;charset=utf-8",
    )


def _secret(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION") or request.META.get("HTTP_X_CKAN_API_KEY")
    if not header:
        return None
    header = header.strip()
    if header.lower().startswith("bearer "):
        header = header[7:].strip()
    return header


def _params(request, limit_handler) -> tuple[dict, dict]:
    params: dict = {}
    for key in request.GET:
        values = request.GET.getlist(key)
        # Repeated keys (``facet.field=tags&facet.field=groups``, as requests sends lists)
        # stay a list; list parameters also accept one JSON-encoded value.
        params[key] = values if len(values) > 1 else values[0]
    if request.method != "POST":
        return params, {}
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data") or content_type.startswith(
        "application/x-www-form-urlencoded"
    ):
        form = request.POST
        if limit_handler.exceeded:
            raise uploads.UploadTooLarge(limit_handler.limit)
        params.update({key: form.get(key) for key in form})
        return params, dict(request.FILES.items())
    body = request.body
    if body.strip():
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise BadRequest(f"Bad request - JSON Error: {error}") from None
        if not isinstance(data, dict):
            raise BadRequest("Bad request - JSON Error: ein Objekt wird erwartet")
        params.update(data)
    return params, {}


@csrf_exempt
def action_view(request, name: str):
    help_url = request.build_absolute_uri(f"/api/3/action/help_show?name={name}")

    def failure(error: ActionError) -> HttpResponse:
        return _json({"help": help_url, "success": False, "error": error.body()}, error.status)

    if request.method not in ("GET", "POST"):
        return failure(BadRequest("Bad request - nur GET und POST"))
    entry = ACTIONS.get(name)
    if entry is None:
        return failure(BadRequest(f"Bad request - Action name not known: {name}"))
    function, write = entry
    context = Context(request=request)
    if write:
        token = tokens.verify_token(_secret(request), WRITE_SCOPE)
        if token is None:
            return failure(
                NotAuthorized(
                    "Access denied: ein gültiges API-Token mit der Berechtigung "
                    f"{WRITE_SCOPE} ist nötig."
                )
            )
        context.user, context.token = token.user, token
        if request.method != "POST":
            return failure(BadRequest("Bad request - schreibende Aktionen nur per POST"))
        if uploads.declared_too_large(request):
            # Refused before a byte of the body is read.
            return _too_large(help_url)
    limit_handler = uploads.install_limit(request) if request.method == "POST" else None
    try:
        params, files = _params(request, limit_handler)
        context.files = files
        result = function(context, params)
    except (uploads.UploadTooLarge, RequestDataTooBig):
        return _too_large(help_url)
    except ActionError as error:
        return failure(error)
    return _json({"help": help_url, "success": True, "result": result})


def _too_large(help_url: str) -> HttpResponse:
    limit = uploads.max_upload_bytes()
    message = str(uploads.UploadTooLarge(limit))
    body = {
        "help": help_url,
        "success": False,
        "error": {"__type": "Validation Error", "message": message, "upload": [message]},
    }
    return _json(body, 413)
