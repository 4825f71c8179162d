"""Lean public read endpoints (core/lean.py): answered in front of the middleware chain with
the same status, body and headers as the same endpoint through Django."""

import asyncio
import re

import orjson
import pytest
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import gettext

from smartcity.core import lean
from smartcity.core.asgi_handler import ASGIHandler
from smartcity.core.registries import Registry
from smartcity.core.tests.asgi import call
from smartcity.core.tests.asgi import http_scope as scope
from smartcity.operations.metrics import REQUESTS

pytestmark = pytest.mark.django_db(transaction=True)

calls = []


def body_for(word: str) -> bytes:
    return orjson.dumps({"word": word, "message": gettext("Nicht gefunden.")})


def view(request, word):
    """The normal path of the probe endpoint."""
    if word == "kaputt":
        return HttpResponse(b'{"error": "kaputt"}', status=400, content_type="application/json")
    response = HttpResponse(body_for(word), content_type="application/json")
    if word == "cached":
        response["Cache-Control"] = "public, max-age=60"
        response["Access-Control-Allow-Origin"] = "*"
    return response


def handler(request):
    calls.append(request)
    word = request.match["word"]
    if word == "kaputt":
        return lean.DELEGATE
    if word == "fehler":
        raise RuntimeError("the handler failed")
    headers = ()
    if word == "cached":
        headers = (("Cache-Control", "public, max-age=60"), ("Access-Control-Allow-Origin", "*"))
    return lean.Answer(200, body_for(word), headers=headers)


urlpatterns = [
    path("lean-probe/<str:word>", view),
    path("", include("smartcity.urls")),
]


@pytest.fixture
def apps(settings, monkeypatch):
    """(lean application, Django alone) over one ASGIHandler, the probe endpoint registered."""
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    registry = Registry("lean endpoint")
    registry.register(
        "probe",
        lean.LeanEndpoint(
            re.compile(r"^/lean-probe/(?P<word>[^/]+)$"),
            handler,
            group="pages",
            methods=frozenset({"GET", "HEAD"}),
        ),
    )
    monkeypatch.setattr(lean, "endpoints", registry)
    lean._reset()
    calls.clear()
    django_app = ASGIHandler(threads=2)
    yield lean.wrap(django_app), django_app
    django_app.threads.stop()
    lean._reset()


def both(apps, request_scope):
    """The lean answer and Django's to the same request (the request id left out)."""
    lean_app, django_app = apps
    before = len(calls)
    fast = asyncio.run(call(lean_app, request_scope))
    answered_lean = len(calls) > before
    normal = asyncio.run(call(django_app, request_scope))
    for answer in (fast, normal):
        answer[1].pop("x-request-id")
    return fast, normal, answered_lean


@pytest.mark.parametrize(
    "headers",
    [
        [],
        [(b"accept-language", b"en-GB,en;q=0.8")],
        [(b"accept-language", b"fr")],
        [(b"cookie", b"django_language=en")],
        [(b"cookie", b"sessionid=abcdefghijklmnopqrstuvwxyz012345; csrftoken=" + b"a" * 32)],
    ],
)
def test_a_lean_answer_is_the_answer_through_django(apps, headers):
    fast, normal, answered_lean = both(apps, scope("/lean-probe/wort", headers=headers))
    assert answered_lean
    assert fast == normal
    assert fast[0] == 200 and orjson.loads(fast[2])["word"] == "wort"
    assert {"content-language", "vary", "content-security-policy", "x-frame-options"} <= set(
        fast[1]
    )


def test_the_language_and_headers_a_handler_adds(apps):
    fast, normal, answered_lean = both(
        apps, scope("/lean-probe/cached", headers=[(b"accept-language", b"en")])
    )
    assert answered_lean and fast == normal
    assert orjson.loads(fast[2])["message"] == "Not found."
    assert fast[1]["content-language"] == "en"
    assert fast[1]["cache-control"] == "public, max-age=60"


