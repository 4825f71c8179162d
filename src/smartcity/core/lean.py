"""Lean public read endpoints: answered in front of Django's middleware chain.

A request through Django costs about 0.8 ms of server CPU before the view does anything
(uvicorn, the hop to the request thread, 13 middlewares, Django's signals; docs/defects.md,
fourth pass). For an endpoint whose own work is a tenth of that and which is asked on every
tap (the defect form's duplicate hint), that cycle is the answer's cost. Such an endpoint can
register here; ``wrap`` (installed in ``smartcity/asgi.py``) then answers its GET requests
before the middleware chain, on the same request threads as Django (``core/asgi_handler.py``:
held database connections, prepared statements), and still does what the chain would have
done to such an answer:

- the host is checked against ``ALLOWED_HOSTS`` and the scheme taken as Django does (the
  request is Django's own ``ASGIRequest``; a refused host goes to Django, which answers 400);
- the language is chosen as ``LocaleMiddleware`` does (cookie, ``Accept-Language``) and is
  active while the handler runs; ``Content-Language`` and ``Vary: Accept-Language`` are set;
- the headers of the header-only middleware (``SecurityMiddleware``,
  ``XFrameOptionsMiddleware``, django-csp's ``CSPMiddleware``, and subclasses of them, found
  by class in ``MIDDLEWARE``) are computed by running that middleware over an empty JSON
  answer, once per scheme (``security_headers``; the sensors ingest path uses the same);
- ``X-Request-ID`` is the client's when it is a safe id, else a new one, and is the request
  id of log lines written meanwhile (``core.middleware.RequestIdMiddleware``);
- a middleware class that defines ``lean_answered(group, method, status, seconds)`` is told
  of each answer (the request metrics: ``operations.metrics.MetricsMiddleware``);
- ``request_started`` and ``request_finished`` are sent (connections, query log, caches) on
  the request thread; not for an answer on the event loop (below).

Only for endpoints that are public, read only and need no session, user, CSRF token or
messages: the middleware that would handle those (sessions, CSRF, auth, messages, allauth,
WhiteNoise, ``CommonMiddleware``) is known to leave such an answer alone, and where a request
could make it act (a session cookie it would delete, a malformed CSRF cookie it would replace,
a static file path, an https redirect) the request goes to Django. A middleware in
``MIDDLEWARE`` that this module does not know switches the whole mechanism off (with a
warning in the log), so a middleware added later is never skipped silently.

A handler is a plain function ``handler(LeanRequest) -> Answer | DELEGATE``, run on a request
thread. An endpoint may also give ``async_handler`` (a coroutine function with the same
contract) and ``async_when`` (e.g. ``lean_db.enabled``: PostgreSQL, ``SMARTCITY_LEAN_ASYNC_DB``):
while that holds, the request is answered on the event loop, without the hop to a request
thread and back (two cross-thread wake-ups, about a quarter of a lean answer's time), with the
same host check, language, headers, request id and metrics (the same functions). It must not
block the loop: no Django ORM or connection (its database access goes through
``core/lean_db.py``, an async psycopg pool), no file I/O. ``request_started`` /
``request_finished`` are not sent for it: their receivers close the current thread's old
Django connections, reset its query log and close cache connections, none of which an async
handler uses (the loop thread has no Django connections). The first lean answer of a process
is always made on a request thread: it makes the middleware plan (imports the URLconf, loads
the translation catalogues), which must not happen on the loop.

``DELEGATE`` hands the request to Django unchanged, so error answers (400 for bad
input, 404) come from the one normal path: the handler answers what it is sure of and
delegates the rest. An exception in the handler also hands the request to Django (which
answers or reports it as for any other request). ``SMARTCITY_LEAN_ENDPOINTS = False`` switches
the mechanism off (docs/configuration.md).

Registering, from an app's ``AppConfig.ready()``::

    lean.endpoints.register("defects-duplicates", lean.LeanEndpoint(
        pattern=re.compile(r"^/api/v1/defects/(?P<city>[^/]+)/duplicates$"),
        handler=api.lean_duplicates, group="api-v1"))

``group`` is the route group the request metrics would give the path (tests check it).
"""

from __future__ import annotations

import io
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from django.conf import settings
from django.core import signals
from django.core.exceptions import SuspiciousOperation
from django.core.handlers import asgi as django_asgi
from django.core.signals import setting_changed
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.cache import patch_vary_headers

from smartcity.core import connections
from smartcity.core.middleware import _SAFE_ID, request_id_var
from smartcity.core.registries import Registry

