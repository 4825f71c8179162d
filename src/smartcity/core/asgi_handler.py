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
wait for a free thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import asgi as django_asgi
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.urls import set_script_prefix

DEFAULT_THREADS = 10


def thread_count() -> int:
    value = os.environ.get("SMARTCITY_SERVER_THREADS", "")
    if value:
        return max(1, min(int(value), 256))
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    if isinstance(pool, dict) and pool.get("max_size"):
        return int(pool["max_size"])
    return DEFAULT_THREADS


class _PinnedThreads:
    """A fixed set of single-thread executors; a request holds one from start to end."""

    def __init__(self, count: int):
        self.count = count
        self._free: queue.SimpleQueue[ThreadPoolExecutor] = queue.SimpleQueue()
        self._available: asyncio.Semaphore | None = None
        self._loop = None
        self._lock = threading.Lock()
        for number in range(count):
            self._free.put(ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"django-{number}"))

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._loop is not loop:  # one per event loop (tests run several loops)
                self._loop, self._available = loop, asyncio.Semaphore(self.count)
            return self._available

    async def acquire(self) -> ThreadPoolExecutor:
        await self._semaphore().acquire()
        return self._free.get_nowait()

    def release(self, executor: ThreadPoolExecutor) -> None:
        self._free.put(executor)
        self._semaphore().release()


class ASGIHandler(django_asgi.ASGIHandler):
    """Serve HTTP through Django's sync request cycle, one thread hop per request."""

    def __init__(self, threads: int | None = None):
        BaseHandler.__init__(self)  # not ASGIHandler.__init__: that builds an async chain
        self.load_middleware(is_async=False)
        self.threads = _PinnedThreads(threads or thread_count())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        executor = await self.threads.acquire()
        try:
            await self._serve(executor, scope, body_file, send)
        finally:
            self.threads.release(executor)

    async def _serve(self, executor, scope, body_file, send):
        loop = asyncio.get_running_loop()

        def on_thread(function, *args):
            # The caller's context variables (e.g. a request id set by an outer wrapper)
            # are visible on the thread, as with asgiref's sync_to_async.
            context = contextvars.copy_context()
            return loop.run_in_executor(executor, context.run, function, *args)

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
