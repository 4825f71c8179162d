"""The platform's ASGI handler: Django's request cycle in sync mode, each request's sync code on
one thread of a fixed pool, everything the middleware adds still there."""

import asyncio
import threading

import pytest
from django.core import signals
from django.db import connection
from django.db.backends.signals import connection_created
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import include, path

from smartcity.core.asgi_handler import ASGIHandler
from smartcity.core.tests.asgi import call
from smartcity.core.tests.asgi import http_scope as scope

pytestmark = pytest.mark.django_db(transaction=True)

seen: dict[str, list[int]] = {}


def record(name):
    seen.setdefault(name, []).append(threading.get_ident())


def plain(request):
    record("view")
    return HttpResponse(f"hallo {request.GET.get('n', '')}")


def streaming(request):
    record("view")

    def parts():
        for number in range(3):
            record("part")
            yield f"teil {number}\n".encode()

    return StreamingHttpResponse(parts(), content_type="text/plain")


def broken(request):
    raise RuntimeError("kaputt")


async def asynchronous(request):
    await asyncio.sleep(0)
    return HttpResponse("async")


def database(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    record("database")
    raw = connection.connection
    return HttpResponse(str(raw.info.backend_pid if connection.vendor == "postgresql" else id(raw)))


def slow(request):
    record("slow")
    threading.Event().wait(0.05)
    return HttpResponse("langsam")


def open_transaction(request):
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")  # raw, outside Django's transaction handling
    return database(request)


def transaction_status(request):
    connection.ensure_connection()
    return HttpResponse(connection.connection.info.transaction_status.name)


urlpatterns = [
    path("plain/", plain),
    path("stream/", streaming),
    path("broken/", broken),
    path("async/", asynchronous),
    path("slow/", slow),
    path("database/", database),
    path("transaction/", open_transaction),
    path("transaction-status/", transaction_status),
    path("", include("smartcity.urls")),  # the platform's pages and its 404 page
]


@pytest.fixture
def handler(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    seen.clear()
    finished = lambda **kwargs: record("finished")  # noqa: E731
    signals.request_finished.connect(finished)
    app = ASGIHandler(threads=2)
    yield app
    app.threads.stop()  # the threads give their held connections back
    signals.request_finished.disconnect(finished)


def test_a_request_passes_the_whole_middleware_chain(handler):
    status, headers, content = asyncio.run(
        call(handler, scope("/plain/", query=b"n=1", headers=[(b"x-request-id", b"abc-1")]))
    )
    assert status == 200 and content == b"hallo 1"
    assert headers["x-request-id"] == "abc-1"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in headers
    assert headers["content-length"] == str(len(content))
    # request_started … request_finished and the view ran on one thread of the pool.
    assert seen["view"] == seen["finished"]
    assert seen["view"][0] != threading.get_ident()


def test_a_streaming_response_is_made_and_closed_on_the_request_thread(handler):
    status, _headers, content = asyncio.run(call(handler, scope("/stream/")))
    assert status == 200 and content == b"teil 0\nteil 1\nteil 2\n"
    assert set(seen["part"]) == set(seen["view"]) == set(seen["finished"])
    assert len(seen["finished"]) == 1


def test_errors_async_views_and_csrf_behave_as_with_djangos_handler(handler):
    status, headers, _content = asyncio.run(call(handler, scope("/broken/")))
    assert status == 500 and "x-request-id" in headers
    assert asyncio.run(call(handler, scope("/async/")))[2] == b"async"
    assert asyncio.run(call(handler, scope("/nirgends/")))[0] == 404
    # CSRF is still checked for forms: a POST without a token is refused.
    assert asyncio.run(call(handler, scope("/plain/", method="POST"), b"a=1"))[0] == 403


def test_more_concurrent_requests_than_threads_wait_for_a_free_one(handler):
    async def many():
        return await asyncio.gather(*(call(handler, scope("/slow/")) for _ in range(6)))

    answers = asyncio.run(many())
    assert [answer[0] for answer in answers] == [200] * 6
    assert len(set(seen["slow"])) <= 2  # only the pool's two threads served them


def _opened_during(app, requests):
    opened = []
    receiver = lambda connection, **kwargs: opened.append(connection.alias)  # noqa: E731
    connection_created.connect(receiver)
    try:

        async def one_after_another():
            return [await call(app, scope("/database/")) for _ in range(requests)]

        answers = asyncio.run(one_after_another())
    finally:
        connection_created.disconnect(receiver)
    assert [answer[0] for answer in answers] == [200] * requests
    return opened


def test_a_request_thread_keeps_its_connection_between_requests(handler):
    # One after another: the most recently freed thread serves the next request, with the
    # connection the previous request opened (not one from the pool or a new one each time).
    assert len(_opened_during(handler, 4)) == 1
    assert len(set(seen["database"])) == 1


def _closable():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite database's connections")


def test_connections_are_given_back_when_holding_is_off(settings):
    _closable()
    settings.ROOT_URLCONF = __name__
    settings.SMARTCITY_DATABASE_HOLD_SECONDS = 0
    app = ASGIHandler(threads=1)
    try:
        assert len(_opened_during(app, 3)) == 3
    finally:
        app.threads.stop()


def test_an_idle_request_thread_gives_its_connection_back(handler):
    from smartcity.core import connections

    _closable()
    assert len(_opened_during(handler, 2)) == 1
    threading.Event().wait(connections.IDLE_SECONDS * 3)
    assert len(_opened_during(handler, 1)) == 1  # opened again after the idle time


def test_a_held_connection_the_server_closed_is_replaced(handler):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: the server ends the backend")
    status, _headers, backend = asyncio.run(call(handler, scope("/database/")))
    assert status == 200
    # End the held backend from outside, as a database restart would.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [int(backend)])
    threading.Event().wait(0.05)
    status, _headers, replaced = asyncio.run(call(handler, scope("/database/")))
    assert status == 200 and replaced != backend


def open_transaction(request):
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")  # raw, outside Django's transaction handling
    return database(request)


def test_a_connection_left_in_a_transaction_is_not_carried_into_the_next_request(handler):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's transaction status")
    assert asyncio.run(call(handler, scope("/transaction/")))[0] == 200
    status, _headers, content = asyncio.run(call(handler, scope("/transaction-status/")))
    assert status == 200 and content == b"IDLE"


def test_holding_leaves_pool_connections_for_background_threads(settings):
    from smartcity.core import connections

    settings.SMARTCITY_DATABASE_HOLD_SECONDS = 60
    pooled = {"default": {"ENGINE": "x", "OPTIONS": {"pool": {"max_size": 10}}}}
    assert connections.holding_threads(10, pooled) == 10 - connections.RESERVE
    assert connections.holding_threads(4, pooled) == 4
    assert connections.holding_threads(10, {"default": {"ENGINE": "x"}}) == 10
    settings.SMARTCITY_DATABASE_HOLD_SECONDS = 0
    assert connections.holding_threads(10, pooled) == 0
