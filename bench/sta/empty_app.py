"""An ASGI app that reads the body and answers 201 with a small JSON body: the ceiling of the
single-POST benchmark (server and load generator on the same machine, nothing stored)."""

BODY = b'{"@iot.id":1,"@iot.selfLink":"http://127.0.0.1/sta/v1.1/Observations(1)"}'


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send(
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(BODY)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": BODY})
