"""The HTTP side of the SensorThings adapter: plain Django views answering JSON."""

import base64
import binascii
import time

import orjson
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from smartcity.core.tokens import verify_token
from smartcity.sensors.sta import conformance
from smartcity.sensors.sta.entities import ENTITY_TYPES
from smartcity.sensors.sta.errors import StaError, bad_request
from smartcity.sensors.sta.query import Options, parse_options
from smartcity.sensors.sta.resources import Visibility, resolve
from smartcity.sensors.sta.serialize import Context, check_select, collection_page, serialize_many

WRITE_SCOPE = "sta:write"


def json_response(body, status=200, headers=None) -> HttpResponse:
    response = HttpResponse(orjson.dumps(body), status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: StaError) -> HttpResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="sensorthings"'} if error.status == 401 else {}
    return json_response(error.body(), error.status, headers)


def bearer(request) -> str | None:
    """The token: ``Bearer <token>``, or HTTP Basic with the token as password (any user name),
    which is what most SensorThings clients (and MQTT brokers) can send."""
    return bearer_from_header(request.headers.get("Authorization", ""))


def bearer_from_header(header: str) -> str | None:
    scheme, _, secret = header.partition(" ")
    if scheme.lower() == "bearer":
        return secret.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(secret.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


# A token accepted for writing is believed for this long without asking the database again
# (a gateway or the grouped ingest's writer thread sends the same token many times a second;
# the query was a sixth of a gateway batch's time); a revoked or narrowed token is refused at
# the latest this many seconds later, per process. Refusals are never remembered.
TOKEN_SECONDS = 1.0
_write_tokens: dict[str, float] = {}


def write_allowed(secret: str | None) -> bool:
    """Whether ``secret`` is an active token with scope sta:write (see TOKEN_SECONDS)."""
    if not secret:
        return False
    now = time.monotonic()
    if _write_tokens.get(secret, 0.0) > now:
        return True
    if verify_token(secret, WRITE_SCOPE) is None:
        _write_tokens.pop(secret, None)
        return False
    if len(_write_tokens) > 10_000:
        _write_tokens.clear()
    _write_tokens[secret] = now + TOKEN_SECONDS
    return True


def writer_token(request) -> None:
    """401 without a valid token, 403 for one without sta:write."""
    secret = bearer(request)
    if write_allowed(secret):
        return
    if verify_token(secret) is None:
        raise StaError(401, "writing needs a token with scope sta:write (Authorization: Bearer)")
    raise StaError(403, "this token lacks the scope sta:write")


def context_for(request, version: str) -> Context:
    privileged = write_allowed(bearer(request))
    base = request.build_absolute_uri(f"/sta/{version}")
    return Context(base=base, version=version, visibility=Visibility(privileged))


def service_root(request, version: str) -> HttpResponse:
    base = request.build_absolute_uri(f"/sta/{version}")
    entity_sets = [
        entity for entity in ENTITY_TYPES if not (entity.extension and version == "v1.0")
    ]
    body = {
        "value": [
            {"name": entity.set_name, "url": f"{base}/{entity.set_name}"} for entity in entity_sets
        ]
    }
    if version != "v1.0":
        body["serverSettings"] = conformance.server_settings()
    return json_response(body)


@csrf_exempt
def dispatch(request, version: str, path: str = "") -> HttpResponse:
    try:
        if not path:
            if request.method != "GET":
                raise StaError(405, "the service root is read-only")
            return service_root(request, version)
        if request.method == "GET":
            return read(request, version, path)
        from smartcity.sensors.sta import writes

        return writes.handle(request, version, path)
    except StaError as error:
        return error_response(error)


def query_pairs(request) -> dict[str, str]:
    return {key: request.GET[key] for key in request.GET}


def read(request, version: str, path: str) -> HttpResponse:
    ctx = context_for(request, version)
    if path.rstrip("/").endswith("$aggregate"):
        from smartcity.sensors.sta import aggregate

        return HttpResponse(aggregate.answer(request, path, ctx), content_type="application/json")
    params = query_pairs(request)
    options = parse_options(params)
    if path.rstrip("/").endswith("/$latest") or path.rstrip("/") == "Datastreams/$latest":
        from smartcity.sensors.sta.aggregate import latest_options

        path = path.rstrip("/")[: -len("/$latest")]
        options = latest_options(request)
        if not path.endswith("Datastreams"):
            raise bad_request("$latest follows a Datastreams collection", "$latest")
    resource = resolve(path, ctx.visibility)
    entity = resource.entity
    if resource.prop is not None:
        return _property(resource)
    if resource.ref:
        return _reference(resource, options, ctx, params)
    if resource.is_collection:
        if (
            entity.set_name == "Observations"
            and resource.parent is not None
            and resource.parent[1].reverse in ("datastream", "multi_datastream")
            and not options.orderby
        ):
            # A stream's Observations default to time order: the (stream, time) index serves
            # it, where id order would scan the whole table on PostgreSQL.
            options.orderby = "phenomenonTime"
        link_base = f"{ctx.base}/{path.rstrip('/')}"
        if options.result_format and options.result_format != "default":
            from smartcity.sensors.sta import formats

            return formats.render(resource, options, ctx, params, link_base)
        page = collection_page(entity, resource.queryset, options, ctx, link_base, params)
        return json_response(page)
    for name in ("top", "skip", "count", "filter", "orderby"):
        if getattr(options, name) not in (None, 0):
            raise bad_request(f"${name} applies to collections, not to one entity", f"${name}")
    check_select(entity, options.select)
    return json_response(serialize_many(entity, [resource.instance], options, ctx)[0])


def _property(resource) -> HttpResponse:
    from smartcity.sensors.sta.serialize import property_value

    value = property_value(resource.entity, resource.prop, resource.instance)
    if resource.value:
        if isinstance(value, dict | list):
            return HttpResponse(orjson.dumps(value), content_type="application/json")
        text = "" if value is None else str(value).lower() if isinstance(value, bool) else value
        return HttpResponse(str(text), content_type="text/plain; charset=utf-8")
    if value is None:
        return HttpResponse(status=204)
    return json_response({resource.prop.name: value})


def _reference(resource, options: Options, ctx, params) -> HttpResponse:
    entity = resource.entity
    if not resource.is_collection:
        return json_response(
            {"@iot.selfLink": f"{ctx.base}/{entity.set_name}({resource.instance.pk})"}
        )
    options.select, options.expand = ["@iot.selfLink"], []
    link_base = ctx.base + "/" + "/".join(request_path_parts(resource))
    page = collection_page(entity, resource.queryset, options, ctx, link_base, params)
    return json_response(page)


def request_path_parts(resource) -> list[str]:
    if resource.parent is None:
        return [resource.entity.set_name, "$ref"]
    parent, rel = resource.parent
    parent_set = [e for e in ENTITY_TYPES if e.model is type(parent)][0].set_name
    return [f"{parent_set}({parent.pk})", rel.name, "$ref"]