log = logging.getLogger(__name__)

DELEGATE = object()  # a handler's answer: "let Django answer this request"


@dataclass(frozen=True)
class LeanEndpoint:
    """A public read endpoint answered in front of the middleware chain."""

    pattern: re.Pattern  # matched against the path (without the script prefix)
    handler: Callable  # handler(LeanRequest) -> Answer | DELEGATE, on a request thread
    group: str  # the request metrics' route group of these paths
    # HEAD is answered with GET's status and headers and no body; only list it where the
    # normal path answers HEAD that way too.
    methods: frozenset = frozenset({"GET"})
    # Optionally the same answer on the event loop: ``async async_handler(LeanRequest)``,
    # used while ``async_when()`` is true (e.g. ``lean_db.enabled``: on PostgreSQL), else
    # ``handler`` on a request thread. It must not block the loop (no Django ORM, no Django
    # connection, no file or network I/O but awaited).
    async_handler: Callable | None = None
    async_when: Callable[[], bool] = bool


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class LeanRequest:
    """What a lean handler gets: the path match, the query and the request's language."""

    method: str
    path: str  # path_info: without the script prefix
    match: re.Match
    query: dict[str, list[str]]  # the query string's values, as QueryDict.getlist gives them
    language: str  # active while the handler runs
    scheme: str
    host: str  # validated against ALLOWED_HOSTS
    META: dict = field(repr=False, default_factory=dict)


endpoints = Registry("lean endpoint")


def enabled() -> bool:
    return getattr(settings, "SMARTCITY_LEAN_ENDPOINTS", True)


def _match(path: str):
    for endpoint in endpoints:
        found = endpoint.pattern.match(path)
        if found is not None:
            return endpoint, found
    return None


# --- what Django's middleware would have done ----------------------------------------------

# Middleware that only adds response headers: run over an empty answer to learn them.
HEADER_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
)
# Done here (request id, language).
HANDLED_MIDDLEWARE = (
    "smartcity.core.middleware.RequestIdMiddleware",
    "django.middleware.locale.LocaleMiddleware",
)
# Leave a public read answer without session, user, CSRF token or messages alone; the
# requests where they would act are sent to Django (``_django_must_answer``). Exact classes:
# a subclass may do more.
INERT_MIDDLEWARE = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "allauth.account.middleware.AccountMiddleware",
)


def _import(path):
    from django.utils.module_loading import import_string

    try:
        return import_string(path)
    except ImportError:
        return None


@dataclass
class _Plan:
    """What the configured middleware means for a lean answer, worked out once."""

    usable: bool
    reason: str = ""
    header_paths: list = field(default_factory=list)  # MIDDLEWARE entries, in order
    recorders: list = field(default_factory=list)  # lean_answered hooks
    request_id: bool = False
    locale: bool = False
    session_cookie: bool = False
    csrf_cookie: bool = False
    static_prefix: str | None = None
    csp_prefixes: tuple = ()  # CSP's EXCLUDE_URL_PREFIXES (both policies)


_plan: _Plan | None = None
_security: dict = {}


def _reset(**kwargs):
    global _plan
    _plan = None
    _security.clear()
    _header_sets.clear()


setting_changed.connect(_reset, dispatch_uid="smartcity.core.lean")


def plan() -> _Plan:
    global _plan
    if _plan is None:
        made = _make_plan()
        if not made.usable:
            log.warning("lean endpoints answered by Django: %s", made.reason)
        else:
            _load_catalogues()
        _plan = made
    return _plan


def _load_catalogues() -> None:
    """Load the translation catalogues of all languages now (on a request thread), so the
    language choice and an async handler never read a catalogue file on the event loop."""
    from django.utils.translation import trans_real

    if settings.USE_I18N:
        for code, _name in settings.LANGUAGES:
            trans_real.translation(code)
            trans_real.check_for_language(code)  # cached; looks for the files once


def _is_header_middleware(entry) -> bool:
    bases = [base for base in map(_import, HEADER_MIDDLEWARE) if base is not None]
    return isinstance(entry, type) and issubclass(entry, tuple(bases))


