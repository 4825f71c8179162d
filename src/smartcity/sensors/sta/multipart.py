"""``$batch`` in the multipart format (OData 4.0 Part 1 §11.7, OGC 18-088 §11.2).

Only the framing lives here; the requests run through the engine of the JSON ``$batch``
(``batch.py``), so answers and error bodies are the same in both formats.

Request: ``POST …/$batch`` with ``Content-Type: multipart/mixed; boundary=…``. Each body part is
either one request (``Content-Type: application/http``, ``Content-Transfer-Encoding: binary``,
its content an HTTP request: request line, headers, blank line, body) or a changeset (a part
of type ``multipart/mixed`` with its own boundary whose parts are requests). A changeset holds
only changes (POST, PATCH, PUT, DELETE), each with a ``Content-ID`` unique in the batch; it runs
in one transaction. ``$<Content-ID>`` names the entity made by an earlier request of the same
changeset, at the start of a later request's URL (``$1/Datastreams``) and as a link in its body
(``{"Datastream": {"@iot.id": "$2"}}``). Content-IDs are only valid within their changeset (OData
4.0 §11.7.3.1); a reference to anything else is a 400 for the whole batch, checked before any
request runs.

Response: ``200`` with ``Content-Type: multipart/mixed; boundary=…``, one ``application/http``
part per request outside changesets and one ``multipart/mixed`` part per changeset with one
``application/http`` part per request (with its ``Content-ID``). A changeset that failed is
answered by one ``application/http`` part with the failure (the changeset was rolled back).

The envelope is parsed with the standard library's MIME parser (``email``) and each embedded
request's headers with ``http.client.parse_headers``; malformed framing is a 400 naming the
part that is wrong, and then no request runs.
"""

import email
import email.errors
import email.policy
import http.client
import io
import uuid
from dataclasses import dataclass
from http import HTTPStatus

import orjson
from django.http import HttpResponse

from smartcity.sensors.sta import batch
from smartcity.sensors.sta.errors import bad_request

CHANGES = ("POST", "PATCH", "PUT", "DELETE")
SYSTEM_RESOURCES = ("$batch", "$metadata", "$all", "$crossjoin", "$entity", "$root", "$id")
MAX_REQUESTS = 1000


@dataclass
class Request:
    method: str
    url: str
    content_type: str
    body: bytes
    content_id: str | None
    where: str  # "part 2 of the batch", for messages


@dataclass
class Changeset:
    requests: list[Request]
    where: str


def parse(content_type: str, body: bytes, version: str = "v1.1") -> list[Request | Changeset]:
    """The requests and changesets of a multipart batch body; StaError (400) if malformed."""
    if not content_type.lower().startswith("multipart/mixed"):
        raise bad_request(
            f"a multipart $batch has Content-Type multipart/mixed, not {content_type!r}",
            "Content-Type",
        )
    envelope = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = email.message_from_bytes(envelope + body, policy=email.policy.compat32)
    _check(message, "the batch")
    items = []
    for index, part in enumerate(message.get_payload(), 1):
        where = f"part {index} of the batch"
        if part.get_content_maintype() == "multipart":
            items.append(_changeset(part, where))
        else:
            items.append(_request(part, where, in_changeset=False))
    if not items:
        raise bad_request("the batch holds no request", "$batch")
    count = sum(len(item.requests) if isinstance(item, Changeset) else 1 for item in items)
    if count > MAX_REQUESTS:
        raise bad_request(f"a batch holds at most {MAX_REQUESTS} requests, not {count}", "$batch")
    _check_references(items, version)
    return items


def _check(message, where: str) -> None:
    boundary = message.get_param("boundary")
    for defect in message.defects:
        if isinstance(defect, email.errors.NoBoundaryInMultipartDefect):
            raise bad_request(
                f"{where} has no boundary: its Content-Type must be 'multipart/mixed; boundary=…'",
                "Content-Type",
            )
        if isinstance(defect, email.errors.StartBoundaryNotFoundDefect):
            raise bad_request(
                f"{where}: no part starts with the delimiter --{boundary} (from the boundary "
                "parameter)",
                "$batch",
            )
        if isinstance(defect, email.errors.CloseBoundaryNotFoundDefect):
            raise bad_request(
                f"{where} does not end with the close delimiter --{boundary}--", "$batch"
            )
    if not message.is_multipart():
        raise bad_request(f"{where} is not a multipart/mixed body", "$batch")
    for defect in message.defects:
        if not isinstance(defect, email.errors.MultipartInvariantViolationDefect):
            raise bad_request(f"{where} is malformed: {type(defect).__name__}", "$batch")


def _changeset(part, where: str) -> Changeset:
    where = f"{where} (a changeset)"
    if part.get_content_type() != "multipart/mixed":
        raise bad_request(
            f"{where} has Content-Type {part.get_content_type()}; a changeset is multipart/mixed",
            "Content-Type",
        )
    _check(part, where)
    requests = []
    for index, inner in enumerate(part.get_payload(), 1):
        inner_where = f"request {index} of {where}"
        if inner.get_content_maintype() == "multipart":
            raise bad_request(f"{inner_where}: changesets cannot be nested", "$batch")
        requests.append(_request(inner, inner_where, in_changeset=True))
    if not requests:
        raise bad_request(f"{where} holds no request", "$batch")
    return Changeset(requests, where)


