"""The duplicate hint answered in front of the middleware chain (core/lean.py): the same
status, body and headers as through Django, for hits, empty results and every kind of bad
input (which the lean handler leaves to the ninja endpoint). On PostgreSQL the lean answers
come from the async handler on the event loop (core/lean_db.py), on SQLite from the sync
handler on a request thread; ``spied`` records which one answered."""

import asyncio
import dataclasses
import time

import orjson
import pytest

try:
    import psycopg
except ImportError:  # SQLite-only installations: the async tests are skipped
    psycopg = None
from django.db import connection
from django.urls import resolve

from smartcity.core import lean, lean_db
from smartcity.core.asgi_handler import ASGIHandler
from smartcity.core.registries import Registry
from smartcity.core.tests.asgi import call, http_scope
from smartcity.defects import api, services
from smartcity.defects.models import Report
from smartcity.defects.tests.factories import INSIDE, setup_defects
from smartcity.operations.metrics import REQUESTS, route_group

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/api/v1/defects/dortmund/duplicates"


@pytest.fixture(autouse=True)
def _end_other_sessions():
    """The request threads keep their pooled PostgreSQL connections; end them, or the test
    database cannot be dropped at the end of the run."""
    yield
    lean_db.reset()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close_pool()


@pytest.fixture
def reports(cities):
    pothole = setup_defects(cities)
    made = [
        services.create_report(
            pothole.city,
            category=pothole,
            latitude=INSIDE[0] + offset,
            longitude=INSIDE[1],
            description=f"Loch {number} – tief",
            source=Report.Source.WEB,
        )  # fmt: skip
        for number, offset in enumerate((0.0, 0.0001, 0.0002))
    ]
    return pothole, made


@pytest.fixture
def apps(reports):
    lean._reset()
    lean.plan()  # made on a request thread by the first lean answer in production
    django_app = ASGIHandler(threads=2)
    yield lean.wrap(django_app), django_app
    django_app.threads.stop()
    lean._reset()


def scope(query: bytes, method="GET", headers=(), path=PATH):
    return http_scope(path, method, query, headers)


def counted():
    return REQUESTS.labels("api-v1", "GET", "2xx")._value.get()


ASYNC = connection.vendor == "postgresql"  # where the async handler answers


def spied(monkeypatch):
    """The registered lean handlers with a spy: the list of their results, as
    ``(handler kind, result)`` (``"sync"`` or ``"async"``)."""
    endpoint = lean.endpoints["defects-duplicates"]
    calls = []

    def spy(request):
        calls.append(("sync", endpoint.handler(request)))
        return calls[-1][1]

    async def async_spy(request):
        calls.append(("async", await endpoint.async_handler(request)))
        return calls[-1][1]

    registry = Registry("lean endpoint")
    replaced = dataclasses.replace(endpoint, handler=spy, async_handler=async_spy)
    registry.register("defects-duplicates", replaced)
    monkeypatch.setattr(lean, "endpoints", registry)
    return calls


def kinds(calls) -> set:
    return {kind for kind, _result in calls}


def both(apps, request_scope, monkeypatch):
    """(lean answer, Django's answer, whether the lean handler answered it itself)."""
    lean_app, django_app = apps
    calls = spied(monkeypatch)
    fast = asyncio.run(call(lean_app, request_scope))
    answered_lean = any(result is not lean.DELEGATE for _kind, result in calls)
    if calls:  # the handler of the database in use was asked
        assert kinds(calls) == {"async" if ASYNC else "sync"}
    normal = asyncio.run(call(django_app, request_scope))
    # A request id on both answers or on neither (Django's 400 for a query string that is
    # not UTF-8 comes before the middleware).
    assert (fast[1].pop("x-request-id", None) is None) == (
        normal[1].pop("x-request-id", None) is None
    )
    return fast, normal, answered_lean


def query(category="schlagloch", lat=INSIDE[0], lon=INSIDE[1]) -> bytes:
    return f"category={category}&lat={lat}&lon={lon}".encode()


def test_the_registered_path_is_the_endpoints_path_and_metrics_group():
    assert api.DUPLICATES_PATH.match(PATH)
    match = resolve(PATH)
    assert match.url_name == "defects_duplicates"
    assert route_group(PATH, match) == "api-v1"
    assert lean.endpoints["defects-duplicates"].group == "api-v1"
    for other in (PATH + "/", "/api/v1/defects/dortmund/duplicates/x", "/api/v1/defects//d"):
        assert not api.DUPLICATES_PATH.match(other)