def _make_plan() -> _Plan:
    from django.conf.urls.i18n import is_language_prefix_patterns_used
    from django.urls import get_urlconf

    result = _Plan(usable=True)
    handled = {path: _import(path) for path in HANDLED_MIDDLEWARE}
    inert = {path: _import(path) for path in INERT_MIDDLEWARE}
    for path in settings.MIDDLEWARE:
        entry = _import(path)
        if entry is None:
            return _Plan(False, f"{path} cannot be imported")
        if _is_header_middleware(entry):
            result.header_paths.append(path)
        elif entry is handled["smartcity.core.middleware.RequestIdMiddleware"]:
            result.request_id = True
        elif entry is handled["django.middleware.locale.LocaleMiddleware"]:
            result.locale = True
        elif entry is inert["django.contrib.sessions.middleware.SessionMiddleware"]:
            result.session_cookie = True
        elif entry is inert["django.middleware.csrf.CsrfViewMiddleware"]:
            result.csrf_cookie = True
        elif entry is inert["whitenoise.middleware.WhiteNoiseMiddleware"]:
            result.static_prefix = settings.STATIC_URL or "/static/"
            if getattr(settings, "WHITENOISE_ROOT", None):
                return _Plan(False, "WHITENOISE_ROOT serves files at any path")
        elif entry in inert.values():
            pass
        elif callable(getattr(entry, "lean_answered", None)):
            result.recorders.append(entry.lean_answered)
        else:
            return _Plan(False, f"MIDDLEWARE has {path}, whose effect on a lean answer is unknown")
    if settings.PREPEND_WWW or settings.DISALLOWED_USER_AGENTS:
        return _Plan(False, "PREPEND_WWW or DISALLOWED_USER_AGENTS is set")
    if getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False) or settings.CSRF_USE_SESSIONS:
        return _Plan(False, "SESSION_SAVE_EVERY_REQUEST or CSRF_USE_SESSIONS is set")
    if (
        result.locale
        and is_language_prefix_patterns_used(get_urlconf() or settings.ROOT_URLCONF)[0]
    ):
        return _Plan(False, "the URLconf uses i18n_patterns")
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        policy = getattr(settings, name, None) or {}
        result.csp_prefixes += tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())
    if result.static_prefix and not result.static_prefix.startswith("/"):
        result.static_prefix = "/" + result.static_prefix
    return result


def security_headers(secure: bool, path: str = "/") -> list[tuple[bytes, bytes]]:
    """The headers that the header-only middleware of ``MIDDLEWARE`` (``SecurityMiddleware``,
    ``XFrameOptionsMiddleware``, ``CSPMiddleware`` and their subclasses, found by class) puts
    on a JSON answer: CSP, X-Frame-Options, X-Content-Type-Options, Referrer-Policy,
    Cross-Origin-Opener-Policy, HSTS on https. Computed by running that middleware, once per
    scheme (and per CSP ``EXCLUDE_URL_PREFIXES`` match of ``path``)."""
    key = (secure, _csp_excluded(path))
    headers = _security.get(key)
    if headers is None:
        from django.http import HttpRequest, HttpResponse

        class Request(HttpRequest):
            def _get_scheme(self):
                return "https" if secure else "http"

        request = Request()
        request.method, request.path, request.path_info = "GET", path, path
        request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "443" if secure else "80"}
        response = HttpResponse(b"{}", content_type="application/json")
        wanted = [path for path in settings.MIDDLEWARE if _is_header_middleware(_import(path))]
        chain = [_import(entry)(lambda _request: response) for entry in wanted]
        for middleware in chain:
            if hasattr(middleware, "process_request"):
                middleware.process_request(request)
        for middleware in reversed(chain):
            response = middleware.process_response(request, response)
        skip = {"content-type", "content-length"}
        headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in response.headers.items()
            if name.lower() not in skip
        ]
        _security[key] = headers
    return headers


def _csp_excluded(path: str) -> tuple:
    flags = []
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        flags.append(path.startswith(tuple(prefixes)))
    return tuple(flags)


def request_id(headers) -> str:
    """As ``RequestIdMiddleware``: the client's X-Request-ID if it is a safe id, else a new
    one. ``headers`` are the ASGI scope's (several X-Request-ID headers are joined by a
    comma, as Django does, and so are not a safe id)."""
    values = [value for name, value in headers if name == b"x-request-id"]
    if values:
        incoming = b",".join(values).decode("latin-1")
        if _SAFE_ID.match(incoming):
            return incoming
    return uuid.uuid4().hex


