"""JSON ``$batch`` (OData 4.01 JSON format, OGC 18-088 §11.2).

Requests run in order. Requests sharing an ``atomicityGroup`` form a changeset: they run in one
transaction and, if one fails, none of them is kept and each answers with the failure.

``$<id>`` references an entity created by an earlier request of the batch (its ``id``): at the
start of a ``url`` (``$1/Datastreams``) and as a link in a body (``{"@iot.id": "$1"}``).
"""

from django.db import transaction
from django.http import HttpRequest, QueryDict

from smartcity.sensors.sta.errors import StaError, bad_request


class _Rollback(Exception):
    pass


class References(dict):
    """Request id -> (path of the created entity, its id), for ``$<id>`` references.

    ``scope`` names where a reference may point in messages: the JSON format lets a request
    name any earlier request of the batch, the multipart format (OData 4.0) only earlier
    requests of the same changeset.
    """

    scope = "batch"


def _split_url(url: str, version: str) -> tuple[str, str]:
    if not isinstance(url, str) or not url:
        raise bad_request("each batch request needs a url", "url")
    marker = f"/sta/{version}/"
    if marker in url:
        url = url.split(marker, 1)[1]
    elif url.startswith(f"{version}/"):
        url = url[len(version) + 1 :]
    path, _, query = url.lstrip("/").partition("?")
    return path, query


def _scope(created) -> str:
    return getattr(created, "scope", "batch")


def _resolve_references(item, created):
    """The item with ``$<id>`` references replaced by the entities they name.

    An item of the multipart format carries its body undecoded (``raw``): it is decoded
    here, so malformed JSON answers that request (or fails its changeset) with a 400.
    """
    if "raw" in item:
        from smartcity.sensors.sta.payload import load_json

        raw = item["raw"]
        item = {key: value for key, value in item.items() if key != "raw"}
        if raw.strip():
            item["body"] = load_json(raw)
    url = item.get("url")
    if isinstance(url, str):
        head, slash, rest = url.lstrip("/").partition("/")
        if head.startswith("$") and head[1:] and not head.startswith("$batch"):
            if head[1:] not in created:
                raise bad_request(
                    f"{head} in the url names no entity created earlier in this {_scope(created)}",
                    "url",
                )
            item = dict(item, url=created[head[1:]][0] + slash + rest)
    if "body" in item:
        item = dict(item, body=_replace_links(item["body"], created))
    return item


def _replace_links(value, created):
    if isinstance(value, list):
        return [_replace_links(element, created) for element in value]
    if not isinstance(value, dict):
        return value
    link = value.get("@iot.id")
    replaced = {key: _replace_links(element, created) for key, element in value.items()}
    if isinstance(link, str) and link.startswith("$"):
        if link[1:] not in created:
            raise bad_request(
                f"{link} names no entity created earlier in this {_scope(created)}", "@iot.id"
            )
        replaced["@iot.id"] = created[link[1:]][1]
    return replaced


def _one(request, version, item):
    """(status, body, headers) of one request; StaError is turned into its error body."""
    import orjson

    from smartcity.sensors.sta import views
    from smartcity.sensors.sta.resources import Visibility
    from smartcity.sensors.sta.serialize import Context
    from smartcity.sensors.sta.writes import execute

    method = str(item.get("method", "")).upper()
    path, query = _split_url(item.get("url"), version)
    if method == "GET":
        inner = HttpRequest()
        inner.method, inner.path = "GET", request.path
        inner.META = request.META.copy()
        inner.GET = QueryDict(query)
        response = views.read(inner, version, path)
        if not response.content:
            return response.status_code, None, {}
        if response.get("Content-Type", "").startswith("application/json"):
            return response.status_code, orjson.loads(response.content), {}
        return response.status_code, response.content.decode(), {}  # a $value
    body = item.get("body")
    raw = orjson.dumps(body) if body is not None else b""
    ctx = Context(
        base=request.build_absolute_uri(f"/sta/{version}"),
        version=version,
        visibility=Visibility(True),
    )
    content_type = (item.get("headers") or {}).get("Content-Type", "application/json")
    return execute(method, path, raw, content_type, ctx)


def run_batch(request, version: str, body) -> dict:
    if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
        raise bad_request("a $batch body is an object with a 'requests' array", "requests")
    requests = body["requests"]
    created = References()
    responses = []
    index = 0
    while index < len(requests):
        item = requests[index]
        if not isinstance(item, dict):
            raise bad_request(f"requests[{index}] must be an object", "requests")
        group = item.get("atomicityGroup")
        if group is None:
            responses.append(_answer(request, version, item, created))
            index += 1
            continue
        members = []
        while index < len(requests) and requests[index].get("atomicityGroup") == group:
            members.append(requests[index])
            index += 1
        responses.extend(_changeset(request, version, members, created))
    return {"responses": responses}


def _answer(request, version, item, created):
    try:
        status, payload, headers = _one(request, version, _resolve_references(item, created))
    except StaError as error:
        status, payload, headers = error.status, error.body(), {}
    if status == 201 and item.get("id") is not None and isinstance(payload, dict):
        location = headers.get("Location", "")
        path = location.split(f"/sta/{version}/", 1)[-1]
        created[str(item["id"])] = (path, payload.get("@iot.id"))
    answer = {"id": item.get("id"), "status": status}
    if item.get("atomicityGroup"):
        answer["atomicityGroup"] = item["atomicityGroup"]
    if headers.get("Location"):
        answer["headers"] = {"location": headers["Location"]}
    if payload is not None:
        answer["body"] = payload
    return answer


def _changeset(request, version, members, created):
    answers, failure = run_changeset(request, version, members, created)
    if failure is None:
        return answers
    return [
        {
            "id": item.get("id"),
            "atomicityGroup": item.get("atomicityGroup"),
            "status": failure["status"],
            "body": failure["body"],
        }
        for item in members
    ]


def run_changeset(request, version, members, created):
    """The answers of a changeset's requests and the failed answer (``None`` if all passed).

    The requests run in one transaction: when one fails, it is undone, and the entities the
    changeset made can no longer be referenced.
    """
    answers = []
    failure = None
    before = dict(created)
    try:
        with transaction.atomic():
            for item in members:
                answer = _answer(request, version, item, created)
                answers.append(answer)
                if answer["status"] >= 400:
                    failure = answer
                    raise _Rollback
    except _Rollback:
        created.clear()
        created.update(before)
    return answers, failure