@pytest.mark.parametrize(
    "headers",
    [[], [(b"accept-language", b"en")], [(b"cookie", b"django_language=en")]],
)
def test_hits_are_answered_lean_and_equal_djangos(apps, monkeypatch, headers):
    before = counted()
    fast, normal, answered_lean = both(apps, scope(query(), headers=headers), monkeypatch)
    assert answered_lean and counted() == before + 2  # the lean answer and Django's
    assert fast == normal and fast[0] == 200
    found = orjson.loads(fast[2])
    assert len(found) == 3 and found[0]["distance_m"] == 0
    language = "en" if headers else "de"
    assert fast[1]["content-language"] == language
    assert found[0]["status_label"] == ("Received" if headers else "Eingegangen")
    for name in ("content-security-policy", "x-frame-options", "referrer-policy", "vary"):
        assert fast[1][name] == normal[1][name]


def test_empty_results_are_answered_lean(apps, monkeypatch):
    fast, normal, answered_lean = both(apps, scope(query(lat=51.40, lon=7.31)), monkeypatch)
    assert answered_lean and fast == normal and fast[2] == b"[]"


@pytest.mark.parametrize(
    "request_query",
    [
        query(category="gibtsnicht"),  # 404 from the endpoint
        query(category=""),
        b"lat=51.5&lon=7.4",  # missing category
        b"category=schlagloch&lat=nord&lon=7.4",  # invalid number
        b"category=schlagloch&lat=5.1e1&lon=7.4",  # valid for ninja too, left to it
        b"category=schlagloch&lat=%2051.5136&lon=7.4653",
        b"category=schlagloch&category=graffiti&lat=51.5&lon=7.4",  # repeated
        b"",
        b"category=schlagloch&lat=51.5&lon=\xff",  # not UTF-8
    ],
)
def test_everything_else_is_answered_by_the_endpoint(apps, monkeypatch, request_query):
    fast, normal, answered_lean = both(apps, scope(request_query), monkeypatch)
    assert not answered_lean
    assert fast == normal  # 400 or 404, or 200 where ninja reads what the handler left to it


def test_head_and_other_languages_on_errors(apps, monkeypatch):
    fast, normal, answered_lean = both(apps, scope(query(), method="HEAD"), monkeypatch)
    assert not answered_lean  # the endpoint answers HEAD itself (405), so it is not lean
    assert fast == normal and fast[0] == 405
    request = scope(query(category="gibtsnicht"), headers=[(b"accept-language", b"en")])
    fast, normal, _answered = both(apps, request, monkeypatch)
    assert fast == normal and fast[0] == 404
    assert orjson.loads(fast[2])["error"]["message"] == "This category does not exist here."


def test_switched_off_the_endpoint_answers(apps, monkeypatch, settings):
    settings.SMARTCITY_LEAN_ENDPOINTS = False
    fast, normal, answered_lean = both(apps, scope(query()), monkeypatch)
    assert not answered_lean and fast == normal and fast[0] == 200


def test_a_refused_host_is_refused_as_by_django(apps, monkeypatch):
    request = scope(query())
    request["headers"] = [(b"host", b"evil.example")]
    fast, normal, answered_lean = both(apps, request, monkeypatch)
    assert not answered_lean and fast == normal and fast[0] == 400


def test_the_platform_application_answers_lean(reports, monkeypatch):
    """smartcity.asgi puts the lean endpoints in front (behind the sensors ingest path)."""
    from smartcity.asgi import application

    # The platform application's request threads may hold a connection that an earlier
    # test's clean-up ended (pg_terminate_backend): the first request after that fails on it
    # (the lean handler then leaves the request to Django, which replaces the connection).
    asyncio.run(call(application, scope(query())))
    results = spied(monkeypatch)
    status, headers, content = asyncio.run(
        call(application, scope(query(), headers=[(b"x-request-id", b"tap-1")]))
    )
    assert status == 200 and len(orjson.loads(content)) == 3
    assert headers["x-request-id"] == "tap-1" and len(results) == 1


def test_async_database_switched_off_the_sync_handler_answers(apps, monkeypatch, settings):
    settings.SMARTCITY_LEAN_ASYNC_DB = False
    lean_app, _django_app = apps
    calls = spied(monkeypatch)
    fast = asyncio.run(call(lean_app, scope(query())))
    assert kinds(calls) == {"sync"} and fast[0] == 200 and len(orjson.loads(fast[2])) == 3