def _django_must_answer(request, current: _Plan) -> bool:
    """Requests where a middleware that leaves lean answers alone would act."""
    if current.static_prefix and request.path_info.startswith(current.static_prefix):
        return True  # WhiteNoise may serve a file here
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return True  # SecurityMiddleware redirects
    cookies = request.COOKIES
    if current.session_cookie and settings.SESSION_COOKIE_NAME in cookies:
        from importlib import import_module

        store = import_module(settings.SESSION_ENGINE).SessionStore
        if store(cookies[settings.SESSION_COOKIE_NAME]).is_empty():
            return True  # SessionMiddleware deletes the cookie (and varies on Cookie)
    if current.csrf_cookie and settings.CSRF_COOKIE_NAME in cookies:
        from django.middleware.csrf import InvalidTokenFormat, _check_token_format

        try:
            _check_token_format(cookies[settings.CSRF_COOKIE_NAME])
        except InvalidTokenFormat:
            return True  # CsrfViewMiddleware sets a new cookie
    return False


def _query(query_string: str) -> dict[str, list[str]]:
    """The query as Django's QueryDict reads it (UTF-8, blank values kept, at most
    ``DATA_UPLOAD_MAX_NUMBER_FIELDS``: ValueError beyond), as a plain dict of lists."""
    query: dict[str, list[str]] = {}
    if query_string:
        fields = parse_qsl(
            query_string,
            keep_blank_values=True,
            encoding="utf-8",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
        for key, value in fields:
            query.setdefault(key, []).append(value)
    return query


def _language(request, current: _Plan) -> str:
    if not current.locale:
        return settings.LANGUAGE_CODE
    # As LocaleMiddleware.process_request without i18n_patterns (the plan requires that).
    return translation.get_language_from_request(request, check_path=False)


# --- on the request thread -----------------------------------------------------------------


class _Delegate(Exception):
    pass


def answer(endpoint: LeanEndpoint, found: re.Match, scope: dict, handler_class) -> tuple | None:
    """On a request thread: ``(status, headers, body)``, or None for Django to answer."""
    started = time.perf_counter()
    try:
        current = plan()
    except Exception:  # noqa: BLE001 - e.g. a middleware that fails to import: Django reports it
        log.warning("lean endpoints: MIDDLEWARE could not be checked", exc_info=True)
        return None
    if not current.usable:
        return None
    connections.before_request()
    set_script_prefix(django_asgi.get_script_prefix(scope))
    signals.request_started.send(sender=handler_class, scope=scope)
    try:
        return _answer(endpoint, found, scope, current, started)
    except _Delegate:
        return None
    except Exception:  # noqa: BLE001 - Django answers (or reports) it as for any request
        log.warning("lean endpoint failed; answered by Django", exc_info=True)
        return None
    finally:
        signals.request_finished.send(sender=handler_class)


def _answer(endpoint, found, scope, current, started):
    request, host, query, rid = _prepare(scope, current)
    token = request_id_var.set(rid) if rid else None
    try:
        with translation.override(_language(request, current)):
            lean_request = _lean_request(request, found, query, host)
            result = endpoint.handler(lean_request)
            return _finish(endpoint, result, request, current, lean_request, rid, started)
    finally:
        if token is not None:
            request_id_var.reset(token)


def _prepare(scope, current):
    """Django's request (host, scheme, cookies, META), the validated host, the query and the
    request id; ``_Delegate`` where Django must answer. The same on both paths."""
    try:
        request = django_asgi.ASGIRequest(scope, io.BytesIO())
        host = request.get_host()
        query = _query(request.META["QUERY_STRING"])
    except (SuspiciousOperation, UnicodeDecodeError, ValueError):
        # A refused host, too many fields, a query string that is not UTF-8: Django answers
        # (400) and logs it.
        raise _Delegate from None
    if _django_must_answer(request, current):
        raise _Delegate
    rid = request_id(scope["headers"]) if current.request_id else None
    return request, host, query, rid


def _lean_request(request, found, query, host) -> LeanRequest:
    """Within ``translation.override`` of the request's language."""
    return LeanRequest(
        method=request.method,
        path=request.path_info,
        match=found,
        query=query,
        language=translation.get_language(),
        scheme=request.scheme,
        host=host,
        META=request.META,
    )


def _finish(endpoint, result, request, current, lean_request, rid, started):
    """The handler's result as ``(status, headers, body)``, recorded in the metrics."""
    if result is DELEGATE:
        raise _Delegate
    headers = _headers(result, request, current, lean_request.language, rid)
    seconds = time.perf_counter() - started
    for record in current.recorders:
        record(endpoint.group, request.method, result.status, seconds)
    body = b"" if request.method == "HEAD" else result.body
    return result.status, headers, body


# --- on the event loop ---------------------------------------------------------------------


def can_answer_async(endpoint: LeanEndpoint) -> bool:
    """Whether ``endpoint`` is answered on the loop now: it has an async handler, its
    condition holds and the middleware plan has been made (on a request thread, by the
    first lean answer of the process: making it imports the URLconf and loads the
    translation catalogues, which must not happen on the loop)."""
    return endpoint.async_handler is not None and _plan is not None and endpoint.async_when()


async def answer_async(endpoint: LeanEndpoint, found: re.Match, scope: dict) -> tuple | None:
    """On the event loop: ``(status, headers, body)``, or None for Django to answer. As
    :func:`answer`, with the endpoint's async handler and without ``request_started`` /
    ``request_finished``: those signals close the current thread's old Django connections,
    reset its query log and close the cache connections, and the async handler uses none
    of them (it queries through ``core.lean_db``); sent on the loop, they would only do
    that work for the loop thread, which has no such connections."""
    started = time.perf_counter()
    current = _plan
    if current is None or not current.usable:
        return None
    set_script_prefix(django_asgi.get_script_prefix(scope))
    try:
        request, host, query, rid = _prepare(scope, current)
        token = request_id_var.set(rid) if rid else None
        try:
            with translation.override(_language(request, current)):
                lean_request = _lean_request(request, found, query, host)
                result = await endpoint.async_handler(lean_request)
                return _finish(endpoint, result, request, current, lean_request, rid, started)
        finally:
            if token is not None:
                request_id_var.reset(token)
    except _Delegate:
        return None
    except Exception:  # noqa: BLE001 - Django answers (or reports) it as for any request
        log.warning("lean endpoint failed on the event loop; answered by Django", exc_info=True)
        return None


_header_sets: dict = {}


def _headers(result: Answer, request, current: _Plan, language: str, rid) -> list:
    """The answer's headers: worked out once per kind of answer (status, type, the handler's
    headers, scheme, language), then only the length and the request id are added."""
    secure = request.is_secure()
    excluded = bool(current.csp_prefixes) and request.path_info.startswith(current.csp_prefixes)
    key = (result.status, result.content_type, result.headers, secure, language, excluded)
    fixed = _header_sets.get(key)
    if fixed is None:
        fixed = _fixed_headers(result, secure, request.path_info, current, language)
        if len(_header_sets) > 256:
            _header_sets.clear()
        _header_sets[key] = fixed
    headers = [*fixed, (b"content-length", str(len(result.body)).encode())]
    if rid is not None:
        headers.append((b"x-request-id", rid.encode("latin-1")))
    return headers


def _fixed_headers(result: Answer, secure: bool, path: str, current: _Plan, language: str):
    from django.http import HttpResponse

    extra = HttpResponse(status=result.status)  # Vary merged as Django merges it
    for name, value in result.headers:
        extra[name] = value
    if current.locale:
        patch_vary_headers(extra, ("Accept-Language",))
        extra.headers.setdefault("Content-Language", language)
    headers = [(b"content-type", result.content_type.encode("latin-1"))]
    headers.extend(
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in extra.headers.items()
        if name.lower() != "content-type"
    )
    present = {name for name, _value in headers}
    headers.extend(item for item in security_headers(secure, path) if item[0] not in present)
    return tuple(headers)


# --- the ASGI wrapper ----------------------------------------------------------------------


def wrap(django_app):
    """The ASGI application: lean endpoints in front of Django's. ``django_app`` is the
    platform's ``core.asgi_handler.ASGIHandler``, whose request threads the answers use."""
    threads = getattr(django_app, "threads", None)
    handler_class = type(django_app)

    async def application(scope, receive, send):
        if (
            threads is not None
            and scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and len(endpoints)
        ):
            found = _match(scope["path"].removeprefix(django_asgi.get_script_prefix(scope)))
            if (
                found is not None
                and scope["method"] in found[0].methods
                and enabled()
                and not _has_body(scope)
            ):
                if can_answer_async(found[0]):
                    result = await answer_async(found[0], found[1], scope)
                else:
                    thread = await threads.acquire()
                    try:
                        result = await thread.run(answer, found[0], found[1], scope, handler_class)
                    finally:
                        threads.release(thread)
                if result is not None:
                    status, headers, body = result
                    await send(
                        {"type": "http.response.start", "status": status, "headers": headers}
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
        await django_app(scope, receive, send)

    return application


def _has_body(scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False
