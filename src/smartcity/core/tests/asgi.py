"""Calling an ASGI application in tests: a plain HTTP scope and the whole answer."""

from asgiref.testing import ApplicationCommunicator


def http_scope(path, method="GET", query=b"", headers=(), scheme="http", host=b"testserver"):
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", host), *headers],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 40000),
    }


async def call(app, request_scope, body=b"", timeout=10):
    """(status, headers with lower-case names, body) of ``app``'s answer to the request."""
    communicator = ApplicationCommunicator(app, request_scope)
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await communicator.receive_output(timeout=timeout)
    content = b""
    while True:
        message = await communicator.receive_output(timeout=timeout)
        content += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(timeout=timeout)
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], headers, content