def test_only_postgresql_is_queried_on_the_event_loop(settings):
    assert lean_db.enabled() is ASYNC
    settings.SMARTCITY_LEAN_ASYNC_DB = False
    assert lean_db.enabled() is False


def _without_request_id(*answers):
    for answer in answers:
        answer[1].pop("x-request-id")
    return answers


@pytest.mark.skipif(not ASYNC, reason="the async path is PostgreSQL's")
def test_connections_ended_by_the_server_are_replaced(apps, monkeypatch):
    """The pool's idle connections ended by the server (a restart, pg_terminate_backend):
    they are noticed before use (readable socket) and replaced; the answer stays async."""
    lean_app, django_app = apps
    calls = spied(monkeypatch)
    with asyncio.Runner() as runner:  # one event loop: one pool for all requests
        first = runner.run(call(lean_app, scope(query())))
        pids = [held.info.backend_pid for held in lean_db._pool.all]
        assert 1 <= len(pids) <= lean_db.POOL_SIZE
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", [pids])
            for _attempt in range(100):  # the backends have sent their goodbye and ended
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
        calls.clear()
        again = runner.run(call(lean_app, scope(query())))
        assert calls[0][0] == "async" and calls[0][1] is not lean.DELEGATE
        assert not {held.info.backend_pid for held in lean_db._pool.all} & set(pids)
    normal = asyncio.run(call(django_app, scope(query())))
    first, again, normal = _without_request_id(first, again, normal)
    assert first == again == normal and first[0] == 200


@pytest.mark.skipif(not ASYNC, reason="the async path is PostgreSQL's")
def test_a_failing_async_connection_is_delegated_and_recovered(apps, monkeypatch):
    """A connection that cannot be opened, or that fails during the statement: Django
    answers (the same answer); the failed connection is dropped and later requests are
    answered on the loop again."""
    lean_app, django_app = apps
    calls = spied(monkeypatch)
    real_connect, real_execute = lean_db._Pool._connect, psycopg.AsyncConnection.execute

    async def refused(self):
        raise psycopg.OperationalError("connection refused")

    async def broken(self, *args, **kwargs):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    with asyncio.Runner() as runner:
        monkeypatch.setattr(lean_db._Pool, "_connect", refused)
        not_opened = runner.run(call(lean_app, scope(query())))
        assert calls == [("async", lean.DELEGATE)] and lean_db._pool.opened == 0
        monkeypatch.setattr(lean_db._Pool, "_connect", real_connect)
        calls.clear()
        opened = runner.run(call(lean_app, scope(query())))
        assert calls[0][0] == "async" and calls[0][1] is not lean.DELEGATE
        held = set(lean_db._pool.all)
        monkeypatch.setattr(psycopg.AsyncConnection, "execute", broken)
        calls.clear()
        failed = runner.run(call(lean_app, scope(query())))
        assert calls == [("async", lean.DELEGATE)]
        assert all(connection.closed for connection in held - lean_db._pool.all)
        assert len(lean_db._pool.all) == len(held) - 1 == lean_db._pool.opened
        monkeypatch.setattr(psycopg.AsyncConnection, "execute", real_execute)
        calls.clear()
        recovered = runner.run(call(lean_app, scope(query())))
        assert calls[0][0] == "async" and calls[0][1] is not lean.DELEGATE
    normal = asyncio.run(call(django_app, scope(query())))
    answers = _without_request_id(not_opened, opened, failed, recovered, normal)
    assert all(answer == normal for answer in answers) and normal[0] == 200


@pytest.mark.skipif(not ASYNC, reason="the async path is PostgreSQL's")
def test_the_async_connection_follows_the_database_settings(apps):
    """The pool is made from Django's connection parameters at first use, in Django's time
    zone, for the database Django uses now (the test database here)."""
    lean_app, _django_app = apps

    async def ask():
        await call(lean_app, scope(query()))
        held = next(iter(lean_db._pool.all))
        return held.info.dbname, held.info.parameter_status("TimeZone"), held.autocommit

    name, zone, autocommit = asyncio.run(ask())
    assert name == connection.settings_dict["NAME"] and name.startswith("test_")
    assert zone == connection.timezone_name and autocommit is True
