"""Django's ASGI handler with the request's synchronous part run in one step on a fixed thread.

Django's own ``ASGIHandler`` builds the middleware chain in async mode. Every middleware
written the classic way (``MiddlewareMixin``: all of Django's, django-csp, …) then runs each
of its ``process_request``/``process_response`` hooks through ``sync_to_async``, and a
sync-only middleware switches back with ``async_to_sync``: with the platform's 13 middlewares
and sync views a request crossed between the event loop and a worker thread about 20 times,
and each request got a new thread (``ThreadSensitiveContext``). Under load, each crossing
also waits for the GIL. Measured in-process, that was more than half of the CPU time of a
small request.

This handler keeps everything that makes up Django's request cycle (the same middleware,
signals, request class, exception handling and response sending) but builds the chain in sync
mode, like WSGI, and runs ``request_started`` → middleware → view → ``response.close()`` in
**one** call on a thread taken from a fixed pool for the whole request, so all of a request's
sync code, including the iteration of a streaming response and its ``close()``, runs on the
same thread (database connections are per thread). The event loop only receives the request
body and sends the answer. The number of threads per process is ``SMARTCITY_SERVER_THREADS``
(``smartcity serve --threads``; default: the database pool size, 10); more concurrent requests
wait for a free thread. A request thread keeps its database connection between requests while
requests keep coming (``core/connections.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import queue
import threading

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import asgi as django_asgi
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.urls import set_script_prefix

from smartcity.core import connections

DEFAULT_THREADS = 10


def thread_count() -> int:
    value = os.environ.get("SMARTCITY_SERVER_THREADS", "")
    if value:
        return max(1, min(int(value), 256))
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    if isinstance(pool, dict) and pool.get("max_size"):
        return int(pool["max_size"])
    return DEFAULT_THREADS


class _RequestThread:
    """One long-lived thread that runs the jobs handed to it, one after the other.

    Lighter than a one-worker ``ThreadPoolExecutor`` behind ``loop.run_in_executor``: a job is
    a tuple in a ``SimpleQueue``, its result goes back with one ``call_soon_threadsafe`` into
    an asyncio future (no ``concurrent.futures.Future``, no chained futures, no executor
    locks). In a profile of ``GET /healthz`` that machinery was about a third of the Python
    time; the CPU per answer did not drop measurably with it (the cross-thread wake-up
    itself remains, see docs/defects.md), but it is simpler and not slower.
    """

    def __init__(self, number: int, holds_connections: bool):
        self.number = number
        # Whether this thread keeps its database connections between requests (see
        # ``connections.py``); a few threads of the pool leave room for background threads.
        self.holds_connections = holds_connections
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name=f"django-{number}", daemon=True)
        self._thread.start()

    def run(self, function, *args) -> asyncio.Future:
        """Run ``function(*args)`` on this thread in a copy of the caller's context."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._jobs.put((loop, future, contextvars.copy_context(), function, args))
        return future

    def stop(self) -> None:
        """End the thread after its current job, giving its connections back."""
        self._jobs.put(None)
        self._thread.join(timeout=10)

    def _work(self) -> None:
        connections.mark_request_thread(self.holds_connections)
        idle = connections.IDLE_SECONDS if self.holds_connections else None
        while True:
            try:
                job = self._jobs.get(timeout=idle)
            except queue.Empty:
                # No request for a while: give the held connections back, wait for the next.
                connections.release()
                job = self._jobs.get()
            if job is None:  # stop()
                connections.release()
                return
            loop, future, context, function, args = job
            try:
                result, error = context.run(function, *args), None
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # the loop is closed (shutdown, tests)
                loop.call_soon_threadsafe(_settle, future, result, error)
            del job, loop, future, context, function, args, result, error


def _settle(future: asyncio.Future, result, error) -> None:
    if future.cancelled():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class _PinnedThreads:
    """A fixed set of request threads; a request holds one from start to end. The most
    recently freed thread is handed out first, so under light load few threads (and their
    held database connections) are in use."""

    def __init__(self, count: int, holding: int | None = None):
        self.count = count
        holding = count if holding is None else max(0, min(holding, count))
        self._all = [_RequestThread(number, number < holding) for number in range(count)]
        # A stack: threads that hold a connection are on top at the start.
        self._free: list[_RequestThread] = list(reversed(self._all))
        self._available: asyncio.Semaphore | None = None
        self._loop = None
        self._lock = threading.Lock()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._loop is not loop:  # one per event loop (tests run several loops)
                self._loop, self._available = loop, asyncio.Semaphore(self.count)
            return self._available

    def stop(self) -> None:
        for thread in self._all:
            thread.stop()

    async def acquire(self) -> _RequestThread:
        await self._semaphore().acquire()
        with self._lock:
            return self._free.pop()

    def release(self, thread: _RequestThread) -> None:
        with self._lock:
            self._free.append(thread)
        self._semaphore().release()


class ASGIHandler(django_asgi.ASGIHandler):
    """Serve HTTP through Django's sync request cycle, one thread hop per request."""

    def __init__(self, threads: int | None = None):
        BaseHandler.__init__(self)  # not ASGIHandler.__init__: that builds an async chain
        self.load_middleware(is_async=False)
        count = threads or thread_count()
        self.threads = _PinnedThreads(count, connections.holding_threads(count))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        thread = await self.threads.acquire()
        try:
            await self._serve(thread, scope, body_file, send)
        finally:
            self.threads.release(thread)

    async def _serve(self, thread, scope, body_file, send):
        # The caller's context variables (e.g. a request id set by an outer wrapper) are
        # visible on the thread, as with asgiref's sync_to_async.
        on_thread = thread.run
        response = await on_thread(self._respond, scope, body_file)
        try:
            if response.streaming and not getattr(response, "is_async", False):
                await self._send_streaming(response, send, on_thread)
            else:
                # Complete bodies (closed already on the thread) and async iterators.
                await self.send_response(response, send)
        except asyncio.CancelledError:
            pass  # the client went away while we were sending
        finally:
            if response.streaming:
                await on_thread(self._close, response, body_file)

    def _respond(self, scope, body_file):
        """On the request's thread: the whole synchronous request cycle."""
        connections.before_request()
        set_script_prefix(django_asgi.get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            response = error_response
        else:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            # The body is complete: close (request_finished, connections back to the pool)
            # before sending, on the thread that used them.
            self._close(response, body_file)
        return response

    @staticmethod
    def _close(response, body_file):
        try:
            response.close()
        finally:
            body_file.close()

    async def _send_streaming(self, response, send, on_thread):
        """A streaming response with a sync iterator: its parts are made on the request's
        thread (a database cursor behind it stays on its connection), sent from the loop."""
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": _headers(response),
            }
        )
        iterator = iter(response.streaming_content)
        done = object()
        while True:
            part = await on_thread(next, iterator, done)
            if part is done:
                break
            for chunk, _last in self.chunk_bytes(part):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body"})


def _headers(response) -> list[tuple[bytes, bytes]]:
    """Response headers and cookies as ASGI wants them (as Django's ``send_response``)."""
    headers = []
    for header, value in response.items():
        if isinstance(header, str):
            header = header.encode("ascii")
        if isinstance(value, str):
            value = value.encode("latin1")
        headers.append((bytes(header), bytes(value)))
    for cookie in response.cookies.values():
        headers.append((b"Set-Cookie", cookie.output(header="").encode("ascii").strip()))
    return headers


def get_asgi_application() -> ASGIHandler:
    import django

    django.setup(set_prefix=False)
    return ASGIHandler()
