"""Single-Observation POSTs without Django's request cycle, committed in groups.

A sensor that POSTs one Observation at a time is the commonest client and the most expensive:
through Django's middleware, one token query, one Datastream query, one transaction and one
commit per Observation, a 2-core machine manages a few hundred per second. This ASGI wrapper
(``smartcity.asgi``) takes exactly these requests —
``POST /sta/v1.x/Datastreams(id)/Observations`` and ``POST /sta/v1.x/Observations`` with a
``Datastream`` link, a plain Observation body and a Bearer/Basic token — and hands them to one
writer thread per process, which stores everything that arrived meanwhile with one
``services.store_groups`` call: one token check per distinct token, one Datastream query, one
INSERT, one commit (group commit). Each request is answered only after that commit, so an
acknowledged Observation is stored.

Everything else, and every request the fast path cannot answer with a 201 (bad JSON, unknown
fields, nested entities, a missing Datastream, a refused token, duplicates, any error), goes to
Django unchanged with its body replayed, so answers and error bodies come from the one normal
path (``sta/writes.py``). ``SENSORS_FAST_INGEST = False`` switches the wrapper off.
"""

import asyncio
import contextlib
import logging
import queue
import re
import threading
import time

import orjson
from django.conf import settings
from django.http.request import split_domain_port, validate_host

# The headers Django's header middleware would add and the request id, as on the other
# answers given in front of Django (core/lean.py).
from smartcity.core.lean import request_id, security_headers
from smartcity.sensors.sta.errors import StaError

log = logging.getLogger(__name__)

PATH = re.compile(r"^/sta/(?P<version>v1\.[01])/(?:Datastreams\((?P<id>\d+)\)/)?Observations$")
MAX_BODY = 64 * 1024
MAX_BATCH = 500
GATHER_GAP = 0.0005  # seconds; settings.SENSORS_INGEST_GATHER_GAP
GATHER_MAX = 0.002  # seconds; settings.SENSORS_INGEST_GATHER_MAX
PLAIN = {"phenomenonTime", "resultTime", "result", "resultQuality", "validTime", "parameters"}
DELEGATE = object()


def enabled() -> bool:
    return getattr(settings, "SENSORS_FAST_INGEST", True)


