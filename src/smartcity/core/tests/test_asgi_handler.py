"""The platform's ASGI handler: Django's request cycle in sync mode, each request's sync code on
one thread of a fixed pool, everything the middleware adds still there."""

import asyncio
import threading

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core import signals
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import include, path

from smartcity.core.asgi_handler import ASGIHandler

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


def slow(request):
    record("slow")
    threading.Event().wait(0.05)
    return HttpResponse("langsam")


urlpatterns = [
    path("plain/", plain),
    path("stream/", streaming),
    path("broken/", broken),
    path("async/", asynchronous),
    path("slow/", slow),
    path("", include("smartcity.urls")),  # the platform's pages and its 404 page
]


@pytest.fixture
def handler(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    seen.clear()
    finished = lambda **kwargs: record("finished")  # noqa: E731
    signals.request_finished.connect(finished)
    yield ASGIHandler(threads=2)
    signals.request_finished.disconnect(finished)


def scope(path, method="GET", query=b"", headers=()):
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"testserver"), *headers],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 40000),
    }


async def call(app, request_scope, body=b""):
    communicator = ApplicationCommunicator(app, request_scope)
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await communicator.receive_output(timeout=10)
    content = b""
    while True:
        message = await communicator.receive_output(timeout=10)
        content += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(timeout=10)
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], headers, content


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