def _request(part, where: str, in_changeset: bool) -> Request:
    if part.get("Content-Type") is None:
        raise bad_request(
            f"{where} has no Content-Type header; each request is an application/http part",
            "Content-Type",
        )
    if part.get_content_type() != "application/http":
        raise bad_request(
            f"{where} has Content-Type {part.get_content_type()}; each request is an "
            "application/http part (or, for a changeset, multipart/mixed)",
            "Content-Type",
        )
    content_id = part.get("Content-ID")
    content_id = content_id.strip() if content_id else None
    if in_changeset and not content_id:
        raise bad_request(
            f"{where} has no Content-ID header; each request in a changeset needs one",
            "Content-ID",
        )
    raw = part.get_payload(decode=True) or b""
    line, _, rest = raw.lstrip(b"\r\n").partition(b"\n")
    try:
        request_line = line.rstrip(b"\r").decode()
    except UnicodeDecodeError:
        raise bad_request(f"{where}: the request line is not UTF-8", "$batch") from None
    words = request_line.split(" ")
    if len(words) != 3 or not words[2].startswith("HTTP/") or not words[0].isalpha():
        raise bad_request(
            f"{where}: the request line {request_line!r} is not 'METHOD URL HTTP/1.1'", "$batch"
        )
    method, url = words[0].upper(), words[1]
    if in_changeset and method not in CHANGES:
        raise bad_request(
            f"{where}: a changeset holds only changes (POST, PATCH, PUT, DELETE), not {method}",
            "$batch",
        )
    stream = io.BytesIO(rest)
    try:
        headers = http.client.parse_headers(stream)
    except http.client.HTTPException as error:
        raise bad_request(f"{where}: malformed request headers ({error})", "$batch") from None
    body = stream.read()
    length = headers.get("Content-Length")
    if length is not None:
        if not length.strip().isdigit() or int(length) > len(body):
            raise bad_request(
                f"{where}: Content-Length {length} does not match the body of {len(body)} bytes",
                "Content-Length",
            )
        body = body[: int(length)]
    content_type = (headers.get("Content-Type") or "application/json").split(";")[0].strip()
    return Request(method, url, content_type.lower(), body, content_id, where)


def _reference(url: str, version: str) -> str | None:
    path, _query = batch._split_url(url, version)
    head = path.split("/", 1)[0]
    if head.startswith("$") and head.split("(")[0] not in SYSTEM_RESOURCES:
        return head[1:]
    return None


def _check_references(items, version: str) -> None:
    """Unique Content-IDs; ``$<Content-ID>`` in a URL only to an earlier request of the same
    changeset. Checked before anything runs, so a bad reference writes nothing."""
    seen = set()
    for item in items:
        requests = item.requests if isinstance(item, Changeset) else [item]
        earlier = set()
        for request in requests:
            name = _reference(request.url, version)
            if name is not None and not isinstance(item, Changeset):
                raise bad_request(
                    f"{request.where}: ${name} in the URL refers to another request, which only "
                    "requests inside a changeset can do",
                    "url",
                )
            if name is not None and name not in earlier:
                raise bad_request(
                    f"{request.where}: ${name} in the URL names no earlier request of the same "
                    "changeset (Content-ID)",
                    "url",
                )
            if request.content_id is not None:
                if request.content_id in seen:
                    raise bad_request(
                        f"{request.where}: Content-ID {request.content_id} occurs twice; "
                        "Content-IDs are unique within the batch",
                        "Content-ID",
                    )
                seen.add(request.content_id)
                earlier.add(request.content_id)


def _item(request: Request, group: str | None = None) -> dict:
    item = {
        "id": request.content_id,
        "method": request.method,
        "url": request.url,
        "headers": {"Content-Type": request.content_type},
        "raw": request.body,
    }
    if group is not None:
        item["atomicityGroup"] = group
    return item


def _references(scope: str) -> batch.References:
    references = batch.References()
    references.scope = scope
    return references


def run_multipart(request, version: str) -> HttpResponse:
    items = parse(request.META.get("CONTENT_TYPE", ""), request.body, version)
    parts = []
    for number, item in enumerate(items):
        if isinstance(item, Request):
            answer = batch._answer(
                request,
                version,
                _item(item),
                _references("changeset; outside changesets nothing can be referenced"),
            )
            parts.append(_http_part(answer, item.content_id))
            continue
        members = [_item(inner, f"changeset{number}") for inner in item.requests]
        answers, failure = batch.run_changeset(request, version, members, _references("changeset"))
        if failure is not None:
            parts.append(_http_part(failure))
            continue
        boundary = f"changeset_{uuid.uuid4()}"
        inner = [
            _http_part(answer, member.content_id)
            for answer, member in zip(answers, item.requests, strict=True)
        ]
        parts.append(
            f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n".encode()
            + _multipart(inner, boundary)
        )
    boundary = f"batch_{uuid.uuid4()}"
    response = HttpResponse(
        _multipart(parts, boundary) + b"\r\n",
        content_type=f"multipart/mixed; boundary={boundary}",
    )
    response["OData-Version"] = "4.0"
    return response


def _multipart(parts: list[bytes], boundary: str) -> bytes:
    """Parts between delimiters; the CRLF before each delimiter belongs to the delimiter."""
    delimiter = f"--{boundary}".encode()
    return b"".join(delimiter + b"\r\n" + part + b"\r\n" for part in parts) + delimiter + b"--"


def _http_part(answer: dict, content_id: str | None = None) -> bytes:
    status = answer["status"]
    body = answer.get("body")
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
    if body is None:
        payload = b""
    elif isinstance(body, str):  # a $value
        payload = body.encode()
        lines.append("Content-Type: text/plain; charset=utf-8")
    else:
        payload = orjson.dumps(body)
        lines.append("Content-Type: application/json")
    location = (answer.get("headers") or {}).get("location")
    if location:
        lines.append(f"Location: {location}")
    lines.append(f"Content-Length: {len(payload)}")
    head = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
    if content_id is not None:
        head += f"Content-ID: {content_id}\r\n"
    return (head + "\r\n" + "\r\n".join(lines) + "\r\n\r\n").encode() + payload