def wrap(django_app):
    """The ASGI application: the fast path in front of Django's."""

    async def application(scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "POST":
            match = PATH.match(scope["path"])
            if match is not None and enabled():
                await _ingest(django_app, scope, receive, send, match)
                return
        await django_app(scope, receive, send)

    return application


async def _ingest(django_app, scope, receive, send, match):
    messages, body, complete = [], b"", True
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            complete = False
            break
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
        if len(body) > MAX_BODY:
            complete = False
            break
    answer = None
    if complete:
        job = _job(scope, match, body)
        if job is not None:
            answer = await batcher.submit(job)
    if answer is None or answer is DELEGATE:
        await django_app(scope, _replay(messages, receive), send)
        return
    status, location, payload = answer
    from smartcity.sensors.metrics import FAST_INGEST

    FAST_INGEST.inc()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"location", location.encode()),
                *security_headers(location.startswith("https:"), scope["path"]),
                (b"x-request-id", request_id(scope["headers"]).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def _replay(messages, receive):
    pending = list(messages)

    async def replay():
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


class Job:
    __slots__ = ("base", "feature_id", "item", "secret", "stream_id", "version")

    def __init__(self, version, base, secret, stream_id, item, feature_id):
        self.version, self.base, self.secret = version, base, secret
        self.stream_id, self.item, self.feature_id = stream_id, item, feature_id


def plain_observation(data, stream_id=None, feature_id=None):
    """(Datastream id, NewObservation) for a body that is a plain Observation whose
    Datastream and FeatureOfInterest are links; None when only the normal path can store or
    refuse it (inline entities, a second Datastream, values the normal path must name)."""
    from smartcity.sensors.sta.payload import link_id, new_observation

    if not isinstance(data, dict):
        return None
    try:
        for key, value in data.items():
            if key in PLAIN:
                continue
            if key == "Datastream" and stream_id is None:
                stream_id = link_id(value, "Datastream")
                if stream_id is None:
                    return None
            elif key == "FeatureOfInterest" and feature_id is None:
                feature_id = link_id(value, "FeatureOfInterest")
                if feature_id is None:
                    return None  # a new feature inline
            else:
                return None
        if stream_id is None:
            return None
        item = new_observation(data)
    except StaError:
        return None
    item.feature_of_interest_id = feature_id
    return stream_id, item


def _job(scope, match, body) -> Job | None:
    """The request as a Job, or None when only the normal path can answer it."""
    from smartcity.sensors.sta.views import bearer_from_header

    headers = dict(scope["headers"])
    secret = bearer_from_header(headers.get(b"authorization", b"").decode("latin-1"))
    base = _base(scope, headers, match["version"])
    if not secret or base is None:
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    found = plain_observation(data, int(match["id"]) if match["id"] else None)
    if found is None:
        return None
    stream_id, item = found
    return Job(match["version"], base, secret, stream_id, item, item.feature_of_interest_id)


def _base(scope, headers, version) -> str | None:
    """The service root as Django would build it (ALLOWED_HOSTS checked), else None."""
    host = headers.get(b"host", b"").decode("latin-1")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = scope.get("scheme", "http")
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name = proxy[0].removeprefix("HTTP_").lower().replace("_", "-").encode()
        if headers.get(name, b"").decode("latin-1").split(",")[0].strip() == proxy[1]:
            scheme = "https"
    return f"{scheme}://{host}/sta/{version}"


class Batcher:
    """One writer thread per process storing whatever requests arrived meanwhile, together."""

    def __init__(self):
        self.queue = queue.SimpleQueue()
        self._thread = None
        self._lock = threading.Lock()
        self.batches = self.requests = 0  # for tests and curious operators

    def submit(self, job) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._ensure_thread()
        self.queue.put((job, loop, future))
        return future

    def _ensure_thread(self):
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(
                        target=self._run, name="sta-ingest", daemon=True
                    )
                    self._thread.start()

    def _collect(self) -> list:
        """The next group: what is queued, plus what keeps arriving with gaps under
        ``SENSORS_INGEST_GATHER_GAP`` seconds, for at most ``SENSORS_INGEST_GATHER_MAX``.

        Without the wait a group holds what arrived while the last one was stored: with
        clients that send again once answered, two groups alternate and each has half of
        them, so the fixed cost of a group (its transaction: a few hundred microseconds of
        Python and of PostgreSQL) is paid twice as often. The wait lets those who were just
        answered join; under light load it costs at most one gap.
        """
        entries = [self.queue.get()]
        gap = getattr(settings, "SENSORS_INGEST_GATHER_GAP", GATHER_GAP)
        deadline = time.monotonic() + getattr(settings, "SENSORS_INGEST_GATHER_MAX", GATHER_MAX)
        while len(entries) < MAX_BATCH:
            try:
                entries.append(self.queue.get_nowait())
                continue
            except queue.Empty:
                pass
            remaining = min(gap, deadline - time.monotonic())
            if remaining <= 0:
                break
            try:
                entries.append(self.queue.get(timeout=remaining))
            except queue.Empty:
                break
        return entries

    def _run(self):
        while True:
            entries = self._collect()
            try:
                answers = process([job for job, _loop, _future in entries])
            except Exception:  # noqa: BLE001 - the normal path answers (or reports) it
                log.exception("grouped ingest failed; answering through the normal path")
                answers = [DELEGATE] * len(entries)
            self.batches += 1
            self.requests += len(entries)
            # One wake-up per event loop for the whole group, not one per request.
            by_loop = {}
            for (_job, loop, future), answer in zip(entries, answers, strict=True):
                by_loop.setdefault(loop, []).append((future, answer))
            for loop, results in by_loop.items():
                with contextlib.suppress(RuntimeError):  # the request's loop is gone (shutdown)
                    loop.call_soon_threadsafe(_resolve_all, results)
            if self.queue.empty():
                # Idle: give the connection back (to the pool on PostgreSQL), as Django does
                # after each request.
                from django.db import connection

                connection.close()


def _resolve_all(results):
    for future, answer in results:
        if not future.done():
            future.set_result(answer)


def process(jobs) -> list:
    """Store the jobs in one transaction; per job (status, location, body) or DELEGATE."""
    from django.db import connection

    from smartcity.sensors.errors import SensorError
    from smartcity.sensors.services.streams import store_for_datastreams
    from smartcity.sensors.sta.entities import OBSERVATION
    from smartcity.sensors.sta.query import Options
    from smartcity.sensors.sta.resources import Visibility
    from smartcity.sensors.sta.serialize import Context, entity_json
    from smartcity.sensors.sta.views import write_allowed

    connection.close_if_unusable_or_obsolete()
    answers = [DELEGATE] * len(jobs)
    allowed = {secret: write_allowed(secret) for secret in {job.secret for job in jobs}}
    wanted = {job.stream_id for job in jobs if allowed[job.secret]}
    if not wanted:
        return answers
    members = {}

    def group(streams):
        groups = {}
        for index, job in enumerate(jobs):
            stream = streams.get(job.stream_id)
            if stream is None or not allowed[job.secret]:
                continue  # Django answers 401/403/404
            groups.setdefault(stream.pk, (stream, []))[1].append(job.item)
            members.setdefault(stream.pk, []).append(index)
        return list(groups.values())

    try:
        groups, stored = store_for_datastreams(wanted, len(jobs), group)
    except SensorError:
        return answers  # e.g. a duplicate: each request alone through the normal path
    contexts = {}
    for (stream, _items), rows in zip(groups, stored, strict=True):
        for position, (index, pk) in enumerate(zip(members[stream.pk], rows.ids, strict=True)):
            job = jobs[index]
            location = f"{job.base}/Observations({pk})"
            try:
                ctx = contexts.get((job.base, job.version))
                if ctx is None:
                    ctx = Context(base=job.base, version=job.version, visibility=Visibility(True))
                    contexts[(job.base, job.version)] = ctx
                body = entity_json(OBSERVATION, rows[position], Options(), ctx)
            except Exception:  # noqa: BLE001 - stored: answer 201 with the essentials
                log.exception("serialising a stored Observation failed")
                body = {"@iot.id": pk, "@iot.selfLink": location}
            answers[index] = (201, location, orjson.dumps(body))
    return answers


batcher = Batcher()