def test_https_behind_the_proxy_gets_the_same_headers(apps, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    # Django's middleware reads these settings when the chain is built: a new handler.
    django_app = ASGIHandler(threads=1)
    try:
        pair = lean.wrap(django_app), django_app
        request = scope("/lean-probe/wort", headers=[(b"x-forwarded-proto", b"https")])
        fast, normal, answered_lean = both(pair, request)
        assert answered_lean and fast == normal
        assert fast[1]["strict-transport-security"] == "max-age=3600"
        plain, normal, _answered = both(pair, scope("/lean-probe/wort"))
        assert plain == normal and "strict-transport-security" not in plain[1]
    finally:
        django_app.threads.stop()


def test_head_has_the_headers_of_get_and_no_body(apps):
    lean_app, _django_app = apps
    get = asyncio.run(call(lean_app, scope("/lean-probe/wort")))
    head = asyncio.run(call(lean_app, scope("/lean-probe/wort", method="HEAD")))
    assert head[0] == 200 and head[2] == b""
    get[1].pop("x-request-id"), head[1].pop("x-request-id")
    assert head[1] == get[1]
    assert len(calls) == 2


def test_a_delegated_or_failed_request_is_answered_by_django(apps):
    fast, normal, answered_lean = both(apps, scope("/lean-probe/kaputt"))
    assert answered_lean  # the handler was asked and delegated
    assert fast == normal and fast[0] == 400
    fast, normal, _answered = both(apps, scope("/lean-probe/fehler"))
    assert fast == normal and fast[0] == 200  # Django's view does not fail


def test_switched_off_everything_goes_to_django(apps, settings):
    settings.SMARTCITY_LEAN_ENDPOINTS = False
    fast, normal, answered_lean = both(apps, scope("/lean-probe/wort"))
    assert not answered_lean and fast == normal


def test_a_refused_host_is_refused_by_django(apps):
    fast, normal, answered_lean = both(apps, scope("/lean-probe/wort", host=b"evil.example"))
    assert not calls or not answered_lean
    assert fast == normal and fast[0] == 400


@pytest.mark.parametrize(
    "headers",
    [
        [(b"cookie", b"sessionid=kurz")],  # SessionMiddleware deletes it
        [(b"cookie", b"csrftoken=kaputt!")],  # CsrfViewMiddleware sets a new one
    ],
)
def test_cookies_the_middleware_would_act_on_go_to_django(apps, headers):
    fast, normal, answered_lean = both(apps, scope("/lean-probe/wort", headers=headers))
    assert not answered_lean
    # (a new CSRF cookie has a new random value each time)
    assert fast[1].pop("set-cookie").split("=")[0] == normal[1].pop("set-cookie").split("=")[0]
    assert fast == normal


def test_the_request_id_is_taken_or_made_as_by_the_middleware(apps):
    lean_app, _django_app = apps
    given = asyncio.run(
        call(lean_app, scope("/lean-probe/wort", headers=[(b"x-request-id", b"form-7.a")]))
    )
    assert given[1]["x-request-id"] == "form-7.a"
    unsafe = asyncio.run(
        call(lean_app, scope("/lean-probe/wort", headers=[(b"x-request-id", b"<script>")]))
    )
    assert unsafe[1]["x-request-id"] != "<script>" and len(unsafe[1]["x-request-id"]) == 32
    assert len(calls) == 2


def test_lean_answers_are_counted_by_the_request_metrics(apps):
    lean_app, _django_app = apps
    counter = REQUESTS.labels("pages", "GET", "2xx")
    before = counter._value.get()
    asyncio.run(call(lean_app, scope("/lean-probe/wort")))
    assert len(calls) == 1
    assert counter._value.get() == before + 1


def test_an_unknown_middleware_switches_lean_answers_off(apps, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    lean_app, _django_app = apps
    assert not lean.plan().usable
    status, _headers, _content = asyncio.run(call(lean_app, scope("/lean-probe/wort")))
    assert status == 200 and not calls


def test_header_middleware_is_found_by_class(settings):
    """A subclass of CSPMiddleware under another path still gives its header."""
    from csp.middleware import CSPMiddleware

    class PlatformCSP(CSPMiddleware):
        pass

    import sys

    sys.modules[__name__].PlatformCSP = PlatformCSP
    try:
        settings.MIDDLEWARE = [
            f"{__name__}.PlatformCSP" if entry == "csp.middleware.CSPMiddleware" else entry
            for entry in settings.MIDDLEWARE
        ]
        names = {name for name, _value in lean.security_headers(False)}
        assert b"content-security-policy" in names and b"x-frame-options" in names
        assert lean.plan().usable
    finally:
        del sys.modules[__name__].PlatformCSP
